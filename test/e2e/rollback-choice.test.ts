/**
 * Choice steps, gates and the optional data rollback in real runs: real bash, fake `make`
 * recording its calls, a real terminal (tmux) for the interactive run. Only the chosen
 * option's commands ever run.
 */

import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const NOTE = 'run-notes/choice-of-restarts.md';

describe('a choice step', () => {
  it('--yes takes the first option and runs only its commands; the data rollback stays off; the journal names the option', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const result = await sandbox.run(sandbox.args('rollback', '90_choice', '--yes'));
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart-systemd']);
    const finished = sandbox.journal().events.filter((event) => event.type === 'step-finished');
    expect(finished.map((event) => [event.step, event.result, event.message])).toEqual([
      [1, 'done', null],
      [2, 'done', 'took a) Option A: systemd; not taken: b) Option B: Docker'],
      [3, 'done', null],
      [4, 'not-selected', 'option b "Option B: Docker" of step 2 not taken'],
      [5, 'not-selected', 'data migration not rolled back: optional, pass --with-data-rollback to run it unattended'],
    ]);
    // The report and the transcript name the option taken and say the data was not rolled back.
    const report = await sandbox.run(['report', '90_choice', '--format', 'md']);
    expect(report.stdout).toContain('| 2 | Restart it | run | done (took a) Option A: systemd; not taken: b) Option B: Docker) |');
    expect(report.stdout).toContain('not-selected (data migration not rolled back: optional, pass --with-data-rollback to run it unattended)');
    const log = await sandbox.run(['log']);
    expect(log.stdout).toContain('took a) Option A: systemd; not taken: b) Option B: Docker');
  });

  it('--choose 2=b picks the other option; --with-data-rollback runs the data rollback too', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const result = await sandbox.run(sandbox.args('rollback', '90_choice', '--yes', '--choose', '2=docker', '--with-data-rollback'));
    expect(result.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart-docker', 'make data-rollback']);
  });

  it('--only a step inside an option runs that step (the choice itself is left out)', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const result = await sandbox.run(sandbox.args('rollback', '90_choice', '--yes', '--only', '4'));
    expect(sandbox.calls()).toEqual(['make restart-docker']);
    // As for any --only: the steps left out make the rollback incomplete.
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('✔ 4. Option B: Docker');
  });

  it('--choose names a step or option that does not exist: a usage error listing the choices, nothing runs', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const result = await sandbox.run(sandbox.args('rollback', '90_choice', '--yes', '--choose', '2=kubernetes'));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--choose 2=kubernetes: step 2 has no option "kubernetes"; 2. Restart it (a) Option A: systemd, b) Option B: Docker)');
    expect(sandbox.calls()).toEqual([]);
  });

  it('the dry run shows the choice, its options and which one a run takes', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const result = await sandbox.run(sandbox.args('rollback', '90_choice', '--dry-run', '--choose', '2=b'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  2. Restart it  [choice, line 18]');
    expect(result.stdout).toContain('   a) Option A: systemd  (not taken)');
    expect(result.stdout).toContain('   b) Option B: Docker  ← taken (--choose)');
    expect(result.stdout).toContain('  5. Rollback Data Migration  [shell, line 40, data rollback: optional, off unless asked]');
    expect(result.stdout).not.toContain('--apply');
    expect(sandbox.calls()).toEqual([]);
  });

  it('on a terminal: the operator picks an option by letter and only its commands run; the data rollback is asked, default no', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_choice'));
    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    const question = await terminal.waitForText('Step 2: which one?');
    expect(question).toContain('[a] Option A: systemd  [b] Option B: Docker  [s] skip all of them  [q] quit');
    await terminal.answer('b');
    await terminal.waitForText('Run step 4?');
    await terminal.answer('y');
    await terminal.waitForText('Step 5 rolls the data migration back: run it?');
    await terminal.answer('n');
    expect(await terminal.waitForExit()).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart-docker']);
    const finished = sandbox.journal().events.filter((event) => event.type === 'step-finished');
    expect(finished.find((event) => event.step === 2)?.message).toBe('took b) Option B: Docker; not taken: a) Option A: systemd');
    expect(finished.find((event) => event.step === 5)?.message).toBe('data migration not rolled back (the operator chose not to)');
  });
});

describe('a gate', () => {
  it('an unattended run stops there as incomplete, saying why; nothing after it runs', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/go-no-go.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_gate', '--yes'));
    expect(result.exitCode).toBe(1);
    expect(result.stderr + result.stdout).toContain('stopped at the gate of step 1 "Compare the versions": Go on only if both versions match.');
    expect(sandbox.calls()).toEqual(['make compare']);
    const finishedRun = sandbox.journal().events.find((event) => event.type === 'run-finished');
    expect(finishedRun?.type === 'run-finished' && finishedRun.result).toBe('incomplete');
    // A resume does not pass over a gate nobody said yes to: it stops there again.
    const resumed = await sandbox.run(sandbox.args('resume', '90_gate', '--yes'));
    expect(resumed.exitCode).toBe(1);
    expect(sandbox.calls()).toEqual(['make compare', 'make compare']);
  });

  it('on a terminal only an explicit "yes" passes it', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/go-no-go.md'] });
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_gate'));
    await terminal.waitForText('Run step 1?');
    await terminal.answer('c');
    const gate = await terminal.waitForText('Gate at step 1');
    expect(gate).toContain('[yes] yes, go on  [n] no, stop here');
    await terminal.answer('y');
    // "y" is not "yes": asked again.
    await terminal.answer('yes');
    expect(await terminal.waitForExit()).toBe(0);
    expect(sandbox.calls()).toEqual(['make compare', 'make restore']);
  });
});

describe('resuming after a choice', () => {
  it('goes on with the option the stopped run took, not the default', async () => {
    const sandbox = createSandbox({ notes: [NOTE] });
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_choice'));
    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    await terminal.waitForText('Step 2: which one?');
    await terminal.answer('b');
    await terminal.waitForText('Run step 4?');
    await terminal.answer('q');
    expect(await terminal.waitForExit()).toBe(1);
    const resumed = await sandbox.run(sandbox.args('resume', '90_choice', '--yes'));
    expect(resumed.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart-docker']);
  });
});
