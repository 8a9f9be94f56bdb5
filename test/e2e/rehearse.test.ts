/**
 * `runbook rehearse` end to end against a real Prometheus scraping a real target process
 * (`test/fixtures/bin/metrics-target.js`). The fixture note's step 2 sets the target's error
 * ratio over HTTP (with the real curl), its check reads that gauge: a quick query, so a
 * rehearsal takes seconds. Each case asserts stdout, stderr, the exit code and the report.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHttp, type FakeHttpServer } from '../helpers/fake-http.js';
import { ERROR_RATIO_QUERY, useErrorRatioWorld } from '../helpers/error-ratio-fixture.js';
import { startAlertmanager, waitFor, type AlertmanagerServer } from '../helpers/prometheus.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const NOTE = 'run-notes/rehearsal.md';
const QUERY = ERROR_RATIO_QUERY;
const world = useErrorRatioWorld();
let webhook: WebhookReceiver;
let alertmanager: AlertmanagerServer;
beforeAll(async () => {
  [webhook, alertmanager] = await Promise.all([startWebhookReceiver(), startAlertmanager()]);
});
afterAll(() => webhook.close());

/** The rehearsal note, the flag on, and a `rehearsal` environment pointing at this file's Prometheus and target. */
function rehearsalSandbox(): Sandbox {
  // The real curl: step 2 talks to the target.
  const sandbox = createSandbox({ notes: [NOTE], stubs: ['make', 'poetry'], envFile: 'USE_REHEARSAL_FIXTURE=true\n' });
  const environments = {
    rehearsal: {
      prometheusUrl: '${REHEARSAL_PROMETHEUS_URL}',
      env: { FIXTURE_TARGET_URL: '${REHEARSAL_TARGET_URL}' },
      targets: { jobs: ['rehearse'] },
    },
    // A query-only server, as Mimir is: no target check.
    mimir: { prometheusUrl: '${REHEARSAL_MIMIR_URL:-http://127.0.0.1:1}/prometheus', env: { FIXTURE_TARGET_URL: '${REHEARSAL_TARGET_URL}' }, targets: false },
  };
  writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments }, null, 2));
  return sandbox;
}

function rehearse(sandbox: Sandbox, args: string[] = [], env: Record<string, string> = {}) {
  return sandbox.run(sandbox.args('rehearse', '92_rehearse', '--env', 'rehearsal', ...args), {
    env: { REHEARSAL_PROMETHEUS_URL: world.prometheus.url, REHEARSAL_TARGET_URL: `http://${world.target.address}`, ...env },
    timeoutMs: 60_000,
  });
}

/** The report paths the rehearsal printed last, relative to the work directory. */
function reportPaths(sandbox: Sandbox, stdout: string): { markdown: string; json: string; html: string } {
  const match = /\nRehearsal report: (\S+) \(JSON: (\S+), page: (\S+)\)\n$/.exec(stdout);
  expect(match, 'the last line names the report').not.toBeNull();
  return { markdown: join(sandbox.work, match![1]!), json: join(sandbox.work, match![2]!), html: join(sandbox.work, match![3]!) };
}

