/**
 * The part of `rollback` and `resume` that touches the world: takes the stage lock, opens
 * the journal, wires the executor to listr2, the journal and Ctrl-C, and always releases
 * the lock. Returns what happened; the commands decide what to print and the exit code.
 */

import { join, resolve } from 'node:path';
import { ExitCode, InterruptedError, RunbookError } from '../errors.js';
import { readFlagValue } from '../flags/env-file.js';
import type { Io } from '../io.js';
import { executeSteps } from '../execute/executor.js';
import { createInterrupts } from '../execute/interrupts.js';
import { createListrView } from '../execute/listr-view.js';
import { runScript } from '../execute/run-script.js';
import type { StepView } from '../execute/step-view.js';
import type { RunEvent, RunResult, RunStarted } from '../journal/events.js';
import { openJournal } from '../journal/journal-writer.js';
import { acquireLock, type HeldLock } from '../journal/lock.js';
import { createSecretMasker, type SecretMasker } from '../journal/mask-secrets.js';
import { lastStepFinishedAt, stepOutcomes, type StepOutcome } from '../journal/run-state.js';
import { parameterEnvName } from '../plan/parameters.js';
import type { Plan } from '../plan/types.js';

export interface StateDirs {
  runsDir: string;
  locksDir: string;
}

/** `.runbook/` in the current directory unless told otherwise. */
export function stateDirs(io: Io, options: { stateDir?: string; journalDir?: string }): StateDirs {
  const root = resolve(io.cwd, options.stateDir ?? io.env.RUNBOOK_STATE_DIR ?? '.runbook');
  return { runsDir: options.journalDir ? resolve(io.cwd, options.journalDir) : join(root, 'runs'), locksDir: join(root, 'locks') };
}

export interface RunRequest {
  plan: Plan;
  runId: string;
  /** Written first: `run-started` for a new run; `run-resumed` (and what it found) for a resume. */
  opening: RunEvent[];
  /** Set when resuming: the run may take over its own stale lock. */
  resuming?: boolean;
  unattended: boolean;
  stepTimeoutMs: number;
  cwd: string;
  notSelected: Map<number, string>;
  forceUnlock: boolean;
  dirs: StateDirs;
  /** Extra listeners (metrics, report) for every event. */
  listeners?: ((event: RunEvent) => void)[];
  /** For tests: replaces the listr2 view. */
  view?: StepView;
}

export interface RunOutcome {
  result: RunResult;
  exitCode: number;
  message?: string;
  steps: StepOutcome[];
  /** Every event of this process's part of the run. */
  events: RunEvent[];
  journalPath: string;
  lastStepFinishedAt: Date;
  startedAt: Date;
  finishedAt: Date;
  lock: HeldLock;
}

