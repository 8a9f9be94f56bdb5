/**
 * A production environment guards its runs: `--yes` alone is refused (nothing runs, exit 2),
 * `--i-know-this-is-production` lets an unattended run go ahead, and an interactive run asks
 * the operator to type the stage id — typed through a real terminal (tmux).
 */

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { Terminal } from '../helpers/terminal.js';

const REFUSED = 'runbook: --env production is production: --yes alone will not run it; add --i-know-this-is-production, or run interactively and type the stage id\n';
const PROMPT = 'This rolls back PRODUCTION (production). Type the stage id (21_01a) to go on';

/** The 21_01a note with a `production` environment (production because of its name) and a `staging` one. */
function productionSandbox(): Sandbox {
  const sandbox = createSandbox();
  writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments: { production: { description: 'Production' }, staging: {} } }));
  return sandbox;
}

describe('a production environment, unattended', () => {
  it.each([
    ['rollback --yes', ['rollback', '21_01a', '--yes', '--env', 'production']],
    ['rehearse (unattended by default)', ['rehearse', '21_01a', '--env', 'production', '--no-verify']],
  ])('%s is refused with exit 2, and nothing runs or is written', async (_name, [command, ...rest]) => {
    const sandbox = productionSandbox();
    const result = await sandbox.run(sandbox.args(command!, ...rest));
    expect(result).toEqual({ stdout: '', stderr: REFUSED, exitCode: 2 });
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });

  it('runs with --yes --i-know-this-is-production, and journals the environment', async () => {
    const sandbox = productionSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--env', 'production', '--i-know-this-is-production'));
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('\n  env     production (PRODUCTION)\n');
    expect(result.stdout).not.toContain('Type the stage id');
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
    expect(sandbox.journal().events[0]).toMatchObject({ type: 'run-started', environment: 'production', unattended: true });
  });

  it('guards a resume too: --yes alone is refused for a run in production', async () => {
    const sandbox = productionSandbox();
    sandbox.stub('make', 'fail-once', '2');
    const failed = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--env', 'production', '--i-know-this-is-production'));
    expect(failed.exitCode).toBe(1);

    const refused = await sandbox.run(sandbox.args('resume', '21_01a', '--yes'));
    expect(refused).toEqual({ stdout: '', stderr: REFUSED, exitCode: 2 });
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);

    const resumed = await sandbox.run(sandbox.args('resume', '21_01a', '--yes', '--i-know-this-is-production'));
    expect([resumed.exitCode, resumed.stderr]).toEqual([0, '']);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
  });

  it('does not guard an environment that is not production', async () => {
    const sandbox = productionSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--env', 'staging'));
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
  });
});

describe('a production environment, on a terminal', () => {
  const start = (sandbox: Sandbox) => Terminal.start({ args: sandbox.args('rollback', '21_01a', '--env', 'production'), cwd: sandbox.work, env: sandbox.env });

  it('asks for the stage id before the first step; typing it goes on to the steps', async () => {
    const sandbox = productionSandbox();
    const terminal = await start(sandbox);

    const screen = await terminal.waitForText(PROMPT);
    expect(screen).toContain('  env     production (PRODUCTION)\n');
    expect(screen).not.toContain('Run step 1?');
    await terminal.answer('21_01a');
    await terminal.waitForText('Run step 1?');
    // Nothing ran before the id was typed and the step confirmed.
    expect(sandbox.calls()).toEqual([]);
    await terminal.answer('c');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('d');

    expect(await terminal.waitForExit()).toBe(0);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
    expect(sandbox.journal().events[0]).toMatchObject({ type: 'run-started', environment: 'production', unattended: false });
  });

  it.each([
    ['a wrong id', (terminal: Terminal) => terminal.answer('21_01b')],
    ['nothing', (terminal: Terminal) => terminal.press('Enter')],
  ])('aborts with exit 1 when the operator types %s: nothing runs, no journal, the lock is released', async (_name, type) => {
    const sandbox = productionSandbox();
    const terminal = await start(sandbox);

    await terminal.waitForText(PROMPT);
    await type(terminal);

    expect(await terminal.waitForExit()).toBe(1);
    expect(await terminal.screen()).toContain('runbook: production confirmation did not match "21_01a": nothing was run\n');
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
    expect(sandbox.journals()).toEqual([]);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });
});
