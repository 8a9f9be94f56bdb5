/**
 * `runbook rollback` ends with the recovery check: against a real Prometheus scraping a real
 * target process, the check runs after the last step, is journalled measurement by
 * measurement before `run-finished`, and decides the exit code (0 verified, 3 not).
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useErrorRatioWorld } from '../helpers/error-ratio-fixture.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';

const world = useErrorRatioWorld();

function sandboxWithNote(): Sandbox {
  // The real curl: step 2 of the note sets the target's error ratio.
  const sandbox = createSandbox({ notes: ['run-notes/rehearsal.md'], stubs: ['make', 'poetry'], envFile: 'USE_REHEARSAL_FIXTURE=true\n' });
  writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments: {} }));
  return sandbox;
}

function rollback(sandbox: Sandbox, args: string[] = [], env: Record<string, string> = {}) {
  return sandbox.run(sandbox.args('rollback', '92_rehearse', '--yes', '--prometheus-url', world.prometheus.url, '--job', 'rehearse', ...args), {
    env: { FIXTURE_TARGET_URL: `http://${world.target.address}`, ...env },
    timeoutMs: 60_000,
  });
}

describe('runbook rollback then the recovery check (real Prometheus)', () => {
  it('verifies recovery after the last step: exit 0, each measurement journalled before run-finished', async () => {
    const sandbox = sandboxWithNote();
    const result = await rollback(sandbox);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Verifying recovery of stage 92_rehearse — Prometheus ${world.prometheus.url} (from --prometheus-url)\n`);
    expect(result.stdout).toMatch(/\nRecovery of stage 92_rehearse verified/);
    expect(result.stdout).toMatch(/\nRollback of 92_rehearse: succeeded after /);
    const events = sandbox.journal().events;
    const types = events.map((event) => event.type);
    const lastStep = types.lastIndexOf('step-finished');
    const finished = types.indexOf('run-finished');
    // Measurements, then the outcome, all between the last step and the end of the run.
    const verification = events.slice(lastStep + 1, finished);
    expect(verification.length).toBeGreaterThanOrEqual(2);
    expect(verification.every((event) => event.type === 'verification')).toBe(true);
    expect(verification.slice(0, -1).every((event) => event.phase === 'measurement')).toBe(true);
    expect(verification.at(-1)).toMatchObject({ phase: 'report', verdict: 'verified', checks: [{ metric: 'Error rate', result: 'pass' }] });
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', result: 'succeeded', exitCode: 0 });
  });

  it('exits 3 when the metric stays over its threshold, says so on stderr and in the journal', async () => {
    const sandbox = sandboxWithNote();
    const result = await rollback(sandbox, ['--recovery-timeout', '3s'], { FIXTURE_ERROR_RATIO_AFTER: '0.3' });

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toBe('runbook: recovery not verified: Error rate: 0.3 (30%) is >1%\n');
    expect(result.stdout).toContain('\nRollback of 92_rehearse: steps done, but recovery NOT verified after ');
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'not-recovered', exitCode: 3 });
  });
});
