/**
 * What a resume continues: the run found by id (or a stage's latest run), its state replayed
 * from the journal, and the options it ran with, so a resume is the same run with the same
 * path, parameters, environment, timeouts, recovery check and metrics targets. An option
 * given again on resume overrides the run's and is journalled in `run-resumed`.
 */

import { UsageError } from '../errors.js';
import { findLeftovers, killLeftovers } from '../execute/leftover-processes.js';
import type { Io } from '../io.js';
import type { RunEvent, RunResult, StepFinished } from '../journal/events.js';
import { MASK } from '../journal/mask-secrets.js';
import { readAllJournals, readJournal, type JournalFile } from '../journal/read-journal.js';
import { isRunId } from '../journal/run-id.js';
import { replayRun, resumeFrom, settledSteps, type RunState } from '../journal/run-state.js';
import { parseSetOptions } from '../plan/parameters.js';
import { warnAbout } from '../commands/log.js';
import type { LoadPlanOptions } from './load-plan.js';
import { recordOptions, type RecordedOptions, type RunOptions } from './options.js';
import type { PreparedRun, ResumeSource } from './prepare.js';
import { stateDirs } from './state-dirs.js';

export interface ResumeOptions extends RunOptions {
  run: string;
  cwd?: string;
  prometheusUrl?: string;
  /** Values of parameters the journal does not hold (secrets are masked there). */
  set?: string[];
  /** Folder of notes holding environments.json, when the run used --env. */
  runbooks?: string;
}

/** A resume as the pipeline takes it, or why there is nothing to do. */
export type ResumeRequest = { kind: 'nothing'; message: string } | { kind: 'resume'; note: LoadPlanOptions; options: RunOptions; overrides: RunOptions; source: ResumeSource };

export async function loadResume(options: ResumeOptions, io: Io): Promise<ResumeRequest> {
  const { runsDir } = stateDirs(io, options);
  const journal = await findRun(options.run, runsDir);
  warnAbout(journal.problems, io);
  const state = replayRun(journal.events);
  if (!state) throw new UsageError(`${journal.path} has no run-started event: it is not a run journal`);
  const { started } = state;
  if (state.finished?.result === 'succeeded') return { kind: 'nothing', message: `Nothing to resume: run ${journal.runId} of stage ${started.stage} succeeded at ${state.finished.at}.\n` };
  if (!state.finished && state.host === io.host && io.processAlive(state.pid) && state.pid !== io.pid) {
    throw new UsageError(`run ${journal.runId} is still running (pid ${state.pid}): wait for it, or stop it first`);
  }
  if (state.host !== io.host && !state.finished) {
    throw new UsageError(`run ${journal.runId} was started on host ${state.host}: resume it there, where its lock and processes are`);
  }
  if (journal.tornStep !== undefined) {
    throw new UsageError(
      `${journal.path}: the result of step ${journal.tornStep} was cut off (a full disk or a crash while writing it): step ${journal.tornStep} ran, but how it ended is unknown; check it by hand, then runbook rollback ${started.stage ?? started.note} --from ${journal.tornStep + 1} (or --from ${journal.tornStep} to run it again)`,
    );
  }
  const from = resumeFrom(state);
  if (from === undefined)
    return { kind: 'nothing', message: `Nothing to resume: every step of run ${journal.runId} is done or was skipped (run a skipped step with runbook rollback ${started.stage ?? started.note} --only N).\n` };

  // The run's options, then those it was resumed with before, then the ones given now.
  const overrides = recordOptions(options);
  const recorded: RecordedOptions = Object.assign({}, started.options, ...journal.events.flatMap((event) => (event.type === 'run-resumed' && event.options ? [event.options] : [])), overrides);
  return {
    kind: 'resume',
    note: {
      reference: started.notePath,
      path: String(started.path.number),
      set: resumeParameters(started.parameters, options.set ?? []),
      cwd: options.cwd ?? started.cwd,
      prometheusUrl: recorded.prometheusUrl,
      environment: started.environment ?? undefined,
      runbooks: recorded.runbooks,
      choose: recorded.choose,
      withDataRollback: recorded.withDataRollback,
    },
    options: {
      ...recorded,
      yes: options.yes,
      done: options.done,
      confirm: options.confirm,
      decline: options.decline,
      iKnowThisIsProduction: options.iKnowThisIsProduction,
      journalDir: options.journalDir,
      stateDir: options.stateDir,
      // Notifications and the silence as given now (webhook URLs are secrets: never journalled).
      notify: options.notify,
      notifyFormat: options.notifyFormat,
      silence: options.silence,
      alertmanagerUrl: options.alertmanagerUrl,
      silenceGrace: options.silenceGrace,
      requireSilence: options.requireSilence,
    },
    overrides,
    source: { runId: journal.runId, events: journal.events, state, from, settled: settledSteps(state) },
  };
}

