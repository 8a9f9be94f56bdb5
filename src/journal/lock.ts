/**
 * One rollback of a stage at a time: `<locks dir>/<stage>.lock`, holding who holds it.
 *
 * Created whole or not at all: the holder is written to a temp file that is then hard-linked
 * to the lock's name (atomic, fails if it exists), so a full disk never leaves an empty lock
 * (issue #9). The holder records its process's start time (`/proc/<pid>/stat`, with the boot
 * id), so a lock whose pid now belongs to another process — pid reuse, pid 1 in a new
 * container — is known to be stale. A stale lock is taken back by a resume of the same run;
 * anyone else needs --force-unlock.
 */

import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalError, UsageError } from '../errors.js';
import { makeFolder } from '../files/make-folder.js';
import { readRegularFileSync } from '../files/read-file-safely.js';
import { HANDLES_SIGNAL } from '../io.js';

export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  startedAt: string;
  runId: string;
  stage: string;
  /** `<boot id>:<start time in clock ticks>` of the holding process: tells it apart from a later one with the same pid. */
  pidStart?: string;
}

export interface HeldLock {
  path: string;
  holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call more than once and from an exit handler. */
  release(): void;
  /** Set when a stale lock was taken over: whose it was. */
  tookOverFrom?: LockHolder;
}

/** What /proc says about a live process: its identity and when it started. */
export interface ProcessInfo {
  pidStart: string;
  startedAt: Date;
}

export interface LockOptions {
  forceUnlock: boolean;
  /** A resume may take over the stale lock of its own run. */
  resumeRunId?: string;
  processAlive(pid: number): boolean;
  /** Defaults to reading /proc; undefined when it cannot be known (not Linux). */
  processInfo?(pid: number): ProcessInfo | undefined;
  thisHost: string;
}

const MAX_LOCK_BYTES = 64 * 1024;

/** A lock written by a process that started this much after the lock says it did is not that process. */
const CLOCK_SLACK_MS = 5_000;

export function acquireLock(locksDir: string, holder: LockHolder, options: LockOptions): HeldLock {
  makeFolder(locksDir, 'the locks folder');
  const path = join(locksDir, `${holder.stage}.lock`);
  const info = options.processInfo ?? readProcessInfo;
  const mine: LockHolder = { ...holder, pidStart: holder.pidStart ?? info(holder.pid)?.pidStart };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWhole(path, content, mine.pid)) return held(path, mine);
    const current = readHolder(path);
    if (current === 'gone') continue; // released between our two calls: try again
    const holderState = current === undefined ? 'unreadable' : current.host !== options.thisHost ? 'elsewhere' : isRunning(current, options, info) ? 'running' : 'stale';
    if (holderState === 'running') throw new UsageError(`${describeHolder(current!, mine.stage, options.thisHost)}: wait for it to finish (see runbook runs)`);
    if (holderState === 'elsewhere' && !options.forceUnlock) {
      throw new UsageError(`${describeHolder(current!, mine.stage, options.thisHost)}: wait for it to finish (see runbook runs); if that host is gone, rerun with --force-unlock`);
    }
    // Only a resume of the very run that held it takes a stale lock back by itself.
    const ownRun = current !== undefined && options.resumeRunId !== undefined && current.runId === options.resumeRunId;
    if (!ownRun && !options.forceUnlock) {
      const resumeHint = current ? `runbook resume ${current.runId} continues that run, or ` : '';
      const who = current ? `held by pid ${current.pid} (${current.user}, run ${current.runId}, since ${current.startedAt}), a process that is gone` : 'unreadable (damaged, or written by something else)';
      throw new UsageError(`stale lock ${path}: ${who}; ${resumeHint}rerun with --force-unlock to take it`);
    }
    // Take it over: replace the file in one rename so no one sees it half written.
    const temporary = `${path}.${mine.pid}.tmp`;
    try {
      removeQuietly(temporary);
      writeFileSync(temporary, content, { flag: 'wx' });
      renameSync(temporary, path);
    } catch (error) {
      removeQuietly(temporary);
      throw lockError(path, error);
    }
    const lock = held(path, mine);
    if (current) lock.tookOverFrom = current;
    return lock;
  }
  throw new UsageError(`could not create ${path}: it keeps changing; another runbook is starting? try again`);
}

