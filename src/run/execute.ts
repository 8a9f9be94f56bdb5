/**
 * The pipeline's execute stage: opens the journal, wires the executor to the step view, the
 * journal, the hooks and Ctrl-C, runs the steps and then `afterSteps` (completeness, the
 * recovery check). Returns what happened; the pipeline prints it and releases the lock.
 */

import { resolve } from 'node:path';
import type { StateDirs } from './state-dirs.js';
import type { RecordedOptions, StepAnswers } from './options.js';
import { ExitCode, IncompleteError, InterruptedError, RunbookError } from '../errors.js';
import { readFlagValue } from '../flags/env-file.js';
import type { Io } from '../io.js';
import { executeSteps } from '../execute/executor.js';
import { createInterrupts } from '../execute/interrupts.js';
import { escapingView } from '../execute/escaping-view.js';
import { createListrView } from '../execute/listr-view.js';
import { runScript } from '../execute/run-script.js';
import { openShellSession, type ShellSession, sessionPath } from '../execute/shell-session.js';
import type { StepView } from '../execute/step-view.js';
import type { RunEvent, RunResult, RunStarted } from '../journal/events.js';
import { openJournal } from '../journal/journal-writer.js';
import { createSecretMasker, isSecretName, MASK, maskEvent, type SecretMasker } from '../journal/mask-secrets.js';
import { lastStepFinishedAt, stepOutcomes, type StepOutcome } from '../journal/run-state.js';
import { parameterEnvName } from '../plan/parameters.js';
import type { Plan } from '../plan/types.js';
import type { VerificationReport } from '../prometheus/verify-recovery.js';
import { escapeText } from '../view/escape-text.js';

export interface RunRequest {
  plan: Plan;
  runId: string;
  /** Written first: `run-started` for a new run; `run-resumed` (and what it found) for a resume. */
  opening: RunEvent[];
  unattended: boolean;
  stepTimeoutMs: number;
  /** Absolute working directory of the steps. */
  cwd: string;
  notSelected: Map<number, string>;
  /** `--done`, `--confirm`, `--decline`. */
  answers?: StepAnswers;
  /** Steps a resumed run finished earlier. */
  settled?: Map<number, string>;
  /** A resume: the option each choice step took earlier. */
  taken?: Map<number, number | 'skip'>;
  dirs: StateDirs;
  /** Masks secrets in everything shown and journalled (see `runMasker`). */
  mask: SecretMasker;
  /** Extra listeners (metrics, report) for every event. */
  listeners?: ((event: RunEvent) => void)[];
  /** For tests: replaces the listr2 view. */
  view?: StepView;
  /**
   * Runs when every step is done, before `run-finished` (the recovery check): what it emits
   * goes to the journal, and its verdict decides how the run ends.
   */
  afterSteps?: (context: { emit: (event: RunEvent) => void; lastStepFinishedAt: Date; events: RunEvent[] }) => Promise<AfterSteps>;
  /**
   * "Around the run" hooks for the end, however the run ends (notifications, the silence):
   * awaited before `run-finished`, so what they emit is journalled. Never fail the run.
   */
  atEnd?: ((end: RunEnd, emit: (event: RunEvent) => void) => Promise<void>)[];
}

export interface RunEnd {
  at: string;
  result: RunResult;
  exitCode: number;
  message: string | null;
  /** True when every step is done and the recovery check verified recovery. */
  verified: boolean;
}

export interface AfterSteps {
  exitCode: number;
  result: RunResult;
  message?: string;
  verification?: VerificationReport;
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
  /** The recovery check's report, when one ran. */
  verification?: VerificationReport;
}

