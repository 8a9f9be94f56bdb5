import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/io.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import type { Terminal } from '../helpers/terminal.js';

const startRollback = (sandbox: Sandbox, stage: string, ...options: string[]): Promise<Terminal> => sandbox.openTerminal(sandbox.args('rollback', stage, ...options));

describe('Ctrl-C during a rollback', () => {
  it('stops the running step and its whole process tree, then asks: retry, skip or abort', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    const terminal = await startRollback(sandbox, '21_01a');

    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    const pids = await sandbox.waitForHang('make');
    expect(pids.every(processAlive)).toBe(true);
    await terminal.press('C-c');
    const asked = await terminal.waitForText('Step 1 "Disable feature flag" was interrupted: what now?');
    expect(asked).toContain('› was interrupted (Ctrl-C); its processes were stopped\n');
    expect(pids.filter(processAlive)).toEqual([]);
    expect(sandbox.stepProcesses()).toEqual([]);

    sandbox.unstub('make', 'hang');
    await terminal.answer('r');
    await terminal.waitForText('Run step 2?');
    await terminal.answer('c');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('d');

    expect(await terminal.waitForExit()).toBe(0);
    const screen = await terminal.screen();
    expect(screen).toContain('Rollback of 21_01a: succeeded after');
    // The notice was drawn under the step, not printed late below the summary.
    expect(screen.slice(screen.indexOf('Rollback of'))).not.toContain('Ctrl-C');
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [1, 'retry'],
      [2, 'continue-all'],
      [3, 'acknowledged'],
    ]);
    expect(
      sandbox
        .journal()
        .events.filter((event) => event.type === 'step-finished' && event.step === 1)
        .map((event) => event.result),
    ).toEqual(['interrupted', 'done']);
  });

  it('a second Ctrl-C (at the question) aborts the rollback with exit 130 and releases the lock', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    const terminal = await startRollback(sandbox, '21_01a');

    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    await sandbox.waitForHang('make');
    await terminal.press('C-c');
    await terminal.waitForText('Step 1 "Disable feature flag" was interrupted: what now?');
    await terminal.press('C-c');

    expect(await terminal.waitForExit()).toBe(130);
    const screen = await terminal.screen();
    expect(screen.slice(screen.indexOf('Rollback of'))).toMatch(/^Rollback of 21_01a: interrupted after .*\n {2}stopped at the question "Step 1 \"Disable feature flag\" was interrupted: what now\?": rollback stopped\n/);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);
    expect(sandbox.stepProcesses()).toEqual([]);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [1, 'abort'],
    ]);
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'interrupted', exitCode: 130 });
  });

  it('a second Ctrl-C while a step is slow to stop aborts the run (130); nothing after it runs', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/slow-to-stop.md'] });
    const terminal = await startRollback(sandbox, '90_slow');

    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    // The step's output line, not the echo command shown before it.
    await terminal.waitForText(/^› draining, ignoring SIGTERM$/m);
    await terminal.press('C-c');
    await terminal.waitForText('⚠ Ctrl-C: stopping this step (press Ctrl-C again to abort the rollback)');
    await terminal.press('C-c');
    await terminal.waitForText('⚠ Ctrl-C again: aborting the rollback');

    expect(await terminal.waitForExit()).toBe(130);
    expect(await terminal.screen()).toMatch(/Rollback of 90_slow: interrupted after .*\n {2}interrupted during step 1 "Drain the queue, ignoring SIGTERM"\n/);
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.stepProcesses()).toEqual([]);
    expect(existsSync(sandbox.lockPath('90_slow'))).toBe(false);
  });

  it('with --yes, Ctrl-C stops the step and the run with exit 130 (nobody to ask)', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'hang');
    const terminal = await startRollback(sandbox, '21_01a', '--yes');

    await sandbox.waitForHang('poetry');
    await terminal.press('C-c');

    expect(await terminal.waitForExit()).toBe(130);
    expect(await terminal.screen()).toMatch(/Rollback of 21_01a: interrupted after .*\n {2}interrupted during step 2 "Validate rollback"\n/);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v']);
    expect(sandbox.stepProcesses()).toEqual([]);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'interrupted', exitCode: 130 });
  });
});

describe('Ctrl-C before the first step', () => {
  it('at the question for a parameter stops with 130, runs nothing and releases the lock', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    const terminal = await startRollback(sandbox, '90_env');

    await terminal.waitForText('Value for <incident-id>');
    expect(existsSync(sandbox.lockPath('90_env'))).toBe(true);
    await terminal.press('C-c');

    expect(await terminal.waitForExit()).toBe(130);
    expect(await terminal.screen()).toContain('runbook: stopped at the question for <incident-id>: nothing was run\n');
    expect(existsSync(sandbox.lockPath('90_env'))).toBe(false);
    expect(sandbox.journals()).toEqual([]);
  });
});
