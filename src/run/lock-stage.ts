/**
 * The run's hold on its stage (see `journal/lock.ts` for how the lock works): taken before
 * anything is shown or run, so a refusal is the first thing the operator sees; released by
 * `release()` and, failing that, when the process exits.
 */

import { dirname, join } from 'node:path';
import { makeFolder } from '../files/make-folder.js';
import type { Io } from '../io.js';
import { findLeftovers, killLeftovers } from '../execute/leftover-processes.js';
import { acquireLock, releaseOnExit, type HeldLock } from '../journal/lock.js';
import { readJournal } from '../journal/read-journal.js';
import { isRunId } from '../journal/run-id.js';
import { replayRun, type RunState } from '../journal/run-state.js';
import type { StateDirs } from './state-dirs.js';

export function lockStage(io: Io, options: { dirs: StateDirs; runId: string; stage: string; forceUnlock: boolean; resuming: boolean }): HeldLock {
  // A --journal-dir or --state-dir that cannot be a folder stops the run here, before the header.
  makeFolder(options.dirs.runsDir, options.dirs.runsDir === join(dirname(options.dirs.locksDir), 'runs') ? '--state-dir' : '--journal-dir');
  const lock = acquireLock(
    options.dirs.locksDir,
    { pid: io.pid, host: io.host, user: io.user, startedAt: io.now().toISOString(), runId: options.runId, stage: options.stage },
    { forceUnlock: options.forceUnlock, resumeRunId: options.resuming ? options.runId : undefined, processAlive: io.processAlive, thisHost: io.host },
  );
  const undo = releaseOnExit(lock);
  return {
    ...lock,
    release: () => {
      lock.release();
      undo();
    },
  };
}

/**
 * After `--force-unlock` took a dead run's lock: stop the step processes it left running
 * (as `resume` does), so two rollbacks never run side by side. Returns what was stopped.
 */
export async function stopTakenOverRun(lock: HeldLock, dirs: StateDirs): Promise<string[]> {
  const from = lock.tookOverFrom;
  if (!from || !isRunId(from.runId)) return [];
  let state: RunState | undefined;
  try {
    state = replayRun((await readJournal(dirs.runsDir, from.runId)).events);
  } catch {
    return []; // no journal of that run here: nothing recorded to stop
  }
  const stopped: string[] = [];
  for (const [step, group] of state?.unfinishedGroups ?? []) {
    const killed = killLeftovers(findLeftovers(group, from.runId));
    if (killed > 0) stopped.push(`Stopped ${killed} process${killed === 1 ? '' : 'es'} step ${step} of run ${from.runId} left running (process group ${group}).`);
  }
  return stopped;
}

/** What a taken-over lock was, for the header: the operator should know. */
export function describeTakeover(lock: HeldLock): string | undefined {
  const from = lock.tookOverFrom;
  if (!from) return undefined;
  return `Took over the lock of run ${from.runId} (${from.user}, pid ${from.pid} on ${from.host}, since ${from.startedAt}): its process is gone.`;
}
