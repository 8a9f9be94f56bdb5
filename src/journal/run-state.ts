/**
 * A run's state, replayed from its events: which steps finished and how, whether the run
 * ended, and where a resume continues. Pure.
 */

import type { FlagChange, RunEvent, RunFinished, RunStarted, StepResult } from './events.js';

/** How one step ended (its last recorded result), for summaries and reports. */
export interface StepOutcome {
  number: number;
  title: string;
  kind: 'shell' | 'manual' | 'choice';
  result: StepResult;
  durationMs: number;
  exitCode?: number;
  flags: FlagChange[];
  /** The manual step's items, or the shell step's commands. */
  commands: string;
  message?: string;
  attempts: number;
}

export interface RunState {
  started: RunStarted;
  /** Last result recorded for each step number. */
  stepResults: Map<number, StepResult>;
  /** Steps that started and never finished: the process died during them. */
  unfinished: number[];
  /** Process group of each unfinished step, when recorded. */
  unfinishedGroups: Map<number, number>;
  finished?: RunFinished;
  /** pid of the last process that worked on the run (it changes on resume). */
  pid: number;
  host: string;
  lastEventAt: string;
}

/**
 * Step results after which a resume does not run the step again. `not-selected` steps were
 * left out of the run on purpose (`--from`, `--only`), so a resume leaves them out too. A step
 * that needed a person is not settled: nobody did it, so a resume starts there.
 */
const SETTLED: ReadonlySet<StepResult> = new Set(['done', 'skipped', 'acknowledged', 'not-selected']);

export function replayRun(events: RunEvent[]): RunState | undefined {
  const started = events.find((event): event is RunStarted => event.type === 'run-started');
  if (!started) return undefined;
  const stepResults = new Map<number, StepResult>();
  const open = new Set<number>();
  const groups = new Map<number, number>();
  let finished: RunFinished | undefined;
  let pid = started.pid;
  let host = started.host;
  for (const event of events) {
    if (event.type === 'step-started') open.add(event.step);
    if (event.type === 'step-process') groups.set(event.step, event.pid);
    if (event.type === 'step-finished') {
      open.delete(event.step);
      stepResults.set(event.step, event.result);
    }
    if (event.type === 'run-resumed') {
      pid = event.pid;
      host = event.host;
      finished = undefined;
    }
    if (event.type === 'run-finished') finished = event;
  }
  const unfinishedGroups = new Map([...groups].filter(([step]) => open.has(step)));
  return { started, stepResults, unfinished: [...open], unfinishedGroups, finished, pid, host, lastEventAt: events.at(-1)?.at ?? started.at };
}

/** The first step a resume runs: the first one not settled (done, skipped by decision, reported). */
export function resumeFrom(state: RunState): number | undefined {
  return state.started.steps.find((step) => {
    const result = state.stepResults.get(step.number);
    return result === undefined || !SETTLED.has(result);
  })?.number;
}

/** Steps a resume leaves alone, with the reason shown in the step list. */
export function settledSteps(state: RunState): Map<number, string> {
  const settled = new Map<number, string>();
  for (const [step, result] of state.stepResults) {
    if (SETTLED.has(result)) settled.set(step, result === 'not-selected' ? 'not part of this run' : `${result} in an earlier attempt`);
  }
  return settled;
}

/** What happened, in one word, for listings. */
export function runStatus(state: RunState, processAlive: (pid: number) => boolean, thisHost: string): string {
  if (state.finished) return state.finished.result;
  if (state.host === thisHost && processAlive(state.pid)) return 'running';
  return 'interrupted';
}

/** Each step's last result, in step order; steps with no result yet are left out. */
export function stepOutcomes(events: RunEvent[]): StepOutcome[] {
  const outcomes = new Map<number, StepOutcome>();
  const commands = new Map<number, { kind: 'shell' | 'manual' | 'choice'; commands: string; attempts: number }>();
  for (const event of events) {
    if (event.type === 'step-started') commands.set(event.step, { kind: event.kind, commands: event.commands, attempts: event.attempt });
    if (event.type !== 'step-finished') continue;
    const started = commands.get(event.step);
    outcomes.set(event.step, {
      number: event.step,
      title: event.title,
      kind: started?.kind ?? 'shell',
      result: event.result,
      durationMs: event.durationMs,
      exitCode: event.exitCode ?? undefined,
      flags: event.flags,
      commands: started?.commands ?? '',
      message: event.message ?? undefined,
      attempts: started?.attempts ?? 0,
    });
  }
  return [...outcomes.values()].sort((a, b) => a.number - b.number);
}

/** When the last step finished: recovery checks only trust scrapes after it. */
export function lastStepFinishedAt(events: RunEvent[]): Date | undefined {
  const last = events.findLast((event) => event.type === 'step-finished');
  return last ? new Date(last.at) : undefined;
}
