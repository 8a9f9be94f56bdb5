/**
 * `runbook rollback <stage>`: show the plan, ask for missing parameters, then run the chosen
 * path's steps (confirming each on a terminal, or all with --yes), journalled and locked.
 */

import { AbortedError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { createRunId } from '../journal/run-id.js';
import { parseDuration, parsePositiveInteger } from '../options/duration.js';
import { applyParameters, checkParameterValue } from '../plan/parameters.js';
import type { Plan } from '../plan/types.js';
import { formatRunSummary, formatRunHeader } from '../view/run-summary.js';
import { styleFor } from '../view/style.js';
import { loadPlan, type LoadPlanOptions } from './load-plan.js';
import { runStartedEvent, runSteps, stateDirs } from './run-steps.js';

export interface RollbackOptions extends LoadPlanOptions {
  yes?: boolean;
  from?: string;
  only?: string;
  stepTimeout?: string;
  journalDir?: string;
  stateDir?: string;
  forceUnlock?: boolean;
  /** Lets `--yes` run against a production environment without typing the stage id. */
  iKnowThisIsProduction?: boolean;
}

export const DEFAULT_STEP_TIMEOUT = '10m';

export async function rollbackCommand(options: RollbackOptions, baseIo: Io): Promise<number> {
  const unattended = options.yes === true;
  if (!unattended && !baseIo.interactive) {
    throw new UsageError('no terminal to confirm steps on: run with --yes to run every step unattended, or --dry-run to only see the plan');
  }
  const stepTimeoutMs = parseDuration(options.stepTimeout ?? DEFAULT_STEP_TIMEOUT, '--step-timeout');
  const loaded = await loadPlan(options, baseIo);
  const { io, cwd } = loaded;
  if (loaded.environment?.production && unattended && !options.iKnowThisIsProduction) {
    throw new UsageError(`--env ${loaded.environment.name} is production: --yes alone will not run it; add --i-know-this-is-production, or run interactively and type the stage id`);
  }
  const path = loaded.plan.paths[loaded.plan.selectedPath]!;
  const notSelected = selectSteps(path.steps.map((step) => step.number), options);
  const plan = await completeParameters(loaded.plan, unattended, io);

  const runId = createRunId(plan.stage, io.now(), io.random);
  const dirs = stateDirs(io, options);
  const style = styleFor(io.stdout, io.env);
  io.stdout.write(formatRunHeader(plan, { runId, journalDir: dirs.runsDir, unattended, style, notSelected }));
  if (loaded.environment?.production && !unattended) await confirmProduction(plan.stage ?? plan.file, loaded.environment.name);

  const outcome = await runSteps(
    {
      plan,
      runId,
      opening: [runStartedEvent(plan, runId, io, { unattended, cwd, environment: loaded.environment?.name })],
      unattended,
      stepTimeoutMs,
      cwd,
      notSelected,
      forceUnlock: options.forceUnlock === true,
      dirs,
    },
    io,
  );
  try {
    io.stdout.write(formatRunSummary(plan, outcome, { style, cwd: io.cwd }));
  } finally {
    outcome.lock.release();
  }
  return outcome.exitCode;
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

/** Production needs the operator to type the stage id: a slip of the wrong terminal stops here. */
async function confirmProduction(stage: string, environment: string): Promise<void> {
  const { default: Enquirer } = await import('enquirer');
  let typed = '';
  try {
    typed = (await new Enquirer<{ value: string }>().prompt({ type: 'input', name: 'value', message: `This rolls back PRODUCTION (${environment}). Type the stage id (${stage}) to go on` })).value;
  } catch {
    // Ctrl-C at the prompt: treated like a wrong answer below
  }
  if (typed.trim() !== stage) throw new AbortedError(`production confirmation did not match "${stage}": nothing was run`);
}

/** Parameters not given with --set: asked once, before the first step, or refused with --yes. */
async function completeParameters(plan: Plan, unattended: boolean, io: Io): Promise<Plan> {
  const missing = plan.parameters.filter((parameter) => parameter.value === undefined);
  if (missing.length === 0) return plan;
  if (unattended) {
    throw new UsageError(`the steps need ${missing.map((parameter) => `<${parameter.name}>`).join(', ')}: give ${missing.map((parameter) => `--set ${parameter.name}=VALUE`).join(' ')}`);
  }
  const { default: Enquirer } = await import('enquirer');
  const values = new Map(plan.parameters.filter((parameter) => parameter.value !== undefined).map((parameter) => [parameter.name, parameter.value!]));
  for (const parameter of missing) {
    let answer: { value: string };
    try {
      answer = await new Enquirer<{ value: string }>().prompt({
        type: 'input',
        name: 'value',
        message: `Value for <${parameter.name}> (used at line ${parameter.lines.join(', ')})`,
        validate: (value: string) => {
          try {
            checkParameterValue(parameter.name, value);
            return true;
          } catch (error) {
            return (error as Error).message;
          }
        },
      });
    } catch {
      throw new UsageError(`no value given for <${parameter.name}>: nothing was run`);
    }
    values.set(parameter.name, answer.value);
  }
  return applyParameters(plan, values);
}