describe('runbook rehearse (real Prometheus)', () => {
  it('passes: runs every step unattended, verifies recovery, and writes the report in markdown and JSON', async () => {
    const sandbox = rehearsalSandbox();
    const result = await rehearse(sandbox);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  mode    unattended (--yes): every step runs without asking\n');
    expect(result.stdout).toContain(`Verifying recovery of stage 92_rehearse — Prometheus ${world.prometheus.url} (from the environment profile)\n`);
    expect(result.stdout).toMatch(/\nRehearsal PASSED: USE_REHEARSAL_FIXTURE true → false; 2 steps ran; 1 target recovered; 1\/1 metric checks under threshold; time to recover \d+(ms|\.\ds|s)\n/);
    expect(sandbox.readEnvFile()).toBe('USE_REHEARSAL_FIXTURE=false\n');

    const runId = sandbox.journal().runId;
    const paths = reportPaths(sandbox, result.stdout);
    expect(paths).toEqual({ markdown: join(sandbox.stateDir, `reports/${runId}.md`), json: join(sandbox.stateDir, `reports/${runId}.json`), html: join(sandbox.stateDir, `reports/${runId}.html`) });

    const report = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(report).toMatchObject({
      schemaVersion: 1,
      kind: 'rehearsal',
      runId,
      stage: '92_rehearse',
      environment: 'rehearsal',
      operator: 'operator',
      verdict: 'passed',
      journal: `../.runbook/runs/${runId}.jsonl`,
      steps: [
        {
          number: 1,
          title: 'Disable feature flag',
          kind: 'shell',
          decision: 'run',
          result: 'done',
          exitCode: 0,
          flags: [{ name: 'USE_REHEARSAL_FIXTURE', before: 'true', after: 'false', expected: 'false' }],
          needsPerson: [],
        },
        { number: 2, title: 'Clear the errors', kind: 'shell', decision: 'run', result: 'done', exitCode: 0, flags: [], needsPerson: [] },
        { number: 3, title: 'Communicate', kind: 'manual', decision: 'needs-person', result: 'needs-person', exitCode: null, needsPerson: ['Post to #ops-shared'] },
      ],
      verification: {
        verdict: 'verified',
        prometheusUrl: world.prometheus.url,
        targetsChecked: true,
        targets: [{ name: `rehearse (${world.target.address})`, health: 'up', lastError: '', seenDown: null }],
        checks: [{ metric: 'Error rate', query: QUERY, value: '0.001 (0.1%)', threshold: '>1.0%', result: 'pass' }],
      },
    });
    // Time to recover: from the end of the last step to the moment recovery was shown.
    expect(report.timeToRecoverMs).toBe(Date.parse(report.recoveredAt as string) - Date.parse(report.verification.since as string));
    expect(report.timeToRecoverMs).toBeGreaterThan(0);
    expect(report.totalMs).toBe(Date.parse(report.finishedAt) - Date.parse(report.startedAt));

    const markdown = readFileSync(paths.markdown, 'utf8');
    expect(markdown.split('\n')[0]).toBe(`### ${report.startedAt.slice(0, 10)} Rollback rehearsal of 92_rehearse (rehearsal) — PASSED`);
    expect(markdown).toContain(`- **Verdict**: passed: ${report.summary}\n`);
    expect(markdown).toMatch(/\n\| 1 \| Disable feature flag \| run \| done \| \d+(ms|\.\ds|s) \| 0 \| USE_REHEARSAL_FIXTURE: true → false \|\n/);
    expect(markdown).toContain('\n#### Needs a person\n\n- Step 3 Communicate: Post to #ops-shared\n');
    expect(markdown).toMatch(new RegExp(`\\n\\| rehearse \\(${world.target.address}\\) \\| up \\| up \\| - \\| \\d+(ms|\\.\\ds|s) \\|\\n`));
    expect(markdown).toContain('\n| Error rate | `fixture_error_ratio{job="rehearse"}` | 0.001 (0.1%) | >1.0% | pass |\n');

    // `runbook report` builds the same report from the journal alone (the note's title aside, which the journal does not hold).
    const fromJournal = await sandbox.run(['report', runId, '--format', 'json']);
    expect([fromJournal.exitCode, fromJournal.stderr]).toEqual([0, '']);
    expect({ ...JSON.parse(fromJournal.stdout), kind: 'rehearsal', title: report.title }).toEqual(report);
    expect(report.verification.checks[0].points.length).toBeGreaterThan(0);
  });

  it('fails at a step: exit 1, names the step, runs nothing after it and checks no recovery', async () => {
    const sandbox = rehearsalSandbox();
    sandbox.stub('make', 'exit', '2');
    const result = await rehearse(sandbox);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('✖ 1. Disable feature flag [FAILED: step 1 "Disable feature flag" failed with exit code 2]\n');
    expect(result.stdout).toContain('\nRehearsal FAILED: step 1 "Disable feature flag" failed (exit 2)\n');
    expect(result.stdout).not.toContain('Verifying recovery');
    const report = JSON.parse(readFileSync(reportPaths(sandbox, result.stdout).json, 'utf8'));
    expect(report).toMatchObject({ verdict: 'failed', summary: 'step 1 "Disable feature flag" failed (exit 2)', timeToRecoverMs: null, verification: null });
    expect(report.steps.map((step: { result: string }) => step.result)).toEqual(['failed', 'not reached', 'not reached']);
    // The error ratio was never cleared: step 2 did not run.
    expect(await world.ratio()).toBe('0.2');
  });

  it('after a verified recovery, --silence-grace leaves the silence to lapse later; the report shows the silence and the notifications', async () => {
    const sandbox = rehearsalSandbox();
    webhook.bodies.length = 0;
    const before = Date.now();
    const result = await rehearse(sandbox, ['--silence', 'job=rehearse', '--alertmanager-url', alertmanager.url, '--silence-grace', '10m', '--notify', webhook.url]);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    const silences = (await alertmanager.silences()).filter((silence) => silence.matchers.some((matcher) => matcher.value === 'rehearse'));
    expect(silences).toHaveLength(1);
    expect(silences[0]!.status.state).toBe('active');
    expect(Date.parse(silences[0]!.endsAt)).toBeGreaterThan(before + 9 * 60_000);
    expect(webhook.bodies.map((body) => String(body.text))).toEqual([
      expect.stringMatching(/^Rollback of 92_rehearse started by operator on /),
      'Rollback of 92_rehearse: recovery verified',
      'Rollback of 92_rehearse succeeded (exit 0)',
    ]);

    const paths = reportPaths(sandbox, result.stdout);
    const report = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(report.silence).toMatchObject({ matchers: ['job="rehearse"'], ids: [silences[0]!.id], events: [{ action: 'created' }, { action: 'lapsing', endsAt: silences[0]!.endsAt }] });
    expect(report.notifications.map((sent: { event: string; ok: boolean }) => [sent.event, sent.ok])).toEqual([
      ['run-started', true],
      ['recovery-verified', true],
      ['run-finished', true],
    ]);
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toContain('<h3>Alertmanager silence</h3><p><code>job=&quot;rehearse&quot;</code>');
    expect(html).not.toContain(webhook.token);
  });

  it('fails at a check: exit 3, names the check with its measured value and threshold', async () => {
    const sandbox = rehearsalSandbox();
    // The "fix" of step 2 does not help: the error ratio stays at 30%.
    webhook.bodies.length = 0;
    const result = await rehearse(sandbox, ['--recovery-timeout', '3s', '--notify', webhook.url, '--notify-format', 'json'], { FIXTURE_ERROR_RATIO_AFTER: '0.3' });

    expect(result.exitCode).toBe(3);
    // The chat hears recovery was not shown, with each target and check and its value.
    expect(webhook.bodies.map((body) => body.event)).toEqual(['run-started', 'recovery-not-verified', 'run-finished']);
    expect(webhook.bodies[1]).toMatchObject({
      verdict: 'failed',
      reason: 'Error rate: 0.3 (30%) is >1%',
      targets: [{ name: `rehearse (${world.target.address})`, health: 'up' }],
      checks: [{ metric: 'Error rate', value: '0.3 (30%)', threshold: '>1.0%', result: 'fail' }],
    });
    expect(webhook.bodies[2]).toMatchObject({ result: 'not-recovered', exitCode: 3 });
    expect(result.stderr).toBe('runbook: recovery not verified: Error rate: 0.3 (30%) is >1%\n');
    expect(result.stdout).toContain('\nRehearsal FAILED: recovery failed: Error rate: 0.3 (30%) is >1%\n');
    const report = JSON.parse(readFileSync(reportPaths(sandbox, result.stdout).json, 'utf8'));
    expect(report).toMatchObject({
      verdict: 'failed',
      timeToRecoverMs: null,
      verification: { verdict: 'failed', checks: [{ metric: 'Error rate', value: '0.3 (30%)', threshold: '>1.0%', result: 'fail' }] },
    });
    expect(readFileSync(reportPaths(sandbox, result.stdout).markdown, 'utf8')).toContain('| Error rate | `fixture_error_ratio{job="rehearse"}` | 0.3 (30%) | >1.0% | fail |\n');
  });

  it('writes the report where --report says, the JSON next to it', async () => {
    const sandbox = rehearsalSandbox();
    const result = await rehearse(sandbox, ['--report', 'reports/92_rehearse-staging.md']);

    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('\nRehearsal report: reports/92_rehearse-staging.md (JSON: reports/92_rehearse-staging.json, page: reports/92_rehearse-staging.html)\n');
    expect(readFileSync(join(sandbox.work, 'reports/92_rehearse-staging.html'), 'utf8')).toContain('<span class="verdict passed">PASSED</span>');
    expect(readFileSync(join(sandbox.work, 'reports/92_rehearse-staging.md'), 'utf8')).toContain('— PASSED\n');
    expect(JSON.parse(readFileSync(join(sandbox.work, 'reports/92_rehearse-staging.json'), 'utf8')).verdict).toBe('passed');
    expect(existsSync(join(sandbox.stateDir, 'reports'))).toBe(false);

    // Naming the JSON puts the markdown next to it.
    const byJson = await rehearse(sandbox, ['--report', 'reports/by-json.json', '--no-verify']);
    expect([byJson.exitCode, byJson.stderr]).toEqual([0, '']);
    expect(byJson.stdout).toContain('\nRehearsal report: reports/by-json.md (JSON: reports/by-json.json, page: reports/by-json.html)\n');
    expect(JSON.parse(readFileSync(join(sandbox.work, 'reports/by-json.json'), 'utf8')).verdict).toBe('not-verified');
  });

  it('is "not verified" with --no-verify: exit 0, the steps ran, no recovery check', async () => {
    const sandbox = rehearsalSandbox();
    const result = await rehearse(sandbox, ['--no-verify']);

    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).not.toContain('Verifying recovery');
    expect(result.stdout).toContain('\nRehearsal NOT VERIFIED: USE_REHEARSAL_FIXTURE true → false; 2 steps ran; recovery not verified (--no-verify)\n');
    const paths = reportPaths(sandbox, result.stdout);
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toMatchObject({ verdict: 'not-verified', timeToRecoverMs: null, verification: null });
    const markdown = readFileSync(paths.markdown, 'utf8');
    expect(markdown).toContain('— NOT VERIFIED\n');
    expect(markdown).toContain('- **Time to recover**: not measured (not verified)\n');
    expect(markdown).toContain('\n#### Recovery: not verified\n');
  });
});