export async function runSteps(request: RunRequest, io: Io): Promise<RunOutcome> {
  const { plan } = request;
  const path = plan.paths[plan.selectedPath]!;
  const stage = plan.stage ?? 'note';
  const mask = createSecretMasker(io.env);
  const startedAt = io.now();

  const lock = acquireLock(
    request.dirs.locksDir,
    { pid: io.pid, host: io.host, user: io.user, startedAt: startedAt.toISOString(), runId: request.runId, stage },
    { forceUnlock: request.forceUnlock, resumeRunId: request.resuming ? request.runId : undefined, processAlive: io.processAlive, thisHost: io.host },
  );
  // A crash or a signal between here and `finally` must not leave the stage locked.
  const releaseOnExit = () => lock.release();
  process.once('exit', releaseOnExit);

  const journal = openJournal(request.dirs.runsDir, request.runId);
  const events: RunEvent[] = [];
  const emit = (event: RunEvent) => {
    journal.write(event);
    events.push(event);
    for (const listener of request.listeners ?? []) listener(event);
  };
  const interrupts = createInterrupts(io.onSignal, (message) => io.stderr.write(`\n${message}\n`));
  let failure: unknown;
  try {
    for (const event of request.opening) emit(event);
    await executeSteps(
      {
        steps: path.steps,
        flags: plan.flags,
        unattended: request.unattended,
        stepTimeoutMs: request.stepTimeoutMs,
        cwd: request.cwd,
        env: stepEnvironment(io.env, plan, request.runId),
        notSelected: request.notSelected,
      },
      {
        runScript,
        readFlag: (envFile, name) => readFlagValue(envFile, name, io, request.cwd),
        now: () => io.now(),
        emit,
        view: request.view ?? createListrView({ interactive: !request.unattended && io.interactive }),
        interrupts,
        mask,
      },
    );
  } catch (error) {
    failure = interrupts.runAborted && !(error instanceof InterruptedError) ? new InterruptedError(`interrupted (${interrupts.stoppedBy})`) : error;
  } finally {
    interrupts.dispose();
  }

  const finishedAt = io.now();
  const { result, exitCode, message } = classify(failure, mask);
  emit({ type: 'run-finished', at: finishedAt.toISOString(), result, exitCode, message: message ?? null });
  journal.close();
  if (failure !== undefined && !(failure instanceof RunbookError)) {
    lock.release();
    process.off('exit', releaseOnExit);
    throw failure;
  }
  return {
    result,
    exitCode,
    message,
    steps: stepOutcomes(events),
    events,
    journalPath: journal.path,
    lastStepFinishedAt: lastStepFinishedAt(events) ?? startedAt,
    startedAt,
    finishedAt,
    lock: {
      ...lock,
      release: () => {
        lock.release();
        process.off('exit', releaseOnExit);
      },
    },
  };
}

function classify(failure: unknown, mask: SecretMasker): { result: RunResult; exitCode: number; message?: string } {
  if (failure === undefined) return { result: 'succeeded', exitCode: ExitCode.ok };
  if (failure instanceof InterruptedError) return { result: 'interrupted', exitCode: ExitCode.interrupted, message: mask(failure.message) };
  if (failure instanceof RunbookError) {
    const aborted = failure.name === 'AbortedError';
    return { result: aborted ? 'aborted' : 'failed', exitCode: failure.exitCode, message: mask(failure.message) };
  }
  return { result: 'failed', exitCode: ExitCode.internal, message: failure instanceof Error ? failure.message : String(failure) };
}

/** The environment every step sees: runbook's own, plus what identifies the run and the parameters. */
export function stepEnvironment(base: Record<string, string | undefined>, plan: Plan, runId: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base, RUNBOOK_STAGE: plan.stage ?? '', RUNBOOK_RUN_ID: runId };
  for (const parameter of plan.parameters) if (parameter.value !== undefined) env[parameterEnvName(parameter.name)] = parameter.value;
  return env;
}

/** The `run-started` event of a new run. */
export function runStartedEvent(plan: Plan, runId: string, io: Io, options: { unattended: boolean; environment?: string; cwd: string }): RunStarted {
  const path = plan.paths[plan.selectedPath]!;
  return {
    type: 'run-started',
    at: io.now().toISOString(),
    runId,
    stage: plan.stage ?? null,
    note: plan.file,
    sectionHash: plan.sectionHash ?? '',
    notePath: resolve(io.cwd, plan.file),
    path: { number: path.number, title: path.title },
    operator: io.user,
    host: io.host,
    pid: io.pid,
    cwd: options.cwd,
    environment: options.environment ?? null,
    parameters: Object.fromEntries(plan.parameters.filter((parameter) => parameter.value !== undefined).map((parameter) => [parameter.name, parameter.value!])),
    steps: path.steps.map((step) => ({ number: step.number, title: step.title, kind: step.kind })),
    flags: plan.flags.map((flag) => ({ name: flag.name, rollbackValue: flag.rollbackValue, envFile: flag.envFile ?? null, step: flag.stepNumber ?? null })),
    unattended: options.unattended,
  };
}