/**
 * The first events of a resume, after telling the operator what the stopped run left behind:
 * steps that were running (they run again) and their processes (stopped now).
 */
export function resumeOpening(source: ResumeSource, io: Io, options: { overrides?: RunOptions; say: (text: string) => void }): RunEvent[] {
  const { state, runId } = source;
  for (const lost of state.unfinished) options.say(`Step ${lost} was running when the run stopped (no result recorded): it runs again.\n`);
  for (const [step, group] of state.unfinishedGroups) {
    const killed = killLeftovers(findLeftovers(group, runId));
    if (killed > 0) options.say(`Stopped ${killed} process${killed === 1 ? '' : 'es'} step ${step} left running (process group ${group}).\n`);
  }
  const now = io.now().toISOString();
  const overrides = options.overrides && Object.keys(options.overrides).length > 0 ? { options: options.overrides as RecordedOptions } : {};
  return [{ type: 'run-resumed', at: now, pid: io.pid, operator: io.user, host: io.host, fromStep: source.from, ...overrides }, ...lostSteps(state, now)];
}

/** The exact command that continues a stopped run; undefined when a resume would find nothing to do. */
export function resumeCommandFor(result: RunResult, prepared: PreparedRun, io: Io, events: RunEvent[]): string | undefined {
  if (result === 'succeeded' || result === 'not-recovered') return undefined;
  // Skipped steps stay skipped on resume: only a run with a step still to do can continue.
  const state = replayRun(events);
  if (!state || resumeFrom(state) === undefined) return undefined;
  // A bare `runbook resume` from here looks where `stateDirs` points without options.
  const here = stateDirs(io, {});
  const where =
    here.runsDir === prepared.dirs.runsDir ? '' : prepared.dirs.runsDir === `${prepared.dirs.root}/runs` ? ` --state-dir ${shellWord(prepared.dirs.root)}` : ` --journal-dir ${shellWord(prepared.dirs.runsDir)}`;
  return `runbook resume ${prepared.runId}${where}`;
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The run's parameters as `--set` options: those the journal holds, plus the ones given now
 * for values it masked. A value different from the one the run used is refused.
 */
function resumeParameters(recorded: Record<string, string>, given: string[]): string[] {
  const values = new Map(Object.entries(recorded).filter(([, value]) => value !== MASK));
  for (const [name, value] of parseSetOptions(given)) {
    const used = values.get(name);
    if (used !== undefined && used !== value) throw new UsageError(`--set ${name}=${value}: the run used ${name}=${used}, and a resume continues it with the same values`);
    values.set(name, value);
  }
  return [...values].map(([name, value]) => `${name}=${value}`);
}

/** A run id, or a stage: then its latest run (`runbook report` finds its run the same way). */
export async function findRun(reference: string, runsDir: string, nothing = 'nothing to resume'): Promise<JournalFile> {
  if (isRunId(reference)) return readJournal(runsDir, reference);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(reference) || reference.includes('..')) {
    throw new UsageError(`"${reference}" is neither a run id nor a stage id: see runbook runs`);
  }
  const runs = (await readAllJournals(runsDir)).filter((journal) => replayRun(journal.events)?.started.stage === reference);
  const latest = runs.at(-1);
  if (!latest) throw new UsageError(`no runs of stage ${reference} in ${runsDir}: ${nothing}`);
  return latest;
}

/** Steps that started but never finished (the process was killed): recorded as interrupted. */
function lostSteps(state: RunState, at: string): StepFinished[] {
  return state.unfinished.map((step) => ({
    type: 'step-finished',
    at,
    step,
    title: state.started.steps.find((candidate) => candidate.number === step)?.title ?? `step ${step}`,
    result: 'interrupted',
    exitCode: null,
    durationMs: 0,
    outputTail: [],
    flags: [],
    message: 'no result recorded: the run stopped during this step (killed?)',
  }));
}
