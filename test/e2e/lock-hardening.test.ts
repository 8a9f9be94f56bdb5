/**
 * Issue #9, "locks and signals": a lock whose pid now belongs to another process is stale,
 * damaged locks never print "by undefined", --force-unlock stops a killed run's leftovers,
 * a full disk leaves no lock, and the lock is released however runbook ends.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/io.js';
import { readProcessInfo } from '../../src/journal/lock.js';
import { startFakeHttp } from '../helpers/fake-http.js';
import { waitFor } from '../helpers/poll.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { fillDisk, mountTmpfs, tmpfsSkipReason } from '../helpers/tmpfs.js';

const RUN = '20261125T031200Z-21_01a-beef';

function writeLock(sandbox: Sandbox, holder: Record<string, unknown>): string {
  const path = sandbox.lockPath('21_01a');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ pid: 1, host: hostname(), user: 'alice', startedAt: '2026-11-25T03:12:00.000Z', runId: RUN, stage: '21_01a', ...holder })}\n`);
  return path;
}

describe('stale locks', () => {
  it('a lock whose pid is alive but unrelated (pid 1 in a container, another start time) is stale, and --force-unlock is not refused', async () => {
    const sandbox = createSandbox();
    writeLock(sandbox, { pid: 1, pidStart: 'another-boot:42' });
    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(refused.stderr).toBe(
      `runbook: stale lock ${sandbox.lockPath('21_01a')}: held by pid 1 (alice, run ${RUN}, since 2026-11-25T03:12:00.000Z), a process that is gone; runbook resume ${RUN} continues that run, or rerun with --force-unlock to take it\n`,
    );
    expect(refused.exitCode).toBe(2);
    const taken = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'));
    expect(taken.stdout.split('\n')[0]).toBe(`Took over the lock of run ${RUN} (alice, pid 1 on ${hostname()}, since 2026-11-25T03:12:00.000Z): its process is gone.`);
    expect(taken.exitCode).toBe(0);
  });

  it('a lock without a start time whose pid was reused (a process started after the lock) is stale', async () => {
    const sandbox = createSandbox();
    const reused = spawn('sleep', ['30']);
    try {
      writeLock(sandbox, { pid: reused.pid, startedAt: new Date(Date.now() - 3_600_000).toISOString() });
      const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
      expect(refused.stderr).toMatch(/^runbook: stale lock .*a process that is gone; runbook resume/);
      expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'))).exitCode).toBe(0);
    } finally {
      reused.kill();
    }
  });

  it('a live holder with its own start time still blocks, even --force-unlock', async () => {
    const sandbox = createSandbox();
    writeLock(sandbox, { pid: process.pid, pidStart: readProcessInfo(process.pid)!.pidStart });
    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'));
    expect(refused.stderr).toMatch(/^runbook: stage 21_01a is being rolled back by alice \(pid \d+, run /);
    expect(refused.exitCode).toBe(2);
  });

  it.each([
    ['pid -1', { pid: -1 }],
    ['pid 0', { pid: 0 }],
    ['missing fields', { user: undefined, startedAt: undefined }],
  ])('a lock with %s never prints "by undefined"', async (_name, holder) => {
    const sandbox = createSandbox();
    writeLock(sandbox, holder);
    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(refused).toEqual({
      stdout: '',
      stderr: `runbook: stale lock ${sandbox.lockPath('21_01a')}: unreadable (damaged, or written by something else); rerun with --force-unlock to take it\n`,
      exitCode: 2,
    });
  });

  it('a lock without runId and a dead pid is NOT taken over without --force-unlock', async () => {
    const sandbox = createSandbox();
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    writeLock(sandbox, { pid: dead.pid, runId: undefined });
    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^runbook: stale lock .*: unreadable/);
    expect(sandbox.calls()).toEqual([]);
  });

  it("--force-unlock after kill -9 stops the dead run's step processes (as resume does)", async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'hang');
    const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes'));
    const leftovers = await sandbox.waitForHang('poetry');
    run.child.kill('SIGKILL');
    await run.result;
    sandbox.unstub('poetry', 'hang');
    expect(leftovers.every(processAlive)).toBe(true);

    const taken = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'));
    expect(taken.stdout).toMatch(/^Stopped 5 processes step 2 of run \S+ left running \(process group \d+\)\.$/m);
    expect(taken.exitCode).toBe(0);
    await waitFor('the leftovers to be gone', () => !leftovers.some(processAlive));
  });
});

describe('the lock on a full disk and on every way out', () => {
  it.skipIf(tmpfsSkipReason)(`a full disk at lock time leaves no empty lock file (${tmpfsSkipReason ?? 'tmpfs'})`, async () => {
    const disk = mountTmpfs('256k');
    const sandbox = createSandbox();
    mkdirSync(join(disk, 'state', 'locks'), { recursive: true });
    fillDisk(disk);
    const full = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--state-dir', join(disk, 'state')));
    expect(full.stderr).toBe(`runbook: cannot take the lock ${join(disk, 'state/locks/21_01a.lock')}: disk full; nothing was run: free space and run again\n`);
    expect(full.exitCode).toBe(74);
    expect(readdirSync(join(disk, 'state', 'locks'))).toEqual([]);
    expect(sandbox.calls()).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s during the Pushgateway push (after run-finished) releases the lock', async (signal) => {
    const pushgateway = await startFakeHttp();
    pushgateway.handler = () => {}; // never answers
    try {
      const sandbox = createSandbox();
      const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes', '--pushgateway', pushgateway.url));
      await waitFor('the push', () => pushgateway.requests.length > 0);
      expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished' });
      expect(existsSync(sandbox.lockPath('21_01a'))).toBe(true);
      run.child.kill(signal);
      expect((await run.result).exitCode).toBe(signal === 'SIGTERM' ? 143 : 129);
      expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
    } finally {
      await pushgateway.close();
    }
  });

  it('SIGHUP at the parameter prompt releases the lock', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_env'));
    await terminal.waitForText('Value for <incident-id>');
    const lock = sandbox.lockPath('90_env');
    const { pid } = JSON.parse(readFileSync(lock, 'utf8')) as { pid: number };
    process.kill(pid, 'SIGHUP');
    expect(await terminal.waitForExit()).toBe(129);
    expect(existsSync(lock)).toBe(false);
  });
});
