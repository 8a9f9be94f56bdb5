/**
 * Where a run leaves the system: which shell steps of the path never ran (now or in an
 * earlier attempt) and which flags do not hold their rollback value. A run succeeds only when
 * both lists are empty; otherwise it is `incomplete`, and every stop prints this state.
 */

import { readFlagValue } from '../flags/env-file.js';
import type { Io } from '../io.js';
import type { RunEvent } from '../journal/events.js';
import { stepOutcomes } from '../journal/run-state.js';
import type { Plan } from '../plan/types.js';

/** How a conditional step the operator skipped ("it does not hold") is recorded: not a missing step. */
export const CONDITION_NOT_HELD = 'not run: the operator said its condition does not hold';

/** Why an unattended run left a conditional step out: nobody checked the condition. */
export function conditionNotChecked(condition: string): string {
  return `condition not checked: ${condition} (runs only on an operator's yes; run interactively)`;
}

export interface EndState {
  /** Shell steps of the path that did not end `done`, with what happened to them. */
  notRun: { number: number; title: string; why: string }[];
  /** Steps that did their work (shell `done`, manual acknowledged). */
  done: number[];
  /** Manual steps nobody did (an unattended run): a path of them alone is not a rollback done. */
  needsPerson: number[];
  /** Every flag a step of the path sets, as its env file says now. */
  flags: { name: string; value: string | null; expected: string; ok: boolean; reason?: string }[];
}

export async function readEndState(plan: Plan, events: RunEvent[], io: Pick<Io, 'fs' | 'env' | 'cwd'>, cwd: string): Promise<EndState> {
  const path = plan.paths[plan.selectedPath]!;
  const outcomes = new Map(stepOutcomes(events).map((outcome) => [outcome.number, outcome]));
  // A step stopped at its question has a decision but no result: it was not run.
  const decisions = new Map(events.flatMap((event) => (event.type === 'step-decision' ? [[event.step, event.decision] as const] : [])));
  const notRun: EndState['notRun'] = [];
  const done: number[] = [];
  const needsPerson: number[] = [];
  // Only the steps of the options the run took count; the optional data rollback never does.
  const taken = new Map(events.flatMap((event) => (event.type === 'step-finished' && event.option !== undefined ? [[event.step, event.option] as const] : [])));
  // A choice with no result in these events (settled by an earlier part of a resumed run) keeps the plan's `chosen`.
  const chosenOf = (number: number) => taken.get(number) ?? (path.steps.find((step) => step.number === number) as { chosen?: number } | undefined)?.chosen;
  // A consequence of a choice ("(If required) Restore the database") is off the path when the choice took another option.
  const needed = (step: (typeof path.steps)[number]) => step.decidedBy === undefined || chosenOf(step.decidedBy.choice) === undefined || chosenOf(step.decidedBy.choice) === step.decidedBy.option;
  const onPath = path.steps.filter((step) => step.within.every(({ choice, option }) => chosenOf(choice) === option) && needed(step));
  for (const step of onPath) {
    if (step.dataRollback && outcomes.get(step.number)?.result !== 'done') continue;
    const outcome = outcomes.get(step.number);
    // The operator checked the condition and it does not hold: the note says not to run it.
    if (step.condition && outcome?.result === 'skipped' && outcome.message?.startsWith(CONDITION_NOT_HELD)) continue;
    if (outcome?.result === 'done' || outcome?.result === 'acknowledged') done.push(step.number);
    else if (outcome?.result === 'needs-person') needsPerson.push(step.number);
    else if (step.kind === 'shell') notRun.push({ number: step.number, title: step.title, why: describeNotRun(outcome?.result, outcome?.message, decisions.get(step.number)) });
  }
  const numbers = new Set(onPath.map((step) => step.number));
  const flags = await Promise.all(
    plan.flags
      .filter((flag) => flag.envFile && flag.stepNumber !== undefined && numbers.has(flag.stepNumber))
      .map(async (flag) => {
        const reading = await readFlagValue(flag.envFile!, flag.name, io, cwd);
        const value = reading.state === 'set' ? reading.value : null;
        const reason = reading.state === 'no-file' ? `${reading.path} does not exist` : reading.state === 'unknown' ? reading.reason : reading.state === 'unset' ? 'not in the file' : undefined;
        return { name: flag.name, value, expected: flag.rollbackValue, ok: value !== null && value.trim().toLowerCase() === flag.rollbackValue.trim().toLowerCase(), reason };
      }),
  );
  return { notRun, done, needsPerson, flags };
}

export function isComplete(state: EndState): boolean {
  return state.notRun.length === 0 && state.flags.every((flag) => flag.ok) && !nothingDone(state);
}

/** Every step of the path was a person's to do, and none was done: nothing of the rollback happened. */
function nothingDone(state: EndState): boolean {
  return state.done.length === 0 && state.needsPerson.length > 0;
}

/** One line for the journal and the summary: what is missing. */
export function describeIncomplete(state: EndState): string {
  const parts: string[] = [];
  if (state.notRun.length > 0) parts.push(`step${state.notRun.length === 1 ? '' : 's'} not run: ${state.notRun.map((step) => `${step.number} (${step.why})`).join(', ')}`);
  const unchanged = state.flags.filter((flag) => !flag.ok);
  if (unchanged.length > 0)
    parts.push(`flag${unchanged.length === 1 ? '' : 's'} unchanged: ${unchanged.map((flag) => `${flag.name} is ${flag.value ?? flag.reason ?? 'unset'} (rollback value ${flag.expected})`).join(', ')}`);
  if (nothingDone(state))
    parts.push(`nothing was done: step${state.needsPerson.length === 1 ? '' : 's'} ${state.needsPerson.join(', ')} need${state.needsPerson.length === 1 ? 's' : ''} a person, and no step of this path runs without one`);
  return `the rollback is not complete: ${parts.join('; ')}`;
}

function describeNotRun(result: string | undefined, message: string | undefined, decision: string | undefined): string {
  if (result === undefined) return decision === 'quit' ? 'quit at its question' : decision === 'abort' ? 'stopped at its question' : 'not reached';
  if (result === 'skipped') return 'skipped';
  if (result === 'not-selected') return message?.replace(/^not run \((.*)\)$/, '$1') ?? 'not selected';
  return result;
}
