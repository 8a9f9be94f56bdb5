/**
 * One rollback of a stage at a time: `<locks dir>/<stage>.lock`, created atomically
 * (O_EXCL), holding who holds it. A lock whose process is gone on this host is stale: the
 * same run takes it back on resume; anyone else needs --force-unlock.
 */

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  startedAt: string;
  runId: string;
  stage: string;
}

export interface HeldLock {
  path: string;
  holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call more than once and from an exit handler. */
  release(): void;
  /** Set when a stale lock was taken over: whose it was. */
  tookOverFrom?: LockHolder;
}

export interface LockOptions {
  forceUnlock: boolean;
  /** A resume may take over the stale lock of its own run. */
  resumeRunId?: string;
  processAlive(pid: number): boolean;
  thisHost: string;
}

export function acquireLock(locksDir: string, holder: LockHolder, options: LockOptions): HeldLock {
  mkdirSync(locksDir, { recursive: true });
  const path = join(locksDir, `${holder.stage}.lock`);
  const content = `${JSON.stringify(holder)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, content);
      closeSync(fd);
      return held(path, holder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readHolder(path);
    if (current === 'gone') continue; // released between our two calls: try again
    const stale = current === undefined || (current.host === options.thisHost && !options.processAlive(current.pid));
    // Another host's process cannot be checked from here: the operator vouches with --force-unlock.
    const otherHost = current !== undefined && current.host !== options.thisHost;
    if (!stale && !(otherHost && options.forceUnlock)) {
      throw new UsageError(`${describeHolder(current!, holder.stage, options.thisHost)}: wait for it to finish (see runbook runs)${otherHost ? '; if that host is gone, rerun with --force-unlock' : ''}`);
    }
    if (current === undefined || current.runId !== options.resumeRunId) {
      if (!options.forceUnlock) {
        const resumeHint = current ? `runbook resume ${current.runId} continues that run, or ` : '';
        throw new UsageError(`stale lock ${path}: ${current ? `held by pid ${current.pid} (${current.user}, run ${current.runId}, since ${current.startedAt}), a process that is gone` : 'unreadable'}; ${resumeHint}rerun with --force-unlock to take it`);
      }
    }
    // Take it over: replace the file in one rename so no one sees it half written.
    const temporary = `${path}.${holder.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
    const lock = held(path, holder);
    if (current) lock.tookOverFrom = current;
    return lock;
  }
  throw new UsageError(`could not create ${path}: it keeps changing; another runbook is starting? try again`);
}

/** When the holder may still be running: refuse, naming it. */
function describeHolder(current: LockHolder, stage: string, thisHost: string): string {
  const where = current.host === thisHost ? `pid ${current.pid}` : `pid ${current.pid} on host ${current.host}`;
  return `stage ${stage} is being rolled back by ${current.user} (${where}, run ${current.runId}, since ${current.startedAt})`;
}

function readHolder(path: string): LockHolder | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined; // crashed between creating and writing it
  }
}

function held(path: string, holder: LockHolder): HeldLock {
  let released = false;
  return {
    path,
    holder,
    release() {
      if (released) return;
      released = true;
      const current = readHolder(path);
      if (current && current !== 'gone' && current.pid === holder.pid && current.runId === holder.runId) {
        try {
          unlinkSync(path);
        } catch {
          // already removed
        }
      }
    },
  };
}
