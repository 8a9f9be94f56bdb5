import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcessInfo } from '../../src/journal/lock.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { scrub } from '../helpers/scrub.js';

/** A pid that belonged to a process that has ended. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

function writeLock(sandbox: Sandbox, holder: { pid: number; host: string; pidStart?: string }): void {
  const path = sandbox.lockPath('21_01a');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ ...holder, user: 'alice', startedAt: '2026-11-25T03:12:00.000Z', runId: '20261125T031200Z-21_01a-beef', stage: '21_01a' })}\n`);
}

describe('the stage lock', () => {
  it('refuses a second run of the same stage, naming who holds it; released when the first ends', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    const first = sandbox.start(sandbox.args('rollback', '21_01a', '--yes'));
    await sandbox.waitForHang('make');
    const holder = JSON.parse(readFileSync(sandbox.lockPath('21_01a'), 'utf8')) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: first.child.pid, host: hostname(), user: 'operator', stage: '21_01a', runId: sandbox.journal().runId });

    const second = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect({ ...second, stderr: scrub(second.stderr) }).toEqual({
      stdout: '',
      stderr: `runbook: stage 21_01a is being rolled back by operator (pid ${first.child.pid}, run <run-id>, since <time>): wait for it to finish (see runbook runs)\n`,
      exitCode: 2,
    });
    expect(sandbox.journals()).toHaveLength(1);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);

    first.child.kill('SIGTERM');
    expect((await first.result).exitCode).toBe(130);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });

  it('lets exactly one of two runs started together through', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    const runs = [sandbox.start(sandbox.args('rollback', '21_01a', '--yes')), sandbox.start(sandbox.args('rollback', '21_01a', '--yes'))];
    const loser = await Promise.race(runs.map((run) => run.result.then((result) => ({ run, result }))));
    expect(loser.result.exitCode).toBe(2);
    expect(loser.result.stderr).toMatch(/^runbook: stage 21_01a is being rolled back by operator \(pid \d+, /);
    const winner = runs.find((run) => run !== loser.run)!;
    await sandbox.waitForHang('make');
    expect(sandbox.journals()).toHaveLength(1);
    winner.child.kill('SIGTERM');
    expect((await winner.result).exitCode).toBe(130);
  });

  it('reports a stale lock (its process is gone) and takes it with --force-unlock', async () => {
    const sandbox = createSandbox();
    const pid = deadPid();
    writeLock(sandbox, { pid, host: hostname() });

    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(refused).toEqual({
      stdout: '',
      stderr: `runbook: stale lock ${sandbox.lockPath('21_01a')}: held by pid ${pid} (alice, run 20261125T031200Z-21_01a-beef, since 2026-11-25T03:12:00.000Z), a process that is gone; runbook resume 20261125T031200Z-21_01a-beef continues that run, or rerun with --force-unlock to take it\n`,
      exitCode: 2,
    });
    expect(sandbox.calls()).toEqual([]);

    const taken = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'));
    expect(taken.stdout.split('\n')[0]).toBe(`Took over the lock of run 20261125T031200Z-21_01a-beef (alice, pid ${pid} on ${hostname()}, since 2026-11-25T03:12:00.000Z): its process is gone.`);
    expect(taken.stderr).toBe('');
    expect(taken.exitCode).toBe(0);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });

  it('does not take a lock held on another host unless told to with --force-unlock', async () => {
    const sandbox = createSandbox();
    writeLock(sandbox, { pid: process.pid, host: 'bastion-2' });

    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--from', '3'));
    expect(refused).toEqual({
      stdout: '',
      stderr: `runbook: stage 21_01a is being rolled back by alice (pid ${process.pid} on host bastion-2, run 20261125T031200Z-21_01a-beef, since 2026-11-25T03:12:00.000Z): wait for it to finish (see runbook runs); if that host is gone, rerun with --force-unlock\n`,
      exitCode: 2,
    });

    const taken = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--from', '3', '--force-unlock'));
    expect(taken.stdout).toMatch(/^Took over the lock of run 20261125T031200Z-21_01a-beef \(alice, pid \d+ on bastion-2, /);
    expect(taken.exitCode).toBe(1); // --from 3: steps 1 and 2 not run, so the run is incomplete
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });

  it('never takes a lock whose process is alive on this host, even with --force-unlock', async () => {
    const sandbox = createSandbox();
    // The holder's start time says the live pid is the very process that took the lock.
    writeLock(sandbox, { pid: process.pid, host: hostname(), pidStart: readProcessInfo(process.pid)?.pidStart });

    const refused = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'));
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`runbook: stage 21_01a is being rolled back by alice (pid ${process.pid}, run 20261125T031200Z-21_01a-beef, since 2026-11-25T03:12:00.000Z): wait for it to finish (see runbook runs)\n`);
    expect(refused.exitCode).toBe(2);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(true);
  });
});
