/**
 * One rollback, from the note to the summary. `rollback`, `rollback --dry-run`, `resume` and
 * `rehearse` all run this; they differ only in the request they build. A dry run is the same
 * pipeline with the lock, the executor and every write left out:
 *
 *   prepare → guard → [dry run: show the plan and stop] → lock → confirm → execute → verify → finish
 *
 * See docs/architecture.md for a picture, and hooks.ts for what runs around it.
 */

import { resolve } from 'node:path';
import { alertingJson, alertingSecrets, describeAlerting } from './alerting.js';
import { ExitCode } from '../errors.js';
import type { RunEvent } from '../journal/events.js';
import { runbooksDir } from '../runbooks/find-note.js';
import { stepOutcomes } from '../journal/run-state.js';
import type { Io } from '../io.js';
import type { StepView } from '../execute/step-view.js';
import { formatPlan } from '../view/plan-text.js';
import { formatRunHeader, formatRunSummary, formatStopState } from '../view/run-summary.js';
import { styleFor } from '../view/style.js';
import { confirmProduction } from './confirm.js';
import { describeIncomplete, isComplete, readEndState } from './end-state.js';
import type { RunOutcome } from './execute.js';
import { requireTerminal } from './guard.js';
import type { RunContext, RunHooks } from './hooks.js';
import type { LoadPlanOptions } from './load-plan.js';
import { describeTakeover, lockStage, stopTakenOverRun } from './lock-stage.js';
import type { HeldLock } from '../journal/lock.js';
import type { SecretMasker } from '../journal/mask-secrets.js';
import type { Style } from '../view/style.js';
import { alertingHook } from './alerting-hook.js';
import { createMetricsHook } from './metrics-hook.js';
import { recordOptions, type RunOptions } from './options.js';
import { askParameters } from './parameters.js';
import { predictUnattendedStop, uncheckedConditions } from './predict.js';
import { prepareRun, type PreparedRun, type ResumeSource } from './prepare.js';
import { resumeOpening, resumeCommandFor } from './resume-source.js';
import { checkRecovery } from './verify.js';
import { escapeText } from '../view/escape-text.js';

export interface RunRequest {
  /** `dry-run`: prepare and guard as a run does, then print the plan; nothing runs, nothing is written. */
  mode: 'run' | 'dry-run';
  note: LoadPlanOptions;
  options: RunOptions;
  resume?: ResumeSource;
  /** Options given again on resume, journalled in `run-resumed`. */
  overrides?: RunOptions;
  hooks?: RunHooks[];
  /** For tests: replaces the listr2 view. */
  view?: StepView;
  /** `--json` on a dry run. */
  json?: boolean;
}

export interface RunReport {
  exitCode: number;
  prepared: PreparedRun;
  /** Undefined for a dry run. */
  outcome?: RunOutcome;
}

export async function runPipeline(request: RunRequest, baseIo: Io): Promise<RunReport> {
  const prepared = await prepareRun(request.note, request.options, baseIo, request.resume);
  if (request.mode === 'dry-run') return showDryRun(prepared, request, baseIo);
  requireTerminal(prepared.unattended, baseIo, request.resume !== undefined);
  const lock = lockStage(prepared.io, { dirs: prepared.dirs, runId: prepared.runId, stage: prepared.plan.stage ?? 'note', forceUnlock: request.options.forceUnlock === true, resuming: request.resume !== undefined });
  try {
    const run = await confirm(prepared, request, lock, baseIo);
    const outcome = await execute(run, prepared, request);
    await finish(run, outcome, prepared, baseIo);
    return { exitCode: outcome.exitCode, prepared: { ...prepared, plan: run.context.plan }, outcome };
  } finally {
    lock.release();
  }
}

/** A run between confirm and finish: the final plan, its masker, hooks and first events. */
interface ConfirmedRun {
  context: RunContext;
  mask: SecretMasker;
  hooks: RunHooks[];
  opening: RunEvent[];
  style: Style;
}

/**
 * The header (and what a taken-over lock or a stopped run left behind), the production check,
 * the parameters still missing; then the hooks start (`beforeSteps`).
 */
