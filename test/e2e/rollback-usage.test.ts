import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('runbook rollback refuses bad usage before running anything (exit 2)', () => {
  it('refuses at once without a terminal and without --yes: nothing run, no journal, no lock', async () => {
    const sandbox = createSandbox();
    // stdin stays open: had runbook waited for an answer, it would wait until the test times out.
    const result = await sandbox.run(sandbox.args('rollback', '21_01a'), { stdinOpen: true });

    expect(result).toEqual({
      stdout: '',
      stderr: 'runbook: no terminal to confirm steps on: run with --yes to run every step unattended, or --dry-run to only see the plan\n',
      exitCode: 2,
    });
    expect(sandbox.calls()).toEqual([]);
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
  });

  it.each([
    [['--from', '4'], 'runbook: --from 4: this path has 3 steps\n'],
    [['--from', '0'], 'runbook: --from 0: give a step number (1, 2, …)\n'],
    [['--only', 'two'], 'runbook: --only two: give a step number (1, 2, …)\n'],
    [['--from', '2', '--only', '2'], 'runbook: --from and --only cannot be used together: pick one\n'],
    [['--step-timeout', 'soon'], 'runbook: --step-timeout soon: not a duration; write e.g. 90s, 5m, 1m30s or 600 (seconds)\n'],
    [['--step-timeout', '0s'], 'runbook: --step-timeout 0s: must be more than zero\n'],
    [['--step-timeout', '1000h'], 'runbook: --step-timeout 1000h: at most 24d\n'],
    [['--set', 'incident-id=INC-1'], 'runbook: --set incident-id: <root>/runbooks/21_01a_dialog_context_repo.md has no parameter <incident-id> (it takes no parameters)\n'],
    [['--set', 'incident-id'], 'runbook: --set incident-id: write it as --set name=value, e.g. --set incident-id=INC-42\n'],
    [['--cwd', 'no-such-dir'], 'runbook: --cwd no-such-dir: <root>/work/no-such-dir is not a directory: give the folder the steps should run in\n'],
  ])('%j: %s', async (options, message) => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', ...options));

    expect({ ...result, stderr: result.stderr.split(sandbox.root).join('<root>') }).toEqual({ stdout: '', stderr: message, exitCode: 2 });
    expect(sandbox.calls()).toEqual([]);
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });

  it('refuses a --set value that could change the command it is pasted into', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_env', '--yes', '--set', 'incident-id=INC-1;rm -rf ~'));

    expect(result).toEqual({
      stdout: '',
      stderr: 'runbook: parameter incident-id="INC-1;rm -rf ~" has characters that could change the command it is pasted into; use letters, digits and . _ : @ % + = , / -\n',
      exitCode: 2,
    });
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });

  it('with --yes, refuses a missing parameter instead of asking', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_env', '--yes'));

    expect(result).toEqual({ stdout: '', stderr: 'runbook: the steps need <incident-id>: give --set incident-id=VALUE\n', exitCode: 2 });
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });

  it('refuses an unfilled copy of the template, listing every problem', async () => {
    const sandbox = createSandbox({ notes: ['21_01c_unfilled_copy.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '21_01c', '--yes'));

    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^runbook: .*21_01c_unfilled_copy\.md:\d+: template placeholder/);
    expect(result.stderr).toMatch(/cannot run: \d+ problems? \(an unfilled copy of the template\?\); fix the note and try again\n$/);
    expect(result.exitCode).toBe(2);
    expect(sandbox.calls()).toEqual([]);
  });
});
