/**
 * One state folder per runbooks folder (`.runbook` next to it): two operators in different
 * working directories see the same lock and the same runs; `--state-dir` / RUNBOOK_STATE_DIR
 * move it.
 */

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createSandbox } from '../helpers/sandbox.js';

describe('where runs and locks live', () => {
  it('serialises two operators in two folders: the second, one cd away, is refused by the same lock', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    // No RUNBOOK_DIR: each names the folder as they would, relative to where they are.
    const env = { ...sandbox.env, RUNBOOK_DIR: undefined };
    const first = sandbox.start(['rollback', '21_01a', '--yes', '--runbooks', '../runbooks'], { env });
    await sandbox.waitForHang('make');
    expect(existsSync(join(sandbox.root, '.runbook/locks/21_01a.lock'))).toBe(true);

    const elsewhere = join(sandbox.home, 'deep', 'folder');
    mkdirSync(elsewhere, { recursive: true });
    const second = await runCli(['rollback', '21_01a', '--yes', '--no-verify', '--runbooks', '../../../runbooks'], { cwd: elsewhere, env });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/^runbook: stage 21_01a is being rolled back by operator \(pid \d+, run /);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);
    // Nothing of the refused run was written anywhere: not in its own folder either.
    expect(existsSync(join(elsewhere, '.runbook'))).toBe(false);
    expect(existsSync(join(sandbox.home, 'deep', '.runbook'))).toBe(false);

    // Both see the same runs.
    const runs = await runCli(['runs', '--runbooks', '../../../runbooks'], { cwd: elsewhere, env });
    expect(runs.stdout).toContain(`${sandbox.journal().runId}  21_01a`);
    expect(runs.stdout).toContain('running');

    first.child.kill('SIGTERM');
    expect((await first.result).exitCode).toBe(130);
    expect(existsSync(join(sandbox.root, '.runbook/locks/21_01a.lock'))).toBe(false);
  });

  it('a resume from another folder finds the run, and the summary prints the command that does', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const failed = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(failed.exitCode).toBe(1);
    const runId = sandbox.journal().runId;
    // With RUNBOOK_DIR set (as the sandbox's profile does), the bare command works from anywhere.
    expect(failed.stdout).toContain(`  To continue: runbook resume ${runId}\n`);
    sandbox.unstub('poetry', 'exit');
    const resumed = await sandbox.run(['resume', runId, '--yes'], { cwd: sandbox.home });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('Rollback of 21_01a: succeeded after');
  });

  it('--state-dir and RUNBOOK_STATE_DIR put the state elsewhere; the resume hint says so', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const state = join(sandbox.root, 'state');
    const failed = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--state-dir', state));
    expect(failed.exitCode).toBe(1);
    expect(existsSync(join(sandbox.root, '.runbook'))).toBe(false);
    const runId = failed.stdout.match(/ {2}run {5}(\S+)/)![1]!;
    expect(existsSync(join(state, 'runs', `${runId}.jsonl`))).toBe(true);
    expect(failed.stdout).toContain(`  To continue: runbook resume ${runId} --state-dir ${state}\n`);

    const listed = await sandbox.run(['runs'], { env: { RUNBOOK_STATE_DIR: state } });
    expect(listed.stdout).toContain(runId);
  });
});
