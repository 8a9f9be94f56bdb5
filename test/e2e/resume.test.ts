import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/io.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { scrub } from '../helpers/scrub.js';

/** Starts `rollback 21_01a --yes` with poetry hanging, waits for step 2 to hang, and kills runbook with SIGKILL. */
async function killDuringStepTwo(sandbox: Sandbox): Promise<number[]> {
  sandbox.stub('poetry', 'hang');
  const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes'));
  const pids = await sandbox.waitForHang('poetry');
  run.child.kill('SIGKILL');
  expect((await run.result).exitCode).toBe(128 + 9);
  sandbox.unstub('poetry', 'hang');
  return pids;
}

describe('runbook resume', () => {
  it('continues a run killed with SIGKILL mid-step: finished steps are not run again, leftovers are stopped', async () => {
    const sandbox = createSandbox();
    const leftovers = await killDuringStepTwo(sandbox);
    const runId = sandbox.journal().runId;
    expect(leftovers.every(processAlive)).toBe(true);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(true);

    const runs = await sandbox.run(['runs']);
    expect(runs.stdout).toMatch(new RegExp(`^${runId} +21_01a +\\S+ \\S+ +operator +interrupted +1/3 `, 'm'));

    const group = sandbox.journal().events.find((event) => event.type === 'step-process' && event.step === 2)!.pid;
    const result = await sandbox.run(['resume', '21_01a', '--yes']);
    // bash running the step, the poetry stub, its two children and a grandchild.
    expect(scrub(result.stdout, sandbox.root)).toBe(`Took over the lock of run <run-id> (operator, pid ${sandbox.journal().events[0]!.pid} on ${sandbox.journal().events[0]!.host}, since <time>): its process is gone.
Resuming rollback stage 21_01a — Dialog Context Repository
  note    <root>/runbooks/21_01a_dialog_context_repo.md:79
  path    1. If Issues Found Within 1 Hour of Deployment
  steps   1. Disable feature flag [done in an earlier attempt] · 2. Validate rollback · 3. Communicate (manual)
  flag    USE_NEW_DIALOG_CONTEXT_REPO: false → false (step 1) in ~/work/infra/.env.infra
  run     <run-id> (resumed at step 2)
  mode    unattended (--yes): every step runs without asking

Step 2 was running when the run stopped (no result recorded): it runs again.
Stopped 5 processes step 2 left running (process group ${group}).
❯ 1. Disable feature flag
↓ 1. Disable feature flag [SKIPPED: done in an earlier attempt]
❯ 2. Validate rollback
› $ poetry run pytest tests/smoke/ -v
› $ curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus
› poetry run pytest tests/smoke/ -v: ok
› curl -s http://127.0.0.1:9090/api/v1/targets: ok
✔ 2. Validate rollback [<d>]
❯ 3. Communicate (manual)
↓ 3. Communicate (manual) [SKIPPED: needs a person: Post to #ops-shared; Update incident log; Schedule post-mortem]

Rollback of 21_01a: succeeded after <d>
  recovery not verified (--no-verify): check Prometheus by hand, or run runbook verify
  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  ✔ 2. Validate rollback     done  <d>
  ! 3. Communicate           needs a person: Post to #ops-shared; Update incident log; Schedule post-mortem
  1 manual step still needs a person.
  journal <root>/.runbook/runs/<run-id>.jsonl
`);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
    expect(leftovers.filter(processAlive)).toEqual([]);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);

    // One journal, continued: the lost attempt is recorded as interrupted.
    const journal = sandbox.journal();
    expect(journal.runId).toBe(runId);
    const types = journal.events.map((event) => `${event.type}${event.step ? ` ${event.step}` : ''}${event.result ? ` ${event.result}` : ''}`);
    expect(types.slice(types.indexOf('run-resumed'))).toEqual([
      'run-resumed',
      'step-finished 2 interrupted',
      'step-decision 2',
      'step-started 2',
      'step-process 2',
      'step-finished 2 done',
      'step-started 3',
      'step-decision 3',
      'step-finished 3 needs-person',
      'verification',
      'run-finished succeeded',
    ]);
    expect((await sandbox.run(['runs'])).stdout).toMatch(new RegExp(`^${runId} .* succeeded +2/3 `, 'm'));
  });

  it('refuses when the Rollback Procedure changed since the run started', async () => {
    const sandbox = createSandbox();
    await killDuringStepTwo(sandbox);
    const note = join(sandbox.runbooks, '21_01a_dialog_context_repo.md');
    writeFileSync(note, readFileSync(note, 'utf8').replace('make day-12-restart-butler', 'make day-12-restart-butler-v2'));

    const result = await sandbox.run(['resume', '21_01a', '--yes']);
    expect(result).toEqual({
      stdout: '',
      stderr: `runbook: the Rollback Procedure in ${note} changed since run ${sandbox.journal().runId} started, so its steps may no longer be the ones that ran: start a new run (runbook rollback 21_01a --from N)\n`,
      exitCode: 2,
    });
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v']);
  });

  it('continues a failed run at the failed step, by run id', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(1);
    sandbox.unstub('poetry', 'exit');

    const result = await sandbox.run(['resume', sandbox.journal().runId, '--yes']);
    expect(result.stdout).toContain('  run     ' + sandbox.journal().runId + ' (resumed at step 2)\n');
    expect(result.stdout).toContain('Rollback of 21_01a: succeeded after');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sandbox.calls().filter((call) => call.startsWith('make'))).toEqual(['make day-12-restart-butler']);
  });

  it('leaves out the steps the run left out with --from', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--from', '2'))).exitCode).toBe(1);
    sandbox.unstub('poetry', 'exit');

    const result = await sandbox.run(['resume', '21_01a', '--yes']);
    expect(result.stdout).toContain('  steps   1. Disable feature flag [not part of this run] · 2. Validate rollback · 3. Communicate (manual)\n');
    expect(result.stdout).toContain('  · 1. Disable feature flag  not run (--from 2)\n');
    // Step 1 never ran, in either attempt: the flag is still on, so the run is incomplete.
    expect(result.stdout).toContain('Rollback of 21_01a: INCOMPLETE after');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(1);
    expect(sandbox.calls().some((call) => call.startsWith('make'))).toBe(false);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
  });

  it('says there is nothing to resume after a run that succeeded', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(0);

    const result = await sandbox.run(['resume', '21_01a', '--yes']);
    expect(scrub(result.stdout)).toBe('Nothing to resume: run <run-id> of stage 21_01a succeeded at <time>.\n');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('refuses a run that is still running', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'hang');
    const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes'));
    await sandbox.waitForHang('make');

    const result = await sandbox.run(['resume', '21_01a', '--yes']);
    expect(result).toEqual({
      stdout: '',
      stderr: `runbook: run ${sandbox.journal().runId} is still running (pid ${run.child.pid}): wait for it, or stop it first\n`,
      exitCode: 2,
    });
    run.child.kill('SIGTERM');
    expect((await run.result).exitCode).toBe(130);
  });

  it('asks again for a secret parameter, which the journal does not hold', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/secrets-in-step.md'], env: { DEPLOY_KEY: 'dk-9876543210' } });
    sandbox.stub('curl', 'exit', '6');
    expect((await sandbox.run(sandbox.args('rollback', '90_secrets', '--yes', '--set', 'api-key=sk-live-0123456789'))).exitCode).toBe(1);
    sandbox.unstub('curl', 'exit');

    const refused = await sandbox.run(['resume', '90_secrets', '--yes']);
    expect(refused).toEqual({ stdout: '', stderr: 'runbook: the steps need <api-key>: give --set api-key=VALUE\n', exitCode: 2 });

    const resumed = await sandbox.run(['resume', '90_secrets', '--yes', '--set', 'api-key=sk-live-0123456789']);
    expect(resumed.stdout).toContain("› password=*** DB_PASSWORD='***' key=***\n");
    expect(resumed.stdout).not.toContain('sk-live-0123456789');
    expect(resumed.exitCode).toBe(0);
  });

  it('refuses what is not a run', async () => {
    const sandbox = createSandbox();
    expect(await sandbox.run(['resume', '21_01a', '--yes'])).toEqual({
      stdout: '',
      stderr: `runbook: no runs of stage 21_01a in ${sandbox.runsDir}: nothing to resume\n`,
      exitCode: 2,
    });
    expect(await sandbox.run(['resume', '../etc', '--yes'])).toEqual({
      stdout: '',
      stderr: 'runbook: "../etc" is neither a run id nor a stage id: see runbook runs\n',
      exitCode: 2,
    });
  });
});
