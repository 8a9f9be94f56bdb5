/**
 * What happens during a run, as events. The executor emits them; the journal writes each
 * as one JSON line; the transcript, `runs` and `resume` read them back.
 */

import type { RecordedOptions } from '../run/options.js';

export type StepDecision = 'run' | 'skip' | 'continue-all' | 'quit' | 'retry' | 'abort' | 'acknowledged' | 'needs-person' | 'not-selected';

export type StepResult = 'done' | 'failed' | 'skipped' | 'acknowledged' | 'needs-person' | 'timed-out' | 'interrupted' | 'not-selected';

/** `not-recovered`: every step done, but Prometheus did not show recovery (failed or inconclusive). */
/**
 * `incomplete`: the steps ended, but a shell step did not run or a flag does not hold its rollback
 * value; or the run stopped at a gate or a step that needs a person (nothing failed).
 */
export type RunResult = 'succeeded' | 'failed' | 'aborted' | 'interrupted' | 'incomplete' | 'not-recovered';

export interface FlagChange {
  name: string;
  envFile: string;
  before: string | null;
  after: string | null;
  expected: string;
  ok: boolean;
}

export interface RunStarted {
  type: 'run-started';
  at: string;
  runId: string;
  stage: string | null;
  /** The note as shown to the operator, and its absolute path (resume reads it from there). */
  note: string;
  notePath: string;
  /** sha256 of the Rollback Procedure section's text: resume refuses when it changed. */
  sectionHash: string;
  path: { number: number; title: string };
  operator: string;
  host: string;
  pid: number;
  cwd: string;
  environment: string | null;
  parameters: Record<string, string>;
  /** `condition` / `scope`: the step runs only under that condition, or is meant for those machines (absent when none). */
  steps: { number: number; title: string; kind: 'shell' | 'manual' | 'choice'; condition?: string; scope?: string }[];
  flags: { name: string; rollbackValue: string; envFile: string | null; step: number | null }[];
  unattended: boolean;
  /** The options a resume continues with (see `run/options.ts`); absent in older journals. */
  options?: RecordedOptions;
}

export interface RunResumed {
  type: 'run-resumed';
  at: string;
  pid: number;
  operator: string;
  host: string;
  fromStep: number;
  /** Options given again on resume: they override the run's from here on. */
  options?: RecordedOptions;
}

export interface StepStarted {
  type: 'step-started';
  at: string;
  step: number;
  title: string;
  kind: 'shell' | 'manual' | 'choice';
  /** The exact script run (secrets masked), or the manual items. */
  commands: string;
  attempt: number;
}

/** The process group a step's script runs in: a resume stops it if a killed run left it behind. */
export interface StepProcess {
  type: 'step-process';
  at: string;
  step: number;
  pid: number;
}

export interface StepDecided {
  type: 'step-decision';
  at: string;
  step: number;
  decision: StepDecision;
}

export interface StepFinished {
  type: 'step-finished';
  at: string;
  step: number;
  title: string;
  result: StepResult;
  exitCode: number | null;
  durationMs: number;
  outputTail: string[];
  flags: FlagChange[];
  message: string | null;
  /** For a choice step: the option taken (0-based), so a reader knows which steps were meant to run. */
  option?: number;
}

export interface RunFinished {
  type: 'run-finished';
  at: string;
  result: RunResult;
  exitCode: number;
  message: string | null;
}

/**
 * The recovery check after the last step (see src/prometheus): every measurement as it is
 * taken (`measurement`), then the outcome (`report`), or `skipped` with --no-verify.
 */
export interface VerificationRecorded {
  type: 'verification';
  at: string;
  phase: 'measurement' | 'report' | 'skipped';
  verdict?: string;
  summary?: string;
  [key: string]: unknown;
}

/** The Alertmanager silence kept while the run goes on (see src/alertmanager/silence-keeper.ts). */
export interface SilenceRecorded {
  type: 'silence';
  at: string;
  /** `lapsing`: left to end after the grace period; `not-expired`: it lapses at `endsAt` by itself. */
  action: 'created' | 'taken-over' | 'replaced' | 'expired' | 'lapsing' | 'not-created' | 'not-expired';
  id: string | null;
  alertmanagerUrl: string;
  /** As Alertmanager prints them: `job="butler"`, `alertname=~"Butler.*"`. */
  matchers: string[];
  endsAt: string | null;
  reason: string | null;
}

/** One chat notification (see src/notify/): the webhook masked, never its URL. */
export interface NotificationSent {
  type: 'notification';
  at: string;
  event: 'run-started' | 'run-resumed' | 'step-failed' | 'run-finished' | 'recovery-verified' | 'recovery-not-verified';
  target: string;
  ok: boolean;
  reason: string | null;
  attempts: number;
}

export type RunEvent = RunStarted | RunResumed | StepStarted | StepProcess | StepDecided | StepFinished | RunFinished | VerificationRecorded | SilenceRecorded | NotificationSent;
