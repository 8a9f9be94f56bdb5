/**
 * The run's hold on its stage (see `journal/lock.ts` for how the lock works): taken before
 * anything is shown or run, so a refusal is the first thing the operator sees; released by
 * `release()` and, failing that, when the process exits.
 */

import type { Io } from '../io.js';
import { acquireLock, type HeldLock } from '../journal/lock.js';
import type { StateDirs } from './state-dirs.js';

export function lockStage(io: Io, options: { dirs: StateDirs; runId: string; stage: string; forceUnlock: boolean; resuming: boolean }): HeldLock {
  const lock = acquireLock(
    options.dirs.locksDir,
    { pid: io.pid, host: io.host, user: io.user, startedAt: io.now().toISOString(), runId: options.runId, stage: options.stage },
    { forceUnlock: options.forceUnlock, resumeRunId: options.resuming ? options.runId : undefined, processAlive: io.processAlive, thisHost: io.host },
  );
  const releaseOnExit = () => lock.release();
  process.once('exit', releaseOnExit);
  return {
    ...lock,
    release: () => {
      lock.release();
      process.off('exit', releaseOnExit);
    },
  };
}

/** What a taken-over lock was, for the header: the operator should know. */
export function describeTakeover(lock: HeldLock): string | undefined {
  const from = lock.tookOverFrom;
  if (!from) return undefined;
  return `Took over the lock of run ${from.runId} (${from.user}, pid ${from.pid} on ${from.host}, since ${from.startedAt}): its process is gone.`;
}
