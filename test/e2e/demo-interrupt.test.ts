/**
 * Ctrl-C (SIGINT) during `runbook demo`: whenever it comes, everything the demo started —
 * Prometheus, the butler service — is stopped, its folder removed, and the exit code is 130.
 */

import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/prometheus.js';
import { createSandbox } from '../helpers/sandbox.js';

/** Starts the demo in a fresh sandbox (its folder under our TMPDIR), sends SIGINT once stdout shows `when`. */
async function interruptDemo(when: string | RegExp, timeoutMs = 60_000) {
  const sandbox = createSandbox({ notes: [], stubs: [], envFile: null });
  const tmp = join(sandbox.root, 'tmp');
  mkdirSync(tmp);
  const running = sandbox.start(['demo'], { env: { TMPDIR: tmp }, timeoutMs: 120_000 });
  await waitFor(`${String(when)} in the demo's output`, async () => (typeof when === 'string' ? running.stdout.includes(when) : when.test(running.stdout)) || undefined, timeoutMs);
  // The demo has started its processes by now.
  expect(sandbox.processes().length).toBeGreaterThan(1);
  running.child.kill('SIGINT');
  const result = await running.result;
  return { sandbox, tmp, result };
}

describe('Ctrl-C during runbook demo', () => {
  it.each([
    ['as the sandbox starts', '  sandbox     '],
    ['while the butler serves with the bad flag', 'letting it serve with the new repository'],
  ])('%s: stops Prometheus and the butler, removes the folder, exits 130', async (_name, when) => {
    const { sandbox, tmp, result } = await interruptDemo(when);

    expect(result.exitCode).toBe(130);
    expect(result.stderr).toBe('runbook: demo interrupted while starting the sandbox\n');
    expect(result.stdout).toMatch(/\nStopping the sandbox \(Prometheus, butler\) and removing its folder…\n$/);
    expect(result.stdout).not.toContain('Rehearsing the rollback');
    expect(sandbox.processes()).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('during the recovery check: the run stops (130), the report says so, and the sandbox is cleaned up', async () => {
    const { sandbox, tmp, result } = await interruptDemo('Verifying recovery of stage 21_01a', 90_000);

    expect(result.exitCode).toBe(130);
    expect(result.stdout).toContain('\nRehearsal FAILED: interrupted during the recovery check\n');
    expect(result.stdout).toMatch(/\nStopping the sandbox \(Prometheus, butler\) and removing its folder…\n$/);
    expect(sandbox.processes()).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
