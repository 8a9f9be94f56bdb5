/**
 * A resume continues the same run with the same options: each option the run was started with
 * is journalled in `run-started` and applied again, and one given again on resume overrides it
 * and is journalled in `run-resumed`. (runCli directly: the sandbox's own helpers would add
 * --no-verify to every resume.)
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';

const cli = (sandbox: Sandbox, args: string[]) => runCli(args, { cwd: sandbox.work, env: sandbox.env, timeoutMs: 30_000 });

describe('resume takes over the run’s options', () => {
  it('--no-verify, --metrics-file and --step-timeout', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'hang');
    const metrics = join(sandbox.root, 'metrics', 'runbook.prom');
    mkdirSync(join(sandbox.root, 'metrics'));
    const first = await cli(sandbox, ['rollback', '21_01a', '--yes', '--no-verify', '--metrics-file', '../metrics/runbook.prom', '--step-timeout', '1s']);
    expect(first.exitCode).toBe(1);
    const runId = sandbox.journal().runId;
    expect(sandbox.journal().events[0]).toMatchObject({ type: 'run-started', options: { verify: false, metricsFile: metrics, stepTimeout: '1s', runbooks: sandbox.runbooks } });

    // Still hanging: the resume stops it after the run's 1s, not the default 10m.
    const started = Date.now();
    const second = await cli(sandbox, ['resume', runId, '--yes']);
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toContain('step 2 "Validate rollback" timed out after 1s');
    expect(Date.now() - started).toBeLessThan(20_000);

    sandbox.unstub('poetry', 'hang');
    const third = await cli(sandbox, ['resume', runId, '--yes']);
    // --no-verify held: no recovery check against a Prometheus that is not there (which would be exit 3).
    expect(third.exitCode).toBe(0);
    expect(third.stdout).toContain('recovery not verified (--no-verify)');
    expect(existsSync(metrics)).toBe(true);
    expect(readFileSync(metrics, 'utf8')).toContain('runbook_');
  });

  it('the recovery check: --prometheus-url, --recovery-timeout, --stable, --no-data, --job, --target-label; an option given again overrides and is journalled', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const options = ['--prometheus-url', 'http://127.0.0.1:9', '--recovery-timeout', '1s', '--stable', '3', '--no-data', 'fail', '--job', 'butler', '--target-label', 'env=staging'];
    expect((await cli(sandbox, ['rollback', '21_01a', '--yes', ...options])).exitCode).toBe(1);
    const runId = sandbox.journal().runId;
    expect(sandbox.journal().events[0]).toMatchObject({
      options: { prometheusUrl: 'http://127.0.0.1:9', recoveryTimeout: '1s', stable: '3', data: 'fail', job: ['butler'], targetLabel: ['env=staging'] },
    });

    sandbox.unstub('poetry', 'exit');
    const resumed = await cli(sandbox, ['resume', runId, '--yes', '--recovery-timeout', '2s']);
    // Nothing listens on port 9: recovery is not shown, so exit 3 — with the run's settings.
    expect(resumed.exitCode).toBe(3);
    expect(resumed.stdout).toContain('Verifying recovery of stage 21_01a — Prometheus http://127.0.0.1:9 (from --prometheus-url)');
    expect(resumed.stdout).toContain('(--recovery-timeout 2s)');
    expect(resumed.stdout).toMatch(/targets matching [^\n]*butler[^\n]*staging[^\n]*3 times in a row/);
    const resumedEvent = sandbox.journal().events.find((event) => event.type === 'run-resumed');
    expect(resumedEvent).toMatchObject({ options: { recoveryTimeout: '2s' } });
  });

  it('the path, the parameters and the working directory', async () => {
    // Step 1 reads ~/marker.txt: missing, it fails; written, the resume gets through.
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    const cwd = join(sandbox.root, 'bin');
    const first = await cli(sandbox, ['rollback', '90_env', '--yes', '--no-verify', '--cwd', cwd, '--set', 'incident-id=INC-7']);
    expect(first.exitCode).toBe(1);
    const runId = sandbox.journal().runId;
    expect(sandbox.journal().events[0]).toMatchObject({ cwd, parameters: { 'incident-id': 'INC-7' }, path: { number: 1 } });
    writeFileSync(join(sandbox.home, 'marker.txt'), 'here\n');
    const resumed = await cli(sandbox, ['resume', runId, '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('  param   incident-id=INC-7\n');
    expect(resumed.stdout).toContain('  path    1. Rollback Procedure\n');
    expect(resumed.stdout).toContain(`› incident=INC-7 env=INC-7\n› cwd=${cwd}\n`);
  });

  it('the environment: its parameters and variables again on resume', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments: { staging: { parameters: { 'incident-id': 'ENV-1' }, env: { RUNBOOK_PARAM_INCIDENT_ID: 'ENV-1' } } } }));
    const first = await cli(sandbox, ['rollback', '90_env', '--yes', '--no-verify', '--env', 'staging']);
    expect(first.exitCode).toBe(1);
    expect(sandbox.journal().events[0]).toMatchObject({ environment: 'staging' });
    writeFileSync(join(sandbox.home, 'marker.txt'), 'here\n');
    const resumed = await cli(sandbox, ['resume', sandbox.journal().runId, '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('  env     staging\n');
    expect(resumed.stdout).toContain('› incident=ENV-1 env=ENV-1\n');
  });
});