/** Runs the plan's steps under a lock the caller holds; journals every event. */
export async function runSteps(request: RunRequest, io: Io): Promise<RunOutcome> {
  const { plan } = request;
  // Next to the journal: a resume (same run id) starts from the state the last step left.
  const session = openShellSession(sessionPath(request.dirs.runsDir, request.runId));
  const mask = withSessionSecrets(request.mask, session);
  const path = plan.paths[plan.selectedPath]!;
  const startedAt = io.now();

  const journal = openJournal(request.dirs.runsDir, request.runId);
  const events: RunEvent[] = [];
  // Every event, every field: a measurement or a message can quote a secret as well as the output.
  const emit = (raw: RunEvent) => {
    const event = maskEvent(raw, mask);
    journal.write(event);
    events.push(event);
    for (const listener of request.listeners ?? []) listener(event);
  };
  const view = escapingView(request.view ?? createListrView({ interactive: !request.unattended && io.interactive, stderr: io.stderr, columns: () => (io.stdout.isTTY ? io.stdout.columns : undefined) }), mask);
  const interrupts = createInterrupts(io.onSignal, (message) => view.notice(message));
  let failure: unknown;
  let after: AfterSteps | undefined;
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
        answers: request.answers,
        settled: request.settled,
        taken: request.taken,
      },
      {
        runScript,
        // With the step's sed pattern: a pattern that matches no line would change nothing.
        readFlag: (envFile, name) => readFlagValue(envFile, name, io, request.cwd, plan.flags.find((flag) => flag.name === name && flag.envFile === envFile)?.sedPattern),
        now: () => io.now(),
        emit,
        view,
        interrupts,
        mask,
        session,
      },
    );
    interrupts.dispose(); // the recovery check handles Ctrl-C itself
    after = await request.afterSteps?.({ emit, lastStepFinishedAt: lastStepFinishedAt(events) ?? startedAt, events });
  } catch (error) {
    failure = interrupts.runAborted && !(error instanceof InterruptedError) ? new InterruptedError(`interrupted (${interrupts.stoppedBy})`) : error;
  } finally {
    interrupts.dispose();
  }

  const { result, exitCode, message } = after && failure === undefined ? { ...after, message: after.message && mask(after.message) } : classify(failure, mask);
  for (const hook of request.atEnd ?? []) {
    try {
      await hook({ at: io.now().toISOString(), result, exitCode, message: message ?? null, verified: result === 'succeeded' && after?.verification?.verdict === 'verified' }, emit);
    } catch (error) {
      io.stderr.write(`runbook: warning: ${escapeText(mask(error instanceof Error ? error.message : String(error)))}\n`);
    }
  }
  const finishedAt = io.now();
  emit({ type: 'run-finished', at: finishedAt.toISOString(), result, exitCode, message: message ?? null });
  journal.close();
  if (result === 'succeeded') session.discard();
  if (failure !== undefined && !(failure instanceof RunbookError)) throw failure;
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
    verification: after?.verification,
  };
}

/** Also masks the secrets steps exported (`export PGPASSWORD=$(kubectl get secret …)`) once they are known. */
function withSessionSecrets(mask: SecretMasker, session: ShellSession): SecretMasker {
  let known: Record<string, string> | undefined;
  let sessionMask: SecretMasker = (text) => text;
  return (text) => {
    const variables = session.variables();
    if (variables !== known) {
      known = variables;
      sessionMask = createSecretMasker(variables);
    }
    return sessionMask(mask(text));
  };
}

function classify(failure: unknown, mask: SecretMasker): { result: RunResult; exitCode: number; message?: string } {
  if (failure === undefined) return { result: 'succeeded', exitCode: ExitCode.ok };
  if (failure instanceof InterruptedError) return { result: 'interrupted', exitCode: ExitCode.interrupted, message: mask(failure.message) };
  if (failure instanceof IncompleteError) return { result: 'incomplete', exitCode: failure.exitCode, message: mask(failure.message) };
  if (failure instanceof RunbookError) {
    const aborted = failure.name === 'AbortedError';
    return { result: aborted ? 'aborted' : 'failed', exitCode: failure.exitCode, message: mask(failure.message) };
  }
  return { result: 'failed', exitCode: ExitCode.internal, message: failure instanceof Error ? failure.message : String(failure) };
}

/**
 * The masker of a run: secret-named variables of the steps' environment (parameters included),
 * secret-looking text, and `secrets` (webhook URLs).
 */
export function runMasker(io: Io, plan: Plan, runId: string, secrets: string[] = []): SecretMasker {
  // The Prometheus URL may come from a flag or environments.json, not the environment: its user info too.
  return createSecretMasker({ ...stepEnvironment(io.env, plan, runId), RUNBOOK_PROMETHEUS_URL: plan.prometheus?.url }, secrets);
}

/** The environment every step sees: runbook's own, plus what identifies the run and the parameters. */
export function stepEnvironment(base: Record<string, string | undefined>, plan: Plan, runId: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base, RUNBOOK_STAGE: plan.stage ?? '', RUNBOOK_RUN_ID: runId };
  for (const parameter of plan.parameters) if (parameter.value !== undefined) env[parameterEnvName(parameter.name)] = parameter.value;
  return env;
}

/** The `run-started` event of a new run. */
export function runStartedEvent(plan: Plan, runId: string, io: Io, options: { unattended: boolean; environment?: string; cwd: string; options: RecordedOptions }): RunStarted {
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
    // Secret values are not journalled: a resume asks for them again.
    parameters: Object.fromEntries(plan.parameters.filter((parameter) => parameter.value !== undefined).map((parameter) => [parameter.name, isSecretName(parameter.name) ? MASK : parameter.value!])),
    steps: path.steps.map((step) => ({ number: step.number, title: step.title, kind: step.kind, ...(step.condition ? { condition: step.condition } : {}), ...(step.scope ? { scope: step.scope } : {}) })),
    flags: plan.flags.map((flag) => ({ name: flag.name, rollbackValue: flag.rollbackValue, envFile: flag.envFile ?? null, step: flag.stepNumber ?? null })),
    unattended: options.unattended,
    options: options.options,
  };
}
