import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';
import { summaryOf } from '../helpers/scrub.js';

describe('runbook rollback: what a step sees, and which steps run', () => {
  it('gives each step RUNBOOK_STAGE, RUNBOOK_STEP, RUNBOOK_RUN_ID and the parameters; ~ and $HOME are the HOME', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    writeFileSync(join(sandbox.home, 'marker.txt'), 'home marker\n');
    const result = await sandbox.run(sandbox.args('rollback', '90_env', '--yes', '--set', 'incident-id=INC-42'));

    const runId = sandbox.journal().runId;
    expect(result.stdout).toContain([`› stage=90_env step=1 run=${runId}`, '› incident=INC-42 env=INC-42', `› cwd=${sandbox.work}`, '› home marker', '› home marker', '✔ 1. Show where the step runs'].join('\n'));
    expect(result.stdout).toContain('› step=2\n');
    expect(result.stdout).toContain('  param   incident-id=INC-42\n');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sandbox.journal().events[0]).toMatchObject({ parameters: { 'incident-id': 'INC-42' } });
  });

  it('runs the steps in --cwd, resolved from the current directory, and records it', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    mkdirSync(join(sandbox.work, 'checkout'));
    writeFileSync(join(sandbox.home, 'marker.txt'), 'home marker\n');
    const result = await sandbox.run(sandbox.args('rollback', '90_env', '--yes', '--set', 'incident-id=INC-1', '--cwd', 'checkout'));

    expect(result.stdout).toContain(`› cwd=${sandbox.work}/checkout\n`);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    // The journal stays in the directory runbook was started in; it records the absolute step directory.
    expect(sandbox.journal().events[0]).toMatchObject({ cwd: join(sandbox.work, 'checkout') });
  });

  it('--from 2 starts at step 2, records step 1 as not selected, and reports the run incomplete (exit 1)', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--from', '2'));

    expect(result.stdout).toContain('  steps   1. Disable feature flag [not run (--from 2)] · 2. Validate rollback · 3. Communicate (manual)\n');
    expect(summaryOf(result.stdout, sandbox.root)).toBe(`Rollback of 21_01a: INCOMPLETE after <d>
  the rollback is not complete: step not run: 1 (--from 2); flag unchanged: USE_NEW_DIALOG_CONTEXT_REPO is true (rollback value false)
  · 1. Disable feature flag  not run (--from 2)
  ✔ 2. Validate rollback     done  <d>
  ! 3. Communicate           needs a person: Post to #ops-shared; Update incident log; Schedule post-mortem
  1 manual step still needs a person.
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = true  NOT rolled back (rollback value false)
    steps done: 2
    not run: 1. Disable feature flag (--from 2)
  To continue: runbook resume <run-id>
`);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'incomplete', exitCode: 1 });
    expect(sandbox.calls()).toEqual(['poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
    expect(sandbox.journal().events.find((event) => event.step === 1 && event.type === 'step-finished')).toMatchObject({ result: 'not-selected', message: 'not run (--from 2)' });
  });

  it('--only 1 runs step 1 alone; step 2 not run makes the run incomplete', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--only', '1'));

    expect(result.stdout).toContain('↓ 2. Validate rollback [SKIPPED: not run (--only 1)]\n');
    expect(result.stdout).toContain('↓ 3. Communicate (manual) [SKIPPED: not run (--only 1)]\n');
    expect(result.stdout).toContain('    not run: 2. Validate rollback (--only 1)\n');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
  });

  it('writes plain lines without colour when there is no terminal, unless FORCE_COLOR asks for colour', async () => {
    const sandbox = createSandbox();
    const plain = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'), { env: { NO_COLOR: undefined } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect(plain.stdout).toContain('✔ 1. Disable feature flag');
    expect(plain.stderr).toBe('');
    expect(plain.exitCode).toBe(0);

    const coloured = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'), { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toMatch(/\u001b\[1mRolling back stage 21_01a/);
    expect(coloured.stderr).toBe('');
    expect(coloured.exitCode).toBe(0);
  });
});
