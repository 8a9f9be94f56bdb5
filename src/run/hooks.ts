/**
 * "Around the run" hooks: what the pipeline tells other parts (metrics, notifications,
 * reports) without knowing them. Each hook is optional; a run takes a list of them.
 *
 * Order: `beforeSteps` once the plan is final and the lock held (nothing has run yet; not
 * called by a dry run), `onEvent` for every event as the journal gets it, `afterRun` once
 * however the run ended (done, failed, aborted, quit, interrupted), after the summary is
 * printed and before the lock is released. What `afterRun` returns is printed as warnings: a
 * hook that cannot do its job must never turn a rollback into a failure.
 */

import type { EnvironmentProfile } from '../environments/parse-environments.js';
import type { RunEvent } from '../journal/events.js';
import type { Plan } from '../plan/types.js';
import type { RunOutcome } from './execute.js';
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
  beforeSteps?(run: RunContext): void | Promise<void>;
  onEvent?(event: RunEvent, run: RunContext): void;
  afterRun?(run: RunContext, outcome: RunOutcome): Promise<string[] | void> | string[] | void;
}