describe('against a server that answers queries but does not scrape (as Mimir)', () => {
  let mimir: FakeHttpServer;
  beforeAll(async () => {
    mimir = await startFakeHttp();
    // Mimir's Prometheus API under /prometheus: queries go to the real Prometheus; there is no /api/v1/targets.
    mimir.handler = (request, response) => {
      const url = new URL(request.url ?? '/', 'http://mimir');
      if (url.pathname !== '/prometheus/api/v1/query') {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
        return;
      }
      void fetch(`${world.prometheus.url}/api/v1/query${url.search}`).then(async (answer) => response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text()));
    };
  });
  afterAll(() => mimir.close());

  const verify = (sandbox: Sandbox, ...args: string[]) => sandbox.run(sandbox.args('verify', '92_rehearse', '--prometheus-url', `${mimir.url}/prometheus`, '--recovery-timeout', '5s', ...args));

  it('verify says to use --no-targets, and shows the check anyway; with --no-targets the check decides', async () => {
    const sandbox = rehearsalSandbox();
    await world.target.set({ fixture_error_ratio: 0.001 });
    await waitFor(`${QUERY} to be 0.001`, async () => ((await world.ratio()) === '0.001' ? true : undefined));

    const withTargets = await verify(sandbox);
    expect(withTargets.exitCode).toBe(3);
    expect(withTargets.stderr).toBe(
      `runbook: recovery inconclusive (not shown either way): Prometheus at ${mimir.url}/prometheus answered /api/v1/targets with invalid JSON (HTTP 404, 19 bytes: Unexpected non-whitespace character after JSON at position 4): "404 page not found"; for a server without /api/v1/targets (Mimir, Thanos Query) check metrics only with --no-targets\n`,
    );
    expect(withTargets.stdout).toContain('  Error rate: pass — 0.001 (0.1%) is not >1%\n');

    const checksOnly = await verify(sandbox, '--no-targets');
    expect([checksOnly.exitCode, checksOnly.stderr]).toEqual([0, '']);
    expect(checksOnly.stdout).toContain(`Recovery of stage 92_rehearse verified — Prometheus ${mimir.url}/prometheus\n  targets not checked (--no-targets); 1 check under threshold\n`);
    expect(checksOnly.stdout).toContain('\nTargets\n  not checked (--no-targets): only the metric checks below show recovery\n');
    // The targets were asked for once, by the first run only.
    expect(mimir.requests.filter((request) => request.url.includes('/api/v1/targets'))).toHaveLength(1);
  });

  it('rehearses in an environment with "targets": false: the metric check alone shows recovery', async () => {
    const sandbox = rehearsalSandbox();
    mimir.requests.length = 0;
    const result = await sandbox.run(sandbox.args('rehearse', '92_rehearse', '--env', 'mimir'), {
      env: { REHEARSAL_MIMIR_URL: mimir.url, REHEARSAL_TARGET_URL: `http://${world.target.address}` },
      timeoutMs: 60_000,
    });
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain(`Verifying recovery of stage 92_rehearse — Prometheus ${mimir.url}/prometheus (from the environment profile)\n`);
    expect(result.stdout).toContain('↓ targets: not checked (--no-targets) [SKIPPED: targets not checked (--no-targets)]\n');
    expect(result.stdout).toMatch(/\nRehearsal PASSED: USE_REHEARSAL_FIXTURE true → false; 2 steps ran; targets not checked \(--no-targets\); 1\/1 metric checks under threshold; time to recover /);
    expect(mimir.requests.some((request) => request.url.includes('/api/v1/targets'))).toBe(false);
  });
});
