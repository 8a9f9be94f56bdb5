/**
 * `runbook rollback <stage>`: take the stage lock, show the plan, ask for missing parameters,
 * then run the chosen path's steps (confirming each on a terminal, or all with --yes),
 * journalled, and release the lock however the run ends.
 */

import { AbortedError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { createRunId } from '../journal/run-id.js';
import { parseDuration, parsePositiveInteger } from '../options/duration.js';
import { formatRunSummary, formatRunHeader } from '../view/run-summary.js';
import { styleFor } from '../view/style.js';
import { askParameters, requireParameters } from './ask-parameters.js';
import { loadPlan, type LoadPlanOptions } from './load-plan.js';
import type { Plan } from '../plan/types.js';
import { checkRecovery, recoverySettings, runMetricsRecorder, type RecoveryFlags } from './recovery-check.js';
import { alertingSecrets, alertingSettings, startAlerting, type AlertingFlags } from './run-alerting.js';
import { describeTakeover, lockStage, runMasker, runStartedEvent, runSteps, stateDirs, type RunOutcome } from './run-steps.js';

export interface RollbackOptions extends LoadPlanOptions, RecoveryFlags, AlertingFlags {
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
  const { outcome, io } = await performRollback(options, baseIo);
  reportNotRecovered(outcome, io);
  return outcome.exitCode;
}

/** As `verify` does: recovery not shown is one line on stderr (a failed step is already there). */
export function reportNotRecovered(outcome: Pick<RunOutcome, 'exitCode' | 'message'>, io: Io): void {
  if (outcome.exitCode === ExitCode.verifyFailed && outcome.message) io.stderr.write(`runbook: ${outcome.message}\n`);
}

export interface PerformedRollback {
  plan: Plan;
  runId: string;
  outcome: RunOutcome;
  io: Io;
}

/**
 * The whole rollback: plan, lock, steps, recovery check, summary, metrics. `rehearse` runs
 * the same, then writes its report.
 */
export async function performRollback(options: RollbackOptions, baseIo: Io): Promise<PerformedRollback> {
  const unattended = options.yes === true;
  if (!unattended && !baseIo.interactive) {
    throw new UsageError('no terminal to confirm steps on: run with --yes to run every step unattended, or --dry-run to only see the plan');
  }
  const stepTimeoutMs = parseDuration(options.stepTimeout ?? DEFAULT_STEP_TIMEOUT, '--step-timeout');
  const { plan: loaded, io, cwd, environment } = await loadPlan(options, baseIo);
  await checkDirectory(cwd, options.cwd, io);
  refuseUnattendedProduction(environment, unattended, options.iKnowThisIsProduction);
  const path = loaded.paths[loaded.selectedPath]!;
  const notSelected = selectSteps(path.steps.map((step) => step.number), options);
  if (unattended) requireParameters(loaded);
  // Checked before anything runs: a typo in --recovery-timeout must not surface after the rollback.
  const settings = recoverySettings(options, loaded, io.now());
  const metrics = await runMetricsRecorder(loaded.stage ?? 'note', settings);
  const alerting = alertingSettings(options, io.env, environment);

  const runId = createRunId(loaded.stage, io.now(), io.random);
  const dirs = stateDirs(io, options);
  const lock = lockStage(io, { dirs, runId, stage: loaded.stage ?? 'note', forceUnlock: options.forceUnlock === true, resuming: false });
  try {
    const style = styleFor(io.stdout, io.env);
    const takeover = describeTakeover(lock);
    if (takeover) io.stdout.write(style.yellow(`${takeover}\n`));
    io.stdout.write(runMasker(io, loaded, runId, alertingSecrets(alerting))(formatRunHeader(loaded, { runId, journalDir: dirs.runsDir, unattended, style, notSelected })));
    if (environment?.production && !unattended) await confirmProduction(loaded.stage ?? loaded.file, environment.name);
    const plan = await askParameters(loaded);
    const mask = runMasker(io, plan, runId, alertingSecrets(alerting));
    const around = await startAlerting(alerting, { started: { runId, stage: plan.stage ?? null, note: plan.file }, unattended, mask }, io);
    const outcome = await runSteps(
      {
        plan,
        runId,
        opening: [runStartedEvent(plan, runId, io, { unattended, cwd, environment: environment?.name }), ...(around?.opening ?? [])],
        unattended,
        stepTimeoutMs,
        cwd,
        notSelected,
        dirs,
        mask,
        listeners: [...(metrics ? [metrics.listener] : []), ...(around ? [around.listener] : [])],
        atEnd: around ? [around.finish] : [],
        afterSteps: checkRecovery(plan, options.verify === false ? undefined : settings, io),
      },
      io,
    );
    io.stdout.write(formatRunSummary(plan, outcome, { style, cwd: io.cwd }));
    for (const warning of (await metrics?.finish(outcome.exitCode, outcome.verification)) ?? []) io.stderr.write(`runbook: warning: ${warning}\n`);
    return { plan, runId, outcome, io };
  } finally {
    lock.release();
  }
}

/** The steps' working directory (from --cwd or the environment) must exist. */
export async function checkDirectory(cwd: string, option: string | undefined, io: Io): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await io.fs.stat(cwd)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`${option === undefined ? 'working directory' : `--cwd ${option}:`} ${cwd} is not a directory: give the folder the steps should run in`);
}

/** An unattended run against production needs `--i-know-this-is-production` as well as `--yes`. */
export function refuseUnattendedProduction(environment: { name: string; production: boolean } | undefined, unattended: boolean, iKnowThisIsProduction: boolean | undefined): void {
  if (environment?.production && unattended && !iKnowThisIsProduction) {
    throw new UsageError(`--env ${environment.name} is production: --yes alone will not run it; add --i-know-this-is-production, or run interactively and type the stage id`);
  }
}

/** Production needs the operator to type the stage id: a slip of the wrong terminal stops here. */
export async function confirmProduction(stage: string, environment: string): Promise<void> {
  const { default: Enquirer } = await import('enquirer');
  let typed = '';
  try {
    typed = (await new Enquirer<{ value: string }>().prompt({ type: 'input', name: 'value', message: `This rolls back PRODUCTION (${environment}). Type the stage id (${stage}) to go on` })).value;
  } catch {
    // Ctrl-C at the prompt: treated like a wrong answer below
  }
  if (typed.trim() !== stage) throw new AbortedError(`production confirmation did not match "${stage}": nothing was run`);
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