/** Writes the lock whole under a temp name, then links it into place: false when a lock exists. */
function createWhole(path: string, content: string, pid: number): boolean {
  const temporary = `${path}.${pid}.new`;
  try {
    // Never through a link someone left at the temp name: remove it (not its target), then create.
    removeQuietly(temporary);
    writeFileSync(temporary, content, { flag: 'wx' });
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockError(path, error);
  } finally {
    removeQuietly(temporary);
  }
}

/**
 * Whether the holder's process is the one that wrote the lock and still runs. A pid that is
 * alive may be someone else's now: its start time says so (or, for a lock without one, a
 * process that started after the lock was taken).
 */
function isRunning(current: LockHolder, options: LockOptions, info: (pid: number) => ProcessInfo | undefined): boolean {
  if (!options.processAlive(current.pid)) return false;
  const now = info(current.pid);
  if (!now) return true; // nothing more to know: alive is alive
  if (current.pidStart !== undefined) return current.pidStart === now.pidStart;
  return now.startedAt.getTime() <= Date.parse(current.startedAt) + CLOCK_SLACK_MS;
}

/** When the holder may still be running: refuse, naming it. */
function describeHolder(current: LockHolder, stage: string, thisHost: string): string {
  const where = current.host === thisHost ? `pid ${current.pid}` : `pid ${current.pid} on host ${current.host}`;
  return `stage ${stage} is being rolled back by ${current.user} (${where}, run ${current.runId}, since ${current.startedAt})`;
}

/** The lock's holder; undefined for a file that is not a whole, valid holder (no "by undefined"). */
function readHolder(path: string): LockHolder | undefined | 'gone' {
  let text: string;
  try {
    // A lock is a few hundred bytes: a planted link to /dev/zero or a FIFO is damage, not a holder.
    text = readRegularFileSync(path, MAX_LOCK_BYTES).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return undefined;
  }
  let parsed: Partial<LockHolder> | null;
  try {
    parsed = JSON.parse(text) as Partial<LockHolder> | null;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { pid, host, user, startedAt, runId, stage } = parsed;
  // pid 0 and -1 mean "every process" to kill(2): never a holder.
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (![host, user, startedAt, runId, stage].every((field) => typeof field === 'string' && field !== '')) return undefined;
  return parsed as LockHolder;
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
      if (current && current !== 'gone' && current.pid === holder.pid && current.runId === holder.runId) removeQuietly(path);
    },
  };
}

/**
 * Releases the lock however the process ends: a normal exit, or SIGTERM/SIGHUP/SIGINT while
 * nothing else handles them (after the steps, during a Pushgateway push, at a prompt) — then
 * the signal is raised again, so the exit code still says which. Returns the undo.
 */
export function releaseOnExit(lock: HeldLock): () => void {
  const onExit = () => lock.release();
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  const handlers = signals.map((signal) => {
    const handler = () => {
      // The step runner or the recovery check handles it and decides how the run ends.
      if (process.listeners(signal).some((listener) => HANDLES_SIGNAL in listener)) return;
      lock.release();
      undo();
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  process.once('exit', onExit);
  const undo = () => {
    process.off('exit', onExit);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  return undo;
}

/** Linux: `/proc/<pid>/stat` field 22 (start time in clock ticks since boot), with the boot id. */
export function readProcessInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return undefined;
    // USER_HZ is 100 on every Linux architecture runbook runs on.
    return { pidStart: `${bootId}:${ticks}`, startedAt: new Date((btime + ticks / 100) * 1000) };
  } catch {
    return undefined;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function lockError(path: string, error: unknown): JournalError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk full' : (error as Error).message;
  return new JournalError(`cannot take the lock ${path}: ${reason}; nothing was run: free space and run again`, { cause: error });
}