async function confirm(prepared: PreparedRun, request: RunRequest, lock: HeldLock, baseIo: Io): Promise<ConfirmedRun> {
  // The executor (execa, listr2) loads here, after the dry run has returned: it never needs it.
  const { runMasker, runStartedEvent } = await import('./execute.js');
  const { plan, io, runId, dirs, environment, unattended } = prepared;
  const style = styleFor(baseIo.stdout, baseIo.env);
  // Takeovers quote the lock file, which anyone could have written: escaped.
  const say = (text: string) => baseIo.stdout.write(style.yellow(escapeText(text)));
  const takeover = describeTakeover(lock);
  if (takeover) say(`${takeover}\n`);
  // A resume stops its own run's leftovers itself (resumeOpening).
  if (!request.resume) for (const stopped of await stopTakenOverRun(lock, dirs)) say(`${stopped}\n`);
  const secrets = alertingSecrets(prepared.alerting);
  const notSelected = request.resume?.settled ?? prepared.notSelected;
  baseIo.stdout.write(runMasker(io, plan, runId, secrets)(formatRunHeader(plan, { runId, journalDir: dirs.runsDir, unattended, style, notSelected, resumedFrom: request.resume?.from, predicted: prepared.predicted })));
  const resumed = request.resume ? resumeOpening(request.resume, io, { overrides: request.overrides, say }) : undefined;

  if (environment?.production && !unattended) await confirmProduction(plan.stage ?? plan.file, environment.name);
  const final = await askParameters(plan);
  const mask = runMasker(io, final, runId, secrets);
  const metrics = await createMetricsHook(final.stage ?? 'note', prepared.recovery ?? request.options);
  const hooks = [...(request.hooks ?? []), ...(metrics ? [metrics] : []), alertingHook(prepared.alerting, io, { mask, history: request.resume?.events })];
  const context: RunContext = { plan: final, runId, dirs, environment, unattended, resumed: request.resume !== undefined };
  const opening = resumed ?? [runStartedEvent(final, runId, io, { unattended, cwd: prepared.cwd, environment: environment?.name, options: recordedOptionsOf(request, baseIo) })];
  for (const hook of hooks) opening.push(...((await hook.beforeSteps?.(context)) ?? []));
  return { context, mask, hooks, opening, style };
}

/**
 * The steps (journalled, hooks told every event), then the verdict: `incomplete` unless every
 * shell step of the path is done and every flag at its rollback value, else the recovery check.
 */
async function execute(run: ConfirmedRun, prepared: PreparedRun, request: RunRequest): Promise<RunOutcome> {
  const { runSteps } = await import('./execute.js');
  const { plan } = run.context;
  const { io } = prepared;
  const earlier = request.resume?.events ?? [];
  const verify = checkRecovery(plan, prepared.recovery, io);
  return runSteps(
    {
      plan,
      runId: prepared.runId,
      opening: run.opening,
      unattended: prepared.unattended,
      stepTimeoutMs: prepared.stepTimeoutMs,
      cwd: prepared.cwd,
      notSelected: prepared.notSelected,
      answers: prepared.answers,
      settled: request.resume?.settled,
      // The options the choice steps took in earlier attempts: their steps stay on the path.
      taken: request.resume ? choicesTaken(request.resume.events) : undefined,
      dirs: prepared.dirs,
      mask: run.mask,
      listeners: run.hooks.flatMap((hook) => (hook.onEvent ? [(event: RunEvent) => hook.onEvent!(event, run.context)] : [])),
      atEnd: run.hooks.flatMap((hook) => (hook.beforeFinish ? [hook.beforeFinish.bind(hook)] : [])),
      view: request.view,
      afterSteps: async (steps) => {
        const end = await readEndState(plan, [...earlier, ...steps.events], io, prepared.cwd);
        if (!isComplete(end)) {
          steps.emit({ type: 'verification', at: io.now().toISOString(), phase: 'skipped', verdict: 'not verified', summary: 'recovery not checked: the rollback is not complete' });
          return { exitCode: ExitCode.stepFailed, result: 'incomplete', message: describeIncomplete(end) };
        }
        return verify(steps);
      },
    },
    io,
  );
}

/**
 * The summary of the whole run (earlier attempts included); after any stop, where it leaves the
 * system and how to go on; then the hooks' `afterRun`, whose trouble is only ever a warning.
 */
