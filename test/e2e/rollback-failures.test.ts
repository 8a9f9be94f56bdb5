import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/io.js';
import { createSandbox } from '../helpers/sandbox.js';
import { scrub, summaryOf } from '../helpers/scrub.js';

describe('runbook rollback --yes when a step goes wrong', () => {
  it('stops at the first failing step, shows its output and exit code, and exits 1', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));

    expect(summaryOf(result.stdout, sandbox.root)).toBe(`Rollback of 21_01a: failed after <d>
  step 2 "Validate rollback" failed with exit code 3
  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  ✖ 2. Validate rollback     failed  <d>  exit 3
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = false  rolled back
    steps done: 1
    not run: 2. Validate rollback (failed)
  To continue: runbook resume <run-id>
`);
    expect(result.stdout).toContain('› poetry: failing with exit 3\n');
    // listr2 reports the failed step on stderr.
    expect(result.stderr).toBe('✖ 2. Validate rollback [FAILED: step 2 "Validate rollback" failed with exit code 3]\n');
    expect(result.exitCode).toBe(1);
    // errexit: curl, after the failing poetry in the same step, never ran; step 3 was never reached.
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v']);
    const events = sandbox.journal().events;
    expect(events.find((event) => event.type === 'step-finished' && event.step === 2)).toMatchObject({
      result: 'failed',
      exitCode: 3,
      outputTail: ['poetry: failing with exit 3'],
      message: 'failed with exit code 3',
    });
    expect(events.some((event) => event.step === 3)).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', result: 'failed', exitCode: 1, message: 'step 2 "Validate rollback" failed with exit code 3' });
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });

  it('a failing command in a pipeline fails the step (pipefail)', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/pipeline-fails.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_pipe', '--yes'));

    expect(summaryOf(result.stdout, sandbox.root)).toContain('✖ 1. Pipe a failing command  failed  <d>  exit 7\n');
    expect(result.stdout).not.toContain('› after the pipeline');
    expect(result.stderr).toBe('✖ 1. Pipe a failing command [FAILED: step 1 "Pipe a failing command" failed with exit code 7]\n');
    expect(result.exitCode).toBe(1);
  });

  it('kills a step that runs past --step-timeout, with everything it started, and exits 1', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    const started = Date.now();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--step-timeout', '1s'));

    // The stub would sleep for an hour; a generous bound for a busy machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(summaryOf(result.stdout, sandbox.root)).toBe(`Rollback of 21_01a: failed after <d>
  step 1 "Disable feature flag" timed out after <d>; its processes were stopped
  ✖ 1. Disable feature flag  timed-out  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = false  rolled back
    steps done: none
    not run: 1. Disable feature flag (timed-out); 2. Validate rollback (not reached)
  To continue: runbook resume <run-id>
`);
    expect(result.stdout).toContain('› make: started, waiting\n');
    expect(scrub(result.stderr)).toBe('✖ 1. Disable feature flag [FAILED: step 1 "Disable feature flag" timed out after <d>; its processes were stopped]\n');
    expect(result.exitCode).toBe(1);
    const pids = await sandbox.waitForHang('make');
    expect(pids.filter(processAlive)).toEqual([]);
    expect(sandbox.stepProcesses()).toEqual([]);
    expect(sandbox.journal().events.find((event) => event.type === 'step-finished')).toMatchObject({ result: 'timed-out', exitCode: null });
  });

  it('does not run a flag step when the env file is missing, and says which file', async () => {
    const sandbox = createSandbox({ envFile: null });
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));

    expect(result.stdout).toContain('  flag    USE_NEW_DIALOG_CONTEXT_REPO: env file missing (step 1 will fail: it cannot set it) in ~/work/infra/.env.infra\n');
    expect(scrub(result.stdout, sandbox.root)).toContain(
      '  step 1 will fail: env file ~/work/infra/.env.infra (<root>/home/work/infra/.env.infra) does not exist (flag USE_NEW_DIALOG_CONTEXT_REPO); it will be refused before any of it runs\n',
    );
    expect(summaryOf(result.stdout, sandbox.root)).toBe(`Rollback of 21_01a: failed after <d>
  step 1 "Disable feature flag" was not run: env file ~/work/infra/.env.infra (<root>/home/work/infra/.env.infra) does not exist, so it could not set USE_NEW_DIALOG_CONTEXT_REPO; check HOME and the path in the note
  ✖ 1. Disable feature flag  failed  <d>
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO: <root>/home/work/infra/.env.infra does not exist  NOT rolled back (rollback value false)
    steps done: none
    not run: 1. Disable feature flag (failed); 2. Validate rollback (not reached)
  To continue: runbook resume <run-id>
`);
    expect(scrub(result.stderr, sandbox.root)).toBe(
      '✖ 1. Disable feature flag [FAILED: step 1 "Disable feature flag" was not run: env file ~/work/infra/.env.infra (<root>/home/work/infra/.env.infra) does not exist, so it could not set USE_NEW_DIALOG_CONTEXT_REPO; check HOME and the path in the note]\n',
    );
    expect(result.exitCode).toBe(1);
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.readEnvFile()).toBeUndefined();
  });

  it('refuses a flag step whose sed pattern matches no line, before running any of it (X="true")', async () => {
    // sed matches USE_…=true, not USE_…="true": the step would succeed and leave the flag on.
    const sandbox = createSandbox({ envFile: 'USE_NEW_DIALOG_CONTEXT_REPO="true"\n' });
    const dryRun = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run'));
    expect(dryRun.stdout).toContain(
      `step 1 will fail: no line of ~/work/infra/.env.infra matches the step's sed pattern USE_NEW_DIALOG_CONTEXT_REPO=true (the step would change nothing) (flag USE_NEW_DIALOG_CONTEXT_REPO)\n`,
    );
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));

    expect(result.stdout).toContain('  flag    USE_NEW_DIALOG_CONTEXT_REPO: true (step 1 will fail: it cannot set it) in ~/work/infra/.env.infra\n');
    expect(summaryOf(result.stdout, sandbox.root)).toBe(`Rollback of 21_01a: failed after <d>
  step 1 "Disable feature flag" was not run: no line of ~/work/infra/.env.infra matches the step's sed pattern USE_NEW_DIALOG_CONTEXT_REPO=true (the step would change nothing), so it could not set USE_NEW_DIALOG_CONTEXT_REPO; fix the line in the env file or the sed pattern in the note
  ✖ 1. Disable feature flag  failed  <d>
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = true  NOT rolled back (rollback value false)
    steps done: none
    not run: 1. Disable feature flag (failed); 2. Validate rollback (not reached)
  To continue: runbook resume <run-id>
`);
    expect(result.exitCode).toBe(1);
    // Nothing of the step ran: no restart of a service whose flag did not change.
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO="true"\n');
  });

  it('does not wait for a process the step left in the background', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/background-process.md'] });
    const started = Date.now();
    const result = await sandbox.run(sandbox.args('rollback', '90_background', '--yes', '--step-timeout', '25s'));

    // Waiting for the background `sleep 30` would end in the 25 s timeout instead.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(summaryOf(result.stdout, sandbox.root)).toContain('✔ 1. Start a server in the background  done  <d>\n');
    expect(result.stdout).toContain('› server started\n');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
