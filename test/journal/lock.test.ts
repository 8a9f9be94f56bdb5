import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { acquireLock, type LockHolder, type LockOptions } from '../../src/journal/lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const holder = (pid: number, runId = `20261125T03000${pid % 10}Z-21_01a-000${pid % 10}`, host = 'bastion'): LockHolder => ({
  pid,
  host,
  user: `user${pid}`,
  startedAt: '2026-11-25T03:00:00.000Z',
  runId,
  stage: '21_01a',
});
const options = (alive: number[], extra: Partial<LockOptions> = {}): LockOptions => ({ forceUnlock: false, processAlive: (pid) => alive.includes(pid), thisHost: 'bastion', ...extra });
const lockFile = () => join(dir, '21_01a.lock');

describe('acquireLock', () => {
  it('creates <stage>.lock holding who holds it, and release removes it', () => {
    const lock = acquireLock(dir, holder(1), options([1]));
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toEqual(holder(1));
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    lock.release(); // twice is fine
  });

  it('refuses while the holder is alive, naming it', () => {
    acquireLock(dir, holder(1), options([1]));
    expect(() => acquireLock(dir, holder(2), options([1, 2]))).toThrow(
      new UsageError('stage 21_01a is being rolled back by user1 (pid 1, run 20261125T030001Z-21_01a-0001, since 2026-11-25T03:00:00.000Z): wait for it to finish (see runbook runs)'),
    );
  });

  it('reports a stale lock (holder gone on this host) and takes it only with forceUnlock', () => {
    acquireLock(dir, holder(1), options([1]));
    expect(() => acquireLock(dir, holder(2), options([2]))).toThrow(/^stale lock .*21_01a\.lock: held by pid 1 \(user1, .*a process that is gone; runbook resume 20261125T030001Z-21_01a-0001 continues that run, or rerun with --force-unlock to take it$/);
    const lock = acquireLock(dir, holder(2), options([2], { forceUnlock: true }));
    expect(lock.tookOverFrom).toEqual(holder(1));
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toEqual(holder(2));
  });

  it('lets a resume of the same run take its own stale lock without forceUnlock', () => {
    acquireLock(dir, holder(1, '20261125T030000Z-21_01a-aaaa'), options([1]));
    const lock = acquireLock(dir, holder(2, '20261125T030000Z-21_01a-aaaa'), options([2], { resumeRunId: '20261125T030000Z-21_01a-aaaa' }));
    expect(lock.tookOverFrom?.pid).toBe(1);
  });

  it('never takes a lock whose holder is alive on this host, even with forceUnlock', () => {
    acquireLock(dir, holder(1), options([1]));
    expect(() => acquireLock(dir, holder(2), options([1, 2], { forceUnlock: true }))).toThrow(/is being rolled back by user1/);
  });

  it('refuses a lock held on another host (its process cannot be checked), unless forceUnlock', () => {
    acquireLock(dir, holder(1, undefined, 'bastion-2'), options([], { thisHost: 'bastion-2' }));
    expect(() => acquireLock(dir, holder(2), options([]))).toThrow(/\(pid 1 on host bastion-2, .*; if that host is gone, rerun with --force-unlock$/);
    expect(acquireLock(dir, holder(2), options([], { forceUnlock: true })).tookOverFrom?.host).toBe('bastion-2');
  });

  it('treats an unreadable lock file as stale', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockFile(), '');
    expect(() => acquireLock(dir, holder(2), options([2]))).toThrow(/: unreadable; rerun with --force-unlock to take it$/);
    expect(acquireLock(dir, holder(2), options([2], { forceUnlock: true })).tookOverFrom).toBeUndefined();
  });

  it('release leaves a lock that someone else took over since', () => {
    const first = acquireLock(dir, holder(1), options([1]));
    acquireLock(dir, holder(2), options([2], { forceUnlock: true }));
    first.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toEqual(holder(2));
  });
});
