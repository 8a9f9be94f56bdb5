import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
// processInfo: nothing known beyond "alive" unless a test says so.
const options = (alive: number[], extra: Partial<LockOptions> = {}): LockOptions => ({
  forceUnlock: false,
  processAlive: (pid) => alive.includes(pid),
  processInfo: () => undefined,
  thisHost: 'bastion',
  ...extra,
});
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
    expect(() => acquireLock(dir, holder(2), options([2]))).toThrow(
      /^stale lock .*21_01a\.lock: held by pid 1 \(user1, .*a process that is gone; runbook resume 20261125T030001Z-21_01a-0001 continues that run, or rerun with --force-unlock to take it$/,
    );
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
    expect(() => acquireLock(dir, holder(2), options([2]))).toThrow(/: unreadable \(damaged, or written by something else\); rerun with --force-unlock to take it$/);
    expect(acquireLock(dir, holder(2), options([2], { forceUnlock: true })).tookOverFrom).toBeUndefined();
  });

  it('release leaves a lock that someone else took over since', () => {
    const first = acquireLock(dir, holder(1), options([1]));
    acquireLock(dir, holder(2), options([2], { forceUnlock: true }));
    first.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toEqual(holder(2));
  });

  it('a lock whose pid is alive but unrelated (pid reuse): another start time means stale, and --force-unlock is not refused', () => {
    const started = (pidStart: string) => () => ({ pidStart, startedAt: new Date('2026-11-25T02:59:59Z') });
    acquireLock(dir, holder(1), options([1], { processInfo: started('boot-a:100') }));
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: 1, pidStart: 'boot-a:100' });
    const reused = options([1, 2], { processInfo: started('boot-a:999') });
    expect(() => acquireLock(dir, holder(2), reused)).toThrow(/^stale lock .*held by pid 1 .*a process that is gone; runbook resume/);
    expect(acquireLock(dir, holder(2), { ...reused, forceUnlock: true }).tookOverFrom?.pid).toBe(1);
  });

  it('pid 1 in a container: a lock without a start time, its pid now a process that started after the lock, is stale', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockFile(), JSON.stringify(holder(1)));
    const later = options([1, 2], { processInfo: () => ({ pidStart: 'b:1', startedAt: new Date('2026-11-26T00:00:00Z') }) });
    expect(() => acquireLock(dir, holder(2), later)).toThrow(/^stale lock /);
    const earlier = options([1, 2], { processInfo: () => ({ pidStart: 'b:1', startedAt: new Date('2026-11-24T00:00:00Z') }) });
    expect(() => acquireLock(dir, holder(2), earlier)).toThrow(/is being rolled back by user1/);
  });

  it.each([
    ['pid -1', { pid: -1 }],
    ['pid 0', { pid: 0 }],
    ['no user', { user: undefined }],
    ['no runId', { runId: undefined }],
    ['null', null],
  ])('a lock with %s never prints "by undefined": it is damaged, taken only with --force-unlock', (_name, change) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockFile(), JSON.stringify(change === null ? null : { ...holder(1), ...change }));
    const error = (() => {
      try {
        acquireLock(dir, holder(2), options([-1, 0, 1, 2]));
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/^stale lock .*: unreadable \(damaged, or written by something else\); rerun with --force-unlock to take it$/);
    expect(error?.message).not.toContain('undefined');
    expect(acquireLock(dir, holder(2), options([2], { forceUnlock: true })).holder.pid).toBe(2);
  });

  it('a lock without runId and a dead pid is not taken over without --force-unlock, not even by a resume', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(lockFile(), JSON.stringify({ ...holder(1), runId: undefined }));
    expect(() => acquireLock(dir, holder(2), options([2]))).toThrow(/^stale lock /);
    expect(() => acquireLock(dir, holder(2), options([2], { resumeRunId: holder(2).runId }))).toThrow(/^stale lock /);
  });

  it('takes the lock whole or not at all: no temp files left beside it', () => {
    acquireLock(dir, holder(1), options([1])).release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a symlink planted at the lock's temp names is removed, never written through", () => {
    mkdirSync(dir, { recursive: true });
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, `${lockFile()}.2.new`);
    symlinkSync(victim, `${lockFile()}.2.tmp`);
    acquireLock(dir, holder(2), options([2])).release();
    writeFileSync(lockFile(), '');
    acquireLock(dir, holder(2), options([2], { forceUnlock: true }));
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it.each([
    ['a symlink to /dev/zero', () => symlinkSync('/dev/zero', lockFile())],
    ['a FIFO', () => execFileSync('mkfifo', [lockFile()])],
  ])('a lock that is %s is damage: never read forever, never blocks, taken only with forceUnlock', (_name, plant) => {
    mkdirSync(dir, { recursive: true });
    plant();
    expect(() => acquireLock(dir, holder(2), options([2]))).toThrow(/: unreadable \(damaged, or written by something else\)/);
    expect(acquireLock(dir, holder(2), options([2], { forceUnlock: true })).holder.pid).toBe(2);
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: 2 });
  });
});
