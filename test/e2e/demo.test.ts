/**
 * `runbook demo`, the whole product on one machine, run as a new user would run it: a real
 * Prometheus, the butler service (a real process), a real restart, and a rehearsal of the
 * 21_01a rollback whose checks are the note's own 5-minute rates, measured over the time since
 * the rollback's last step — so this test takes about half a minute, not the six minutes it
 * took while the rates looked back at the errors from before the rollback.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const THREE_MINUTES = 3 * 60_000;

it(
  'starts the sandbox, shows the checks failing, rehearses the rollback to a PASSED report, and leaves nothing behind',
  async () => {
    // No fake commands: the demo brings its own make/poetry/curl. Its sandbox goes under our TMPDIR.
    const sandbox = createSandbox({ notes: [], stubs: [], envFile: null });
    const tmp = join(sandbox.root, 'tmp');
    mkdirSync(tmp);
    const started = Date.now();
    const result = await sandbox.run(['demo'], { env: { TMPDIR: tmp }, timeoutMs: THREE_MINUTES });
    const seconds = Math.round((Date.now() - started) / 1000);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const out = result.stdout;
    const root = new RegExp(`\\n  sandbox     (${tmp}/runbook-demo-\\w+)\\n`).exec(out)?.[1];
    expect(root, `the sandbox folder is named (${seconds} s)`).toBeDefined();
    expect(out).toMatch(/\n {2}prometheus {2}http:\/\/127\.0\.0\.1:\d+ \(scrapes every second\)\n {2}butler {6}http:\/\/127\.0\.0\.1:\d+\/metrics/);

    // Before the rollback the flag is on, and the note's checks fail.
    expect(out).toMatch(/\nBefore the rollback, the note's checks read:\n {2}Dialog context latency \(p95\): FAILING — .* is >150ms\n {2}Error rate: FAILING — .* is >1%\n/);

    // The rehearsal: the flag flipped, the butler really restarted (another process), the steps ran unattended.
    expect(out).toContain('\n  env     sandbox\n');
    expect(out).toContain('✔ 1. Disable feature flag — USE_NEW_DIALOG_CONTEXT_REPO: true → false');
    const stopped = /\n› butler stopped \(pid (\d+)\)\n› butler started \(pid (\d+), port \d+\)\n/.exec(out);
    expect(stopped, 'make day-12-restart-butler stops and starts the butler').not.toBeNull();
    expect(stopped![2]).not.toBe(stopped![1]);
    expect(out).toContain('› 1 passed\n');
    // Prometheus saw the target go down during the restart, and up again.
    expect(out).toMatch(/\nButler restart seen by Prometheus: \d+ failed scrapes? of its target during the rehearsal, up again now\n/);

    // The verdict, and the report printed and written.
    expect(out).toMatch(/\nRehearsal PASSED: USE_NEW_DIALOG_CONTEXT_REPO true → false; 2 steps ran; 1 target recovered; 2\/2 metric checks under threshold; time to recover [\d.]+s\n/);
    // While it waits, the deadline is on screen; the ranges are measured since the last step.
    expect(out).toMatch(/\n {2}gives up at \d\d:\d\d:\d\d UTC \(--recovery-timeout 1m30s\); the checks' ranges are measured since the last step finished\n/);
    const reportFile = resolve(sandbox.work, /\nReport: (.+) \(JSON next to it\)\n/.exec(out)?.[1] ?? 'no Report: line');
    const report = readFileSync(reportFile, 'utf8');
    expect(out).toContain(`\nThe report\n\n${report}\n`);
    expect(reportFile).toMatch(/\/\.runbook\/reports\/demo-21_01a\.md$/);
    expect(report).toMatch(/^### \d{4}-\d{2}-\d{2} Rollback rehearsal of 21_01a \(sandbox\) — PASSED\n/);
    expect(report).toMatch(/\n\| 1 \| Disable feature flag \| run \| done \| [\d.]+m?s \| 0 \| USE_NEW_DIALOG_CONTEXT_REPO: true → false \|\n/);
    expect(report).toMatch(/\n\| butler \(127\.0\.0\.1:\d+\) \| [^|]+ \| up \| - \| [\d.]+m?s \|\n/);

    // The error-rate check passed, measured under its threshold (>1% is >0.01 in Prometheus units).
    // The note's query, a ratio of 5-minute rates, sent with its ranges since the last step.
    const errorRate =
      /\n\| Error rate \| `sum\(rate\(dialog_context_repository_operations_total\{status="error"\}\[5m\]\)\) \/ sum\(rate\(dialog_context_repository_operations_total\[5m\]\)\)` → sent as `sum\(rate\(dialog_context_repository_operations_total\{status="error"\}\[(\d+)s\]\)\) \/ sum\(rate\(dialog_context_repository_operations_total\[\d+s\]\)\)` \| ([\d.e-]+) \([\d.e-]+%\) \| >1\.0% \| pass \|\n/.exec(
        report,
      );
    expect(errorRate, 'the Error rate row').not.toBeNull();
    expect(Number(errorRate![1])).toBeGreaterThanOrEqual(4);
    expect(Number(errorRate![2])).toBeLessThan(0.01);
    const json = JSON.parse(readFileSync(reportFile.replace(/\.md$/, '.json'), 'utf8'));
    expect(json).toMatchObject({ verdict: 'passed', environment: 'sandbox', verification: { verdict: 'verified', checks: [{ result: 'pass' }, { metric: 'Error rate', result: 'pass', threshold: '>1.0%' }] } });
    // Time to recover: the restart and a few scrapes, not the five minutes of the note's window.
    expect(json.timeToRecoverMs).toBeLessThan(60_000);
    expect(json.verification.checks[1].sentQuery).toMatch(/\[\d+s\]/);

    // Everything the demo started is gone, its folder too.
    expect(out).toMatch(/\nStopping the sandbox \(Prometheus, butler\) and removing its folder…\n$/);
    expect(sandbox.processes()).toEqual([]);
    expect(existsSync(root!)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  },
  THREE_MINUTES + 30_000,
);
