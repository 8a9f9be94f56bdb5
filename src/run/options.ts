/**
 * The options of a run, as typed and as checked. Every option is checked in `prepare`, before
 * the lock, the header or any step, by a dry run exactly as by a real one; the checked form is
 * `RunSettings`. The typed form is journalled, so a resume continues with the same options.
 */

import type { AlertingFlags } from './alerting.js';
import type { VerifyFlags } from '../commands/verify-flags.js';
import { UsageError } from '../errors.js';
import { parseDuration, parsePositiveInteger } from '../options/duration.js';
import type { PlanStep } from '../plan/types.js';

/** The recovery-check options of a run: `verify: false` is --no-verify. */
export interface RecoveryFlags extends VerifyFlags {
  verify?: boolean;
}

/** A run's options other than which note (see `LoadPlanOptions`). */
export interface RunOptions extends RecoveryFlags, AlertingFlags {
  yes?: boolean;
  from?: string;
  only?: string;
  /** `--done N`, `--confirm N`, `--decline N`: answers given up front (see `stepAnswers`). */
  done?: string[];
  confirm?: string[];
  decline?: string[];
  stepTimeout?: string;
  journalDir?: string;
  stateDir?: string;
  forceUnlock?: boolean;
  /** Lets `--yes` run against a production environment without typing the stage id. */
  iKnowThisIsProduction?: boolean;
}

export const DEFAULT_STEP_TIMEOUT = '10m';

/**
 * What a resume takes over from the run it continues (in `run-started.options`), and what it
 * journals when given again (`run-resumed.options`). Values as typed: checked again on resume.
 */
export interface RecordedOptions {
  runbooks?: string;
  prometheusUrl?: string;
  stepTimeout?: string;
  verify?: boolean;
  job?: string[];
  targetLabel?: string[];
  targets?: boolean;
  stable?: string;
  recoveryTimeout?: string;
  /** `--no-data <policy>`. */
  data?: string;
  pushgateway?: string;
  metricsFile?: string;
  /** `--choose step=option`: for the choice steps a resume still has to reach. */
  choose?: string[];
  withDataRollback?: boolean;
}

const RECORDED: (keyof RecordedOptions)[] = [
  'runbooks',
  'prometheusUrl',
  'stepTimeout',
  'verify',
  'job',
  'targetLabel',
  'targets',
  'stable',
  'recoveryTimeout',
  'data',
  'pushgateway',
  'metricsFile',
  'choose',
  'withDataRollback',
];

/** The options worth journalling: those given (commander leaves the others undefined). */
export function recordOptions(options: Partial<Record<keyof RecordedOptions, unknown>>): RecordedOptions {
  const recorded: Record<string, unknown> = {};
  for (const key of RECORDED) {
    const value = options[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    // `--no-verify`/`--no-targets` are true unless given: only their "no" is worth keeping;
    // `--with-data-rollback` only its yes.
    if (key === 'verify' || key === 'targets' ? value === true : value === false) continue;
    recorded[key] = value;
  }
  return recorded as RecordedOptions;
}

/** `--from N` / `--only N`: the steps left out, with the reason shown in the list. */
export function selectSteps(numbers: number[], options: { from?: string; only?: string }): Map<number, string> {
  if (options.from !== undefined && options.only !== undefined) throw new UsageError('--from and --only cannot be used together: pick one');
  const last = numbers.length;
  const check = (value: string, option: string) => {
    const number = parsePositiveInteger(value, option);
    if (number > last) throw new UsageError(`${option} ${value}: this path has ${last} step${last === 1 ? '' : 's'}`);
    return number;
  };
  const left = new Map<number, string>();
  if (options.from !== undefined) {
    const from = check(options.from, '--from');
    for (const number of numbers) if (number < from) left.set(number, `not run (--from ${from})`);
  }
  if (options.only !== undefined) {
    const only = check(options.only, '--only');
    for (const number of numbers) if (number !== only) left.set(number, `not run (--only ${only})`);
  }
  return left;
}

/**
 * What the operator answers up front for steps an unattended run cannot decide alone:
 * `--done N` (did it by hand: a manual step, a gate, a step meant for another machine),
 * `--confirm N` (run it: its condition holds, or this machine is one it is meant for),
 * `--decline N` (its condition does not hold: leave it out). Each must fit its step.
 */
export interface StepAnswers {
  done: Set<number>;
  confirm: Set<number>;
  decline: Set<number>;
}

export function stepAnswers(steps: PlanStep[], options: { done?: string[]; confirm?: string[]; decline?: string[] }): StepAnswers {
  const answers: StepAnswers = { done: new Set(), confirm: new Set(), decline: new Set() };
  const take = (values: string[] | undefined, option: string, into: Set<number>, fits: (step: PlanStep) => boolean, what: string) => {
    for (const value of values ?? []) {
      const number = parsePositiveInteger(value, option);
      const step = steps.find((candidate) => candidate.number === number);
      if (!step) throw new UsageError(`${option} ${value}: this path has no step ${number}`);
      if (!fits(step)) throw new UsageError(`${option} ${value}: step ${number} "${step.title}" is ${describeKind(step)}; ${option} is for ${what}`);
      const other = (['done', 'confirm', 'decline'] as const).find((key) => answers[key].has(number) && answers[key] !== into);
      if (other) throw new UsageError(`${option} ${value}: step ${number} is already given to --${other}: answer it once`);
      into.add(number);
    }
  };
  take(
    options.done,
    '--done',
    answers.done,
    (step) => step.kind === 'manual' || (step.kind === 'shell' && step.scope !== undefined),
    'manual steps done by hand, and steps done by hand on the machines they are meant for',
  );
  take(
    options.confirm,
    '--confirm',
    answers.confirm,
    (step) => step.kind === 'shell' && (step.condition !== undefined || step.scope !== undefined),
    'a step whose condition holds, or one meant for machines this one is among',
  );
  take(options.decline, '--decline', answers.decline, (step) => step.kind === 'shell' && step.condition !== undefined, 'a step whose condition does not hold');
  return answers;
}

function describeKind(step: PlanStep): string {
  if (step.kind !== 'shell') return `a ${step.kind} step`;
  if (step.condition === undefined && step.scope === undefined) return 'a shell step with no condition and meant for this machine';
  return step.condition === undefined ? `meant for ${step.scope}, with no condition` : `a shell step under the condition "${step.condition}"`;
}

export function stepTimeoutMs(options: { stepTimeout?: string }): number {
  return parseDuration(options.stepTimeout ?? DEFAULT_STEP_TIMEOUT, '--step-timeout');
}
