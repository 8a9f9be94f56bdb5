/**
 * "Around the run" hooks: what the pipeline tells other parts (metrics, notifications,
 * reports) without knowing them. Each hook is optional; a run takes a list of them.
 *
 * Order, for a real run (a dry run calls none):
 * 1. `beforeSteps` once the plan is final and the lock held, before the first step; the
 *    events it returns are journalled right after `run-started` / `run-resumed`.
 * 2. `onEvent` for every event, as the journal gets it (already masked).
 * 3. `beforeFinish` once, however the run ends (done, incomplete, failed, aborted, quit,
 *    interrupted), before `run-finished` is journalled; what it emits is journalled.
 * 4. `afterRun` once, after the summary is printed and before the lock is released; what it
 *    returns is printed as warnings.
 * A hook that cannot do its job must never turn a rollback into a failure: the pipeline
 * catches what hooks throw in 3 and 4 and prints it as a warning.
 */

import type { EnvironmentProfile } from '../environments/parse-environments.js';
import type { RunEvent } from '../journal/events.js';
import type { Plan } from '../plan/types.js';
import type { RunEnd, RunOutcome } from './execute.js';
import type { StateDirs } from './state-dirs.js';

export interface RunContext {
  plan: Plan;
  runId: string;
  dirs: StateDirs;
  environment?: EnvironmentProfile;
  unattended: boolean;
  resumed: boolean;
}

export interface RunHooks {
  beforeSteps?(run: RunContext): RunEvent[] | void | Promise<RunEvent[] | void>;
  beforeFinish?(end: RunEnd, emit: (event: RunEvent) => void): Promise<void>;
  onEvent?(event: RunEvent, run: RunContext): void;
  afterRun?(run: RunContext, outcome: RunOutcome): Promise<string[] | void> | string[] | void;
}
