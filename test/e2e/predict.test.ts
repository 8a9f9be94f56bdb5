/**
 * The dry run is the run minus the executor: it refuses exactly what a run refuses, shows the
 * steps a run would leave out, and predicts the steps that cannot succeed ("step N will fail"),
 * which the real run then refuses before running any of them.
 */

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('rollback --dry-run', () => {
  it('refuses the options a run refuses, with the same exit code and message', async () => {
    const sandbox = createSandbox();
    for (const options of [
      ['--from', '99'],
      ['--stable', 'abc'],
      ['--step-timeout', 'nonsense'],
      ['--from', '99', '--stable', 'abc', '--step-timeout', 'nonsense'],
    ]) {
      const dryRun = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run', ...options));
      const run = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', ...options));
      expect(dryRun.exitCode, options.join(' ')).toBe(2);
      expect(dryRun.stderr).toBe(run.stderr);
      expect(run.exitCode).toBe(2);
    }
    expect(sandbox.journals()).toEqual([]);
  });

  it('--from 2 shows step 1 as not run', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run', '--from', '2'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/\n {2}1\. Disable feature flag {2}\[shell, line \d+\] {2}not run \(--from 2\)\n/);
  });

  it('predicts a missing env file and an unreadable one; the run refuses the step before any of it runs', async () => {
    const missing = createSandbox({ envFile: null });
    const dryRun = await missing.run(missing.args('rollback', '21_01a', '--dry-run'));
    expect(dryRun.stdout).toContain(`step 1 will fail: env file ~/work/infra/.env.infra (${missing.home}/work/infra/.env.infra) does not exist (flag USE_NEW_DIALOG_CONTEXT_REPO)\n`);

    const unreadable = createSandbox();
    chmodSync(unreadable.envFilePath, 0o000);
    const predicted = await unreadable.run(unreadable.args('rollback', '21_01a', '--dry-run'));
    chmodSync(unreadable.envFilePath, 0o644);
    // Root reads any file: the prediction only holds for an ordinary user.
    if (process.getuid?.() !== 0) expect(predicted.stdout).toContain(`step 1 will fail: ${unreadable.envFilePath} cannot be read (EACCES)`);
  });

  it('predicts an env file under a path variable that is not set ($INFRA_DIR); set, the step runs', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/infra-dir.md'] });
    const dryRun = await sandbox.run(sandbox.args('rollback', '93_infra', '--dry-run'));
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.stdout).toContain('step 1 will fail: $INFRA_DIR/.env.infra uses $INFRA_DIR, which is not set (flag USE_INFRA_FIXTURE)\n');
    const run = await sandbox.run(sandbox.args('rollback', '93_infra', '--yes'));
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('step 1 "Disable feature flag" was not run: $INFRA_DIR/.env.infra uses $INFRA_DIR, which is not set');
    expect(sandbox.calls()).toEqual([]);

    const infra = join(sandbox.root, 'infra');
    mkdirSync(infra);
    writeFileSync(join(infra, '.env.infra'), 'USE_INFRA_FIXTURE=true\n');
    const withVariable = await sandbox.run(sandbox.args('rollback', '93_infra', '--yes'), { env: { INFRA_DIR: infra } });
    expect(withVariable.stdout).not.toContain('will fail');
    expect(withVariable.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make restart-fixture', 'curl -s http://127.0.0.1:9090/-/ready']);
  });
});
