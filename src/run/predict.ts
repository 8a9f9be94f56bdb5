/**
 * Steps that cannot succeed, known before anything runs: the env file a step edits is missing
 * or unreadable, its path uses a variable that is not set, or the step's sed pattern matches no
 * line (it would change nothing). A dry run reports them as "step N will fail: …"; a real run
 * shows them in its header, and the executor refuses such a step before running any of it.
 * Pure: works on the flag readings `load-plan` took.
 */

import type { FlagReading } from '../flags/env-file.js';
import { isOnChosenPath } from '../plan/choose.js';
import type { Plan, PlanFlag, PlanStep } from '../plan/types.js';

/** Why a step setting `flag` would fail, given what its env file says now; undefined when it can work. */
export function predictFlagFailure(flag: Pick<PlanFlag, 'envFile' | 'rollbackValue' | 'sedPattern'>, reading: FlagReading | undefined, script = ''): string | undefined {
  if (!reading) return undefined;
  if (reading.state === 'no-file') return `env file ${flag.envFile} (${reading.path}) does not exist`;
  if (reading.state === 'unknown') return reading.reason;
  // `sed -i` writes a new file and renames it over the path: a link becomes a copy, its target keeps the old value.
  if (reading.link !== undefined && !/(^|\s)--follow-symlinks(\s|$)/m.test(script)) {
    return `env file ${flag.envFile} is a symlink to ${reading.link}: sed -i would replace the link with a copy and leave ${reading.link} as it was; point the note at ${reading.link}, or use sed -i --follow-symlinks`;
  }
  // Already at its rollback value, a non-matching pattern is expected: there is nothing to change.
  if (reading.state === 'set' && reading.sedMatches === false && reading.value.trim().toLowerCase() !== flag.rollbackValue.trim().toLowerCase()) {
    return `no line of ${flag.envFile} matches the step's sed pattern ${flag.sedPattern} (the step would change nothing)`;
  }
  return undefined;
}

/** Step number → why it will fail, for the steps of the selected path that will run. */
export function predictFailures(plan: Plan, skipped: ReadonlyMap<number, string> = new Map()): Map<number, string> {
  const steps = new Set((plan.paths[plan.selectedPath]?.steps ?? []).filter((step) => step.kind === 'shell' && !skipped.has(step.number)).map((step) => step.number));
  const failures = new Map<number, string>();
  for (const flag of plan.flags) {
    if (flag.stepNumber === undefined || !flag.envFile || !steps.has(flag.stepNumber) || failures.has(flag.stepNumber)) continue;
    const step = plan.paths[plan.selectedPath]?.steps.find((candidate) => candidate.number === flag.stepNumber);
    const reason = predictFlagFailure(flag, flag.current, step?.kind === 'shell' ? step.script : '');
    if (reason !== undefined) failures.set(flag.stepNumber, `${reason} (flag ${flag.name})`);
  }
  return failures;
}

/** The first shell step after `step` that a run with the plan's choices reaches, leaving out `skip`. */
export function nextShellStep(steps: readonly PlanStep[], step: PlanStep, skip: ReadonlyMap<number, string>): PlanStep | undefined {
  return steps.slice(steps.indexOf(step) + 1).find((candidate) => candidate.kind === 'shell' && runs(candidate, steps, skip));
}

function runs(step: PlanStep, steps: readonly PlanStep[], skip: ReadonlyMap<number, string>): boolean {
  return !skip.has(step.number) && !(step.dataRollback && !step.dataRollback.requested) && isOnChosenPath(step, steps);
}

/**
 * Where an unattended run would stop short, known before it starts: a command it never runs as
 * written, a gate, or a manual step that shell steps follow (see the executor). Pure.
 */
export function predictUnattendedStop(steps: readonly PlanStep[], skip: ReadonlyMap<number, string>, answers: { done: ReadonlySet<number>; confirm: ReadonlySet<number> }): { step: PlanStep; reason: string } | undefined {
  for (const step of steps) {
    if (!runs(step, steps, skip) || answers.done.has(step.number)) continue;
    if (step.kind === 'shell' && step.scope && !answers.confirm.has(step.number)) {
      return { step, reason: `it is meant for ${step.scope}: pass --confirm ${step.number} if this machine is one of them, or --done ${step.number} once it is done there` };
    }
    if (step.kind === 'shell' && step.hazards.length > 0) return { step, reason: `${step.hazards[0]!.command} ${step.hazards[0]!.reason}: never run unattended as written` };
    if (step.gate) return { step, reason: `${step.kind === 'shell' ? 'after it, ' : ''}the gate "${step.gate}" needs an operator's yes${step.kind === 'manual' ? ` (--done ${step.number} once approved)` : ''}` };
    const next = step.kind === 'manual' ? nextShellStep(steps, step, skip) : undefined;
    if (next) return { step, reason: `a manual step, and step ${next.number} "${next.title}" after it may depend on it: do it by hand first and pass --done ${step.number}` };
  }
  return undefined;
}

/** Conditional shell steps an unattended run leaves out, because nobody answered for them up front. */
export function uncheckedConditions(steps: readonly PlanStep[], skip: ReadonlyMap<number, string>, answers: { confirm: ReadonlySet<number>; decline: ReadonlySet<number> }): PlanStep[] {
  return steps.filter((step) => step.kind === 'shell' && step.condition !== undefined && runs(step, steps, skip) && !answers.confirm.has(step.number) && !answers.decline.has(step.number));
}