async function finish(run: ConfirmedRun, outcome: RunOutcome, prepared: PreparedRun, baseIo: Io): Promise<void> {
  const { plan } = run.context;
  const all = [...(prepared.resume?.events ?? []), ...outcome.events];
  baseIo.stdout.write(formatRunSummary(plan, { ...outcome, steps: stepOutcomes(all) }, { style: run.style, cwd: baseIo.cwd }));
  if (outcome.result !== 'succeeded' && outcome.result !== 'not-recovered') {
    const end = await readEndState(plan, all, prepared.io, prepared.cwd);
    baseIo.stdout.write(formatStopState(end, { style: run.style, resumeCommand: resumeCommandFor(outcome.result, prepared, baseIo, all) }));
  }
  for (const hook of run.hooks) {
    try {
      for (const warning of (await hook.afterRun?.(run.context, outcome)) ?? []) baseIo.stderr.write(`runbook: warning: ${escapeText(warning)}\n`);
    } catch (error) {
      baseIo.stderr.write(`runbook: warning: ${escapeText(run.mask(error instanceof Error ? error.message : String(error)))}\n`);
    }
  }
  if (outcome.exitCode === ExitCode.verifyFailed && outcome.message) baseIo.stderr.write(`runbook: ${escapeText(outcome.message)}\n`);
}

/** The plan a run would follow, the steps it would leave out and the failures it would meet. */
async function showDryRun(prepared: PreparedRun, request: RunRequest, io: Io): Promise<RunReport> {
  const { plan, recovery, predicted } = prepared;
  if (request.json) {
    const { planToJson } = await import('../view/plan-json.js');
    // The plan schema, plus `alerting` when the run would notify or silence.
    const alerting = prepared.alerting.webhooks.length > 0 || prepared.alerting.silence ? { alerting: alertingJson(prepared.alerting) } : {};
    const stop = unattendedStopOf(prepared);
    const unattendedStop = stop ? { unattendedStop: { step: stop.step.number, title: stop.step.title, reason: stop.reason } } : {};
    const hazards = prepared.hazards.length > 0 ? { hazards: prepared.hazards.map(({ line, message }) => ({ line: line ?? null, message })) } : {};
    io.stdout.write(`${JSON.stringify({ ...planToJson(plan), ...alerting, ...unattendedStop, ...hazards }, null, 2)}\n`);
  } else {
    // The selectors as given: the plan text names the environment profile's itself.
    const { options } = request;
    const targetSelectors = [...(options.job ?? []).map((job) => `job=${job}`), ...(options.targetLabel ?? [])];
    io.stdout.write(
      formatPlan(plan, {
        style: styleFor(io.stdout, io.env),
        dryRun: true,
        targetSelectors,
        checkTargets: options.targets,
        verify: recovery !== undefined,
        window: recovery?.window,
        notSelected: prepared.notSelected,
        predicted,
        unattendedStop: unattendedStopOf(prepared),
        unchecked: prepared.unattended ? uncheckedConditions(plan.paths[plan.selectedPath]!.steps, prepared.notSelected, prepared.answers) : undefined,
        hazards: prepared.hazards,
        around: describeAlerting(prepared.alerting),
      }),
    );
  }
  // Predicted failures are the dry run's findings, printed above; its exit code says whether the run may start.
  return { exitCode: ExitCode.ok, prepared };
}

/** `--yes`: where the run would stop short (a dry run says so before anyone relies on it). */
function unattendedStopOf(prepared: PreparedRun) {
  const { plan } = prepared;
  return prepared.unattended ? predictUnattendedStop(plan.paths[plan.selectedPath]!.steps, prepared.notSelected, prepared.answers) : undefined;
}

/** What a resume of this run must take over; paths made absolute, so a resume works from any folder. */
function recordedOptionsOf(request: RunRequest, io: Io) {
  const { options, note } = request;
  return recordOptions({
    ...options,
    runbooks: resolve(io.cwd, runbooksDir(note.runbooks, io)),
    prometheusUrl: note.prometheusUrl,
    choose: note.choose,
    withDataRollback: note.withDataRollback,
    metricsFile: options.metricsFile === undefined ? undefined : resolve(io.cwd, options.metricsFile),
  });
}

/** Choice step → the option it took (or 'skip'), from a run's journal. */
function choicesTaken(events: RunEvent[]): Map<number, number | 'skip'> {
  const taken = new Map<number, number | 'skip'>();
  for (const event of events) {
    if (event.type !== 'step-finished') continue;
    if (event.option !== undefined) taken.set(event.step, event.option);
    else if (event.result === 'skipped' && event.message?.startsWith('no option taken')) taken.set(event.step, 'skip');
  }
  return taken;
}
