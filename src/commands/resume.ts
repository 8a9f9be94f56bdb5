/**
 * `runbook resume <run-id|stage>`: continue an interrupted or aborted run after its last
 * finished step, in the same journal and under the same lock, provided the note's Rollback
 * Procedure is unchanged since the run started.
 */

import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import type { RunEvent, StepFinished } from '../journal/events.js';
import { MASK } from '../journal/mask-secrets.js';
import { readAllJournals, readJournal, type JournalFile } from '../journal/read-journal.js';
import { isRunId } from '../journal/run-id.js';
import { replayRun, resumeFrom, settledSteps, stepOutcomes, type RunState } from '../journal/run-state.js';
import { findLeftovers, killLeftovers } from '../execute/leftover-processes.js';
import { parseDuration } from '../options/duration.js';
import { parseSetOptions } from '../plan/parameters.js';
import { formatRunHeader, formatRunSummary } from '../view/run-summary.js';
import { styleFor } from '../view/style.js';
import { askParameters, requireParameters } from './ask-parameters.js';
import { loadPlan } from './load-plan.js';
import { warnAbout } from './log.js';
import { checkRecovery, recoverySettings, type RecoveryFlags } from './recovery-check.js';
import { alertingSecrets, alertingSettings, startAlerting, type AlertingFlags } from './run-alerting.js';
import { checkDirectory, confirmProduction, DEFAULT_STEP_TIMEOUT, refuseUnattendedProduction, reportNotRecovered } from './rollback.js';
import { describeTakeover, lockStage, runMasker, runSteps, stateDirs } from './run-steps.js';

export interface ResumeOptions extends RecoveryFlags, AlertingFlags {
  run: string;
  yes?: boolean;
  stepTimeout?: string;
  journalDir?: string;
  stateDir?: string;
  cwd?: string;
  prometheusUrl?: string;
  /** Values of parameters the journal does not hold (secrets are masked there). */
  set?: string[];
  /** Folder of notes holding environments.json, when the run used --env. */
  runbooks?: string;
  /** Lets `--yes` resume a run in a production environment without typing the stage id. */
  iKnowThisIsProduction?: boolean;
}

