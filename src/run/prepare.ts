/**
 * The pipeline's prepare stage: everything a run needs, checked before anything is locked,
 * shown or run — the note and its plan, the environment, every option, the parameters, the
 * steps to run and the state folders. A dry run prepares exactly the same, so it refuses
 * exactly what a run refuses.
 */

import { alertingSettings, type AlertingSettings } from './alerting.js';
import { parseVerifyFlags, type VerifySettings } from '../commands/verify-flags.js';
import type { EnvironmentProfile } from '../environments/parse-environments.js';
import { type NoteProblem, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import type { RunEvent } from '../journal/events.js';
import { createRunId } from '../journal/run-id.js';
import type { RunState } from '../journal/run-state.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { checkDirectory, refuseUnattendedProduction } from './guard.js';
import { loadPlan, type LoadPlanOptions } from './load-plan.js';
import { selectSteps, stepAnswers, stepTimeoutMs, type RunOptions, type StepAnswers } from './options.js';
import { requireParameters } from './parameters.js';
import { predictFailures } from './predict.js';
import { stateDirs, type StateDirs } from './state-dirs.js';
import { recoverySettings } from './verify.js';

/** The run a resume continues: its id, journal and replayed state. */
export interface ResumeSource {
  runId: string;
  events: RunEvent[];
  state: RunState;
  /** The first step to run. */
  from: number;
  /** Steps finished earlier, with the reason shown in the list. */
  settled: Map<number, string>;
}

export interface PreparedRun {
  plan: Plan;
  /** The world of the steps: HOME and variables from the environment profile. */
  io: Io;
  cwd: string;
  environment?: EnvironmentProfile;
  runId: string;
  dirs: StateDirs;
  unattended: boolean;
  stepTimeoutMs: number;
  /** Steps this run leaves out (`--from`, `--only`), with the reason. */
  notSelected: Map<number, string>;
  /** `--done`, `--confirm`, `--decline`. */
  answers: StepAnswers;
  /** Undefined with --no-verify. */
  recovery?: VerifySettings;
  /** Notifications and the silence (see run/alerting.ts). */
  alerting: AlertingSettings;
  /** Step number → why it will fail (see predict.ts). */
  predicted: Map<number, string>;
  /** What lint says about the steps (a dry run shows it). */
  hazards: NoteProblem[];
  resume?: ResumeSource;
}

function takeEarlierChoices(steps: PlanStep[], events: RunEvent[]): void {
  for (const event of events) {
    if (event.type !== 'step-finished' || event.option === undefined) continue;
    const step = steps.find((candidate) => candidate.number === event.step);
    if (step?.kind === 'choice' && event.option < step.options.length) step.chosen = event.option;
  }
}

/** A gate nobody answered "yes" to is asked again on resume (its step runs again before it), never passed over. */
function reopenGates(steps: PlanStep[], resume: ResumeSource): void {
  const passed = new Set(resume.events.flatMap((event) => (event.type === 'step-decision' && event.decision === 'acknowledged' ? [event.step] : [])));
  for (const step of steps) if (step.gate && !passed.has(step.number)) resume.settled.delete(step.number);
  // A conditional step an unattended run left out (nobody checked the condition) is asked on resume.
  const answered = new Set(resume.events.flatMap((event) => (event.type === 'step-decision' && event.decision !== 'not-selected' ? [event.step] : [])));
  for (const step of steps) if (step.condition && !answered.has(step.number)) resume.settled.delete(step.number);
  // A step for other machines an unattended run stopped at is asked again: only a person can say it was done there.
  const leftForPerson = new Set(resume.events.flatMap((event) => (event.type === 'step-finished' && event.result === 'needs-person' ? [event.step] : [])));
  for (const step of steps) if (step.kind === 'shell' && step.scope && leftForPerson.has(step.number)) resume.settled.delete(step.number);
}

export async function prepareRun(note: LoadPlanOptions, options: RunOptions, baseIo: Io, resume?: ResumeSource): Promise<PreparedRun> {
  const unattended = options.yes === true;
  // Options that need no note first: a typo fails before the note is even read.
  const timeoutMs = stepTimeoutMs(options);
  parseVerifyFlags(options, baseIo.now());
  const { plan, io, cwd, environment, hazards } = await loadPlan(note, baseIo);
  await checkDirectory(cwd, note.cwd, io);
  refuseUnattendedProduction(environment, unattended, options.iKnowThisIsProduction);
  if (resume && plan.sectionHash !== resume.state.started.sectionHash) {
    const started = resume.state.started;
    throw new UsageError(
      `the Rollback Procedure in ${started.note} changed since run ${resume.runId} started, so its steps may no longer be the ones that ran: start a new run (runbook rollback ${started.stage ?? started.note} --from N)`,
    );
  }
  const path = plan.paths[plan.selectedPath]!;
  // A resume goes on with the options the stopped run took, not the defaults.
  if (resume) {
    takeEarlierChoices(path.steps, resume.events);
    reopenGates(path.steps, resume);
  }
  const notSelected = resume
    ? new Map<number, string>()
    : selectSteps(
        path.steps.map((step) => step.number),
        options,
      );
  const answers = stepAnswers(path.steps, options);
  if (unattended) requireParameters(plan);
  const recovery = options.verify === false ? undefined : recoverySettings(options, plan, io.now());
  const alerting = alertingSettings(options, io.env, environment);
  const dirs = stateDirs(baseIo, { ...options, runbooks: note.runbooks, noteFile: plan.file });
  const runId = resume?.runId ?? createRunId(plan.stage, io.now(), io.random);
  const predicted = predictFailures(plan, new Map([...notSelected, ...(resume?.settled ?? [])]));
  return { plan, io, cwd, environment, runId, dirs, unattended, stepTimeoutMs: timeoutMs, notSelected, answers, recovery, alerting, predicted, hazards, resume };
}