export async function resumeCommand(options: ResumeOptions, io: Io): Promise<number> {
  const unattended = options.yes === true;
  if (!unattended && !io.interactive) {
    throw new UsageError('no terminal to confirm steps on: run with --yes to resume unattended');
  }
  const stepTimeoutMs = parseDuration(options.stepTimeout ?? DEFAULT_STEP_TIMEOUT, '--step-timeout');
  const dirs = stateDirs(io, options);
  const journal = await findRun(options.run, dirs.runsDir, io);
  const state = replayRun(journal.events);
  if (!state) throw new UsageError(`${journal.path} has no run-started event: it is not a run journal`);
  const { started } = state;

  if (state.finished?.result === 'succeeded') {
    io.stdout.write(`Nothing to resume: run ${journal.runId} of stage ${started.stage} succeeded at ${state.finished.at}.\n`);
    return 0;
  }
  if (!state.finished && state.host === io.host && io.processAlive(state.pid) && state.pid !== io.pid) {
    throw new UsageError(`run ${journal.runId} is still running (pid ${state.pid}): wait for it, or stop it first`);
  }
  if (state.host !== io.host && !state.finished) {
    throw new UsageError(`run ${journal.runId} was started on host ${state.host}: resume it there, where its lock and processes are`);
  }

  const {
    plan: loaded,
    io: runIo,
    cwd,
    environment,
  } = await loadPlan(
    {
      reference: started.notePath,
      path: String(started.path.number),
      set: resumeParameters(started.parameters, options.set ?? []),
      cwd: options.cwd ?? started.cwd,
      prometheusUrl: options.prometheusUrl,
      environment: started.environment ?? undefined,
      runbooks: options.runbooks,
    },
    io,
  );
  await checkDirectory(cwd, options.cwd, io);
  // A resume runs steps against the same environment: production is guarded as for a new run.
  refuseUnattendedProduction(environment, unattended, options.iKnowThisIsProduction);
  if (loaded.sectionHash !== started.sectionHash) {
    throw new UsageError(
      `the Rollback Procedure in ${started.note} changed since run ${journal.runId} started, so its steps may no longer be the ones that ran: start a new run (runbook rollback ${started.stage ?? started.note} --from N)`,
    );
  }
  if (journal.tornStep !== undefined) {
    throw new UsageError(
      `${journal.path}: the result of step ${journal.tornStep} was cut off (a full disk or a crash while writing it): step ${journal.tornStep} ran, but how it ended is unknown; check it by hand, then runbook rollback ${started.stage ?? started.note} --from ${journal.tornStep + 1} (or --from ${journal.tornStep} to run it again)`,
    );
  }
  const from = resumeFrom(state);
  if (from === undefined) {
    io.stdout.write(`Nothing to resume: every step of run ${journal.runId} is done or was skipped.\n`);
    return 0;
  }
  if (unattended) requireParameters(loaded);
  const settings = recoverySettings(options, loaded, io.now());
  const alerting = alertingSettings(options, io.env, environment);

  const lock = lockStage(io, { dirs, runId: journal.runId, stage: started.stage ?? 'note', forceUnlock: false, resuming: true });
  try {
    const settled = settledSteps(state);
    const style = styleFor(io.stdout, io.env);
    const takeover = describeTakeover(lock);
    if (takeover) io.stdout.write(style.yellow(`${takeover}\n`));
    io.stdout.write(runMasker(io, loaded, journal.runId, alertingSecrets(alerting))(formatRunHeader(loaded, { runId: journal.runId, journalDir: dirs.runsDir, unattended, style, notSelected: settled, resumedFrom: from })));
    for (const lost of state.unfinished) io.stdout.write(style.yellow(`Step ${lost} was running when the run stopped (no result recorded): it runs again.\n`));
    for (const [step, group] of state.unfinishedGroups) {
      const killed = killLeftovers(findLeftovers(group, journal.runId));
      if (killed > 0) io.stdout.write(style.yellow(`Stopped ${killed} process${killed === 1 ? '' : 'es'} step ${step} left running (process group ${group}).\n`));
    }
    if (environment?.production && !unattended) await confirmProduction(started.stage ?? started.note, environment.name);
    const plan = await askParameters(loaded);

    const mask = runMasker(runIo, plan, journal.runId, alertingSecrets(alerting));
    // The silence of the run before is taken over when it is still active (see run-alerting.ts).
    const around = await startAlerting(alerting, { started: { runId: journal.runId, stage: started.stage, note: started.note }, unattended, mask, history: journal.events }, runIo);
    const now = io.now().toISOString();
    const opening: RunEvent[] = [{ type: 'run-resumed', at: now, pid: io.pid, operator: io.user, host: io.host, fromStep: from }, ...lostSteps(state, now), ...(around?.opening ?? [])];
    const outcome = await runSteps(
      {
        plan,
        runId: journal.runId,
        opening,
        unattended,
        stepTimeoutMs,
        cwd,
        notSelected: new Map(),
        settled,
        dirs,
        mask,
        listeners: around ? [around.listener] : [],
        atEnd: around ? [around.finish] : [],
        afterSteps: checkRecovery(plan, options.verify === false ? undefined : settings, runIo),
      },
      runIo,
    );
    // The summary covers the whole run, the steps finished before the resume included.
    io.stdout.write(formatRunSummary(plan, { ...outcome, steps: stepOutcomes([...journal.events, ...outcome.events]) }, { style, cwd: io.cwd }));
    reportNotRecovered(outcome, runIo);
    return outcome.exitCode;
  } finally {
    lock.release();
  }
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

/** A run id, or a stage: then its latest run. */
async function findRun(reference: string, runsDir: string, io: Io): Promise<JournalFile> {
  if (isRunId(reference)) {
    const journal = await readJournal(runsDir, reference);
    warnAbout(journal.problems, io);
    return journal;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(reference) || reference.includes('..')) {
    throw new UsageError(`"${reference}" is neither a run id nor a stage id: see runbook runs`);
  }
  const runs = (await readAllJournals(runsDir)).filter((journal) => replayRun(journal.events)?.started.stage === reference);
  const latest = runs.at(-1);
  if (latest) warnAbout(latest.problems, io);
  if (!latest) throw new UsageError(`no runs of stage ${reference} in ${runsDir}: nothing to resume`);
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
