/**
 * `runbook verify` end to end: the real CLI (`bin/runbook.js`) against a real Prometheus
 * scraping real target processes, and a real Pushgateway. Each case asserts stdout, stderr
 * and the exit code together.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHttp, type FakeHttpServer } from '../helpers/fake-http.js';
import { freePort, startMetricsTarget, startPrometheus, startPushgateway, stopAll, waitFor, type MetricsTarget, type PrometheusServer, type PushgatewayServer } from '../helpers/prometheus.js';
import { fixturesDir, runCli } from '../helpers/run-cli.js';

const NOTES = join(fixturesDir, 'verify');
let prometheus: PrometheusServer;
let pushgateway: PushgatewayServer;
let butler: MetricsTarget;
let scheduler: MetricsTarget;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'runbook-verify-e2e-'));
  [butler, scheduler, pushgateway] = await Promise.all([
    startMetricsTarget({ values: { fixture_error_ratio: 0.002, fixture_latency_seconds: 0.08 } }),
    startMetricsTarget({ values: { fixture_queue_depth: 1 } }),
    startPushgateway(),
  ]);
  prometheus = await startPrometheus({
    jobs: [
      { job: 'butler', targets: [butler.address] },
      { job: 'scheduler', targets: [scheduler.address] },
      { job: 'pushgateway', targets: [pushgateway.address], honorLabels: true },
    ],
  });
});

afterAll(async () => {
  await stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

const verify = (args: string[], env: Record<string, string> = {}) => runCli(['verify', '21_09a', '--runbooks', NOTES, ...args], { env });

async function scraped(promql: string, value: string) {
  await waitFor(`${promql} to be ${value} in Prometheus`, async () => {
    const data = (await prometheus.query(promql)) as { result: { value: [number, string] }[] };
    return data.result.length > 0 && data.result.every((series) => series.value[1] === value) ? true : undefined;
  });
}

// These only read: they run side by side.
describe.concurrent('runbook verify (real Prometheus)', () => {
  it('exits 0 and shows each target and check when recovery is verified', async () => {
    const result = await verify(['--prometheus-url', prometheus.url, '--job', 'butler']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`Verifying recovery of stage 21_09a — Prometheus ${prometheus.url} (from --prometheus-url)`);
    expect(result.stdout).toContain(`Recovery of stage 21_09a verified — Prometheus ${prometheus.url}\n  1/1 targets up, 2 good scrapes in a row; 2 checks under threshold\n`);
    expect(result.stdout).toMatch(new RegExp(`\\n  butler \\(${butler.address}\\)\\s+up\\s+after \\d+(ms|\\.\\ds)\\s+-\\n`));
    // Each check held for --stable 2 evaluations in a row.
    expect(result.stdout).toContain('  Error rate: pass — 0.002 (0.2%) is not >1%\n      threshold >1.0% (>0.01) · 2 measurements\n      │ fixture_error_ratio{job="butler"}\n');
    expect(result.stdout).toContain('  Latency (p95): pass — 0.08 (80ms) is not >150ms\n      threshold >150ms (>0.15) · 2 measurements\n');
    expect(result.stdout).toContain('› Error rate: inconclusive — 0.002 (0.2%) is not >1%; held 1 of 2 evaluations in a row so far\n');
    // Progress, as plain lines without a terminal.
    expect(result.stdout).toMatch(new RegExp(`\n› butler \\(${butler.address}\\) up: first good scrape \\d+(ms|\\.\\ds) after the check started\n`));
    expect(result.stdout).toContain('› 1/1 target up — confirming: 1 good scrape in a row so far\n');
    expect(result.stdout).toContain('✔ targets: 1/1 targets up, 2 good scrapes in a row\n');
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('takes PROMETHEUS_URL when no --prometheus-url is given, and --prometheus-url over it', async () => {
    const [fromEnv, fromOption] = await Promise.all([
      verify(['--job', 'butler'], { PROMETHEUS_URL: prometheus.url }),
      verify(['--job', 'butler', '--prometheus-url', prometheus.url], { PROMETHEUS_URL: 'http://127.0.0.1:1' }),
    ]);
    expect([fromEnv.exitCode, fromEnv.stderr]).toEqual([0, '']);
    expect(fromEnv.stdout.split('\n')[0]).toBe(`Verifying recovery of stage 21_09a — Prometheus ${prometheus.url} (from PROMETHEUS_URL)`);
    expect([fromOption.exitCode, fromOption.stderr]).toEqual([0, '']);
    expect(fromOption.stdout.split('\n')[0]).toBe(`Verifying recovery of stage 21_09a — Prometheus ${prometheus.url} (from --prometheus-url)`);
  });

  it('masks basic-auth passwords and never prints the bearer token', async () => {
    const withUser = prometheus.url.replace('http://', 'http://ops:hunter2secret@');
    const result = await verify(['--prometheus-url', withUser, '--job', 'butler', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('hunter2secret');
    expect(JSON.parse(result.stdout).prometheusUrl).toBe(prometheus.url.replace('http://', 'http://ops:***@'));

    const withToken = await verify(['--prometheus-url', prometheus.url, '--job', 'butler'], { PROMETHEUS_BEARER_TOKEN: 'tok-supersecret-123' });
    expect(withToken.exitCode).toBe(0);
    expect(withToken.stdout + withToken.stderr).not.toContain('tok-supersecret-123');
  });

  it('prints the report as JSON with --json, and nothing else on stdout', async () => {
    const result = await verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      schemaVersion: 1,
      stage: '21_09a',
      verdict: 'verified',
      prometheusUrlSource: 'option',
      selector: { jobs: ['butler'], targetLabels: [] },
      stable: 2,
      noData: 'inconclusive',
      targets: [{ name: `butler (${butler.address})`, status: 'up', lastError: '', goodScrapes: 2 }],
      checks: [
        { metric: 'Error rate', result: 'pass', value: '0.002 (0.2%)', threshold: '>1.0%', baseThreshold: '>0.01', query: 'fixture_error_ratio{job="butler"}' },
        { metric: 'Latency (p95)', result: 'pass', value: '0.08 (80ms)', threshold: '>150ms', baseThreshold: '>0.15' },
      ],
    });
    expect(report.measurements.map((entry: { kind: string }) => entry.kind)).toEqual(expect.arrayContaining(['targets', 'check']));
    expect(report.requests).toBeGreaterThanOrEqual(4);
  });

  it('pushes the run metrics to the Pushgateway (scraped back by Prometheus) and writes the metrics file', async () => {
    const file = join(scratch, 'runbook.prom');
    const result = await verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--pushgateway', pushgateway.url, '--metrics-file', file]);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);

    const text = readFileSync(file, 'utf8');
    expect(text).toContain('runbook_run_result{stage="21_09a"} 1\n');
    expect(text).toMatch(/\nrunbook_time_to_recovery_seconds\{stage="21_09a"\} \d+(\.\d+)?\n/);
    expect(text).toContain('runbook_recovery_checks{stage="21_09a",check="Error rate",result="pass"} 1\n');
    expect(text).toContain('runbook_recovery_checks{stage="21_09a",check="Latency (p95)",result="pass"} 1\n');

    await scraped('runbook_run_result{job="runbook",stage="21_09a"}', '1');
    await scraped('runbook_recovery_checks{job="runbook",stage="21_09a",check="Error rate",result="pass"}', '1');
  });

  it('only warns when the Pushgateway is down', async () => {
    const port = await freePort();
    const result = await verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--pushgateway', `http://127.0.0.1:${port}`]);
    expect(result.stderr).toBe(`runbook: warning: could not push metrics to the Pushgateway at http://127.0.0.1:${port}: connection refused\n`);
    expect(result.exitCode).toBe(0);
  });
});

// These change what the targets report, one at a time, and put it back.
describe.sequential('runbook verify (real Prometheus), targets and metrics changing', () => {
  it('exits 3 and names the target that is down, with its last error', async () => {
    await scheduler.stop();
    await prometheus.waitForTarget('scheduler', scheduler.address, (target) => target.health === 'down');
    try {
      const result = await verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--job', 'scheduler', '--recovery-timeout', '3s']);
      expect(result.stderr).toBe(`runbook: recovery not verified: scheduler (${scheduler.address}) is down: connection refused after 3s\n`);
      expect(result.exitCode).toBe(3);
      expect(result.stdout).toContain(`Recovery of stage 21_09a NOT verified: failed — Prometheus ${prometheus.url}\n  scheduler (${scheduler.address}) is down: connection refused after 3s\n`);
      expect(result.stdout).toMatch(
        new RegExp(`\\n  scheduler \\(${scheduler.address}\\)\\s+down\\s+not recovered\\s+Get "http://${scheduler.address}/metrics": dial tcp ${scheduler.address}: connect: connection refused\\n`),
      );
      expect(result.stdout).toContain(`› 1/2 targets up — waiting for scheduler (${scheduler.address}): connection refused\n`);
    } finally {
      await scheduler.restart();
    }
  });

  it('exits 3 when a metric stays above its threshold', async () => {
    await butler.set({ fixture_latency_seconds: 0.3 });
    await scraped('fixture_latency_seconds', '0.3');
    try {
      const result = await verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--recovery-timeout', '3s']);
      expect(result.stderr).toBe('runbook: recovery not verified: Latency (p95): 0.3 (300ms) is >150ms\n');
      expect(result.exitCode).toBe(3);
      expect(result.stdout).toContain('  Latency (p95): FAIL — 0.3 (300ms) is >150ms\n');
      expect(result.stdout).toContain('› Latency (p95): fail — 0.3 (300ms) is >150ms\n');
      expect(result.stdout).toContain('✖ Latency (p95) (alert >150ms) [FAILED: Latency (p95): fail — 0.3 (300ms) is >150ms]\n');
    } finally {
      await butler.set({ fixture_latency_seconds: 0.08 });
    }
  });

  it('exits 3 with a distinct message when a query has no data, and follows --no-data', async () => {
    await butler.unset('fixture_error_ratio');
    await waitFor('the error ratio to vanish', async () => (((await prometheus.query('fixture_error_ratio')) as { result: unknown[] }).result.length === 0 ? true : undefined));
    try {
      const [inconclusive, failed, passed] = await Promise.all([
        verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--recovery-timeout', '6s']),
        verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--recovery-timeout', '6s', '--no-data', 'fail']),
        verify(['--prometheus-url', prometheus.url, '--job', 'butler', '--no-data=pass']),
      ]);
      expect(inconclusive.stderr).toBe('runbook: recovery inconclusive (not shown either way): Error rate: no data (empty result)\n');
      expect(inconclusive.exitCode).toBe(3);
      expect(inconclusive.stdout).toContain('Recovery of stage 21_09a NOT verified: inconclusive');
      expect(failed.stderr).toBe('runbook: recovery not verified: Error rate: no data (empty result), counted as a failure (--no-data=fail)\n');
      expect(failed.exitCode).toBe(3);
      expect(passed.stderr).toBe('');
      expect(passed.exitCode).toBe(0);
      expect(passed.stdout).toContain('  Error rate: pass — no data (empty result), counted as a pass (--no-data=pass)\n');
    } finally {
      await butler.set({ fixture_error_ratio: 0.002 });
    }
  });
});

describe.concurrent('runbook verify: bad input is one line, no stack trace', () => {
  it.each([
    [['--stable', '0'], 2, 'runbook: --stable must be a whole number of 1 or more (got "0")\n'],
    [['--stable', 'two'], 2, 'runbook: --stable must be a whole number of 1 or more (got "two")\n'],
    [['--recovery-timeout', 'soon'], 2, 'runbook: --recovery-timeout must be a duration such as 90s, 5m or 300 (seconds) (got "soon")\n'],
    [['--no-data', 'maybe'], 2, 'runbook: --no-data must be fail, inconclusive or pass (got "maybe")\n'],
    [['--target-label', 'staging'], 2, 'runbook: --target-label must be key=value with a Prometheus label name as key, e.g. env=staging (got "staging")\n'],
    [['--since', 'yesterday'], 2, 'runbook: --since must be an ISO time such as 2025-11-25T10:00:00Z (got "yesterday")\n'],
    [['--pushgateway', 'pg:9091'], 2, 'runbook: --pushgateway must be an http(s) URL such as http://127.0.0.1:9091 (got "pg:9091")\n'],
    [['--prometheus-url', '127.0.0.1:9090'], 2, 'runbook: Prometheus URL "127.0.0.1:9090" is not a URL: did you mean http://127.0.0.1:9090?\n'],
    [['--prometheus-url', 'http://u:p@127.0.0.1:9090'], 2, 'runbook: both PROMETHEUS_BEARER_TOKEN and a user:password in the Prometheus URL are set: use one of them\n'],
    [['--bogus'], 2, "runbook: unknown option '--bogus' (see runbook --help)\n"],
  ] as [string[], number, string][])('%j → exit %i', async (args, exitCode, stderr) => {
    const result = await verify(args, { PROMETHEUS_BEARER_TOKEN: args.includes('http://u:p@127.0.0.1:9090') ? 'tok' : '' });
    expect(result).toEqual({ stdout: '', stderr, exitCode });
  });

  it('names the known stages for an unknown one', async () => {
    const result = await runCli(['verify', '99_99z', '--runbooks', NOTES]);
    expect(result).toEqual({ stdout: '', stderr: `runbook: no note for stage "99_99z" in ${NOTES}; known stages: 21_09a\n`, exitCode: 2 });
  });
});

describe('runbook verify: a Prometheus that misbehaves', () => {
  let fake: FakeHttpServer;
  beforeAll(async () => {
    fake = await startFakeHttp();
  });
  afterAll(() => fake.close());

  it('exits 3, inconclusive, when nothing listens', async () => {
    const port = await freePort();
    const result = await verify(['--prometheus-url', `http://127.0.0.1:${port}`, '--recovery-timeout', '5s']);
    expect(result.stderr).toBe(`runbook: recovery inconclusive (not shown either way): cannot reach Prometheus at http://127.0.0.1:${port}: connection refused (gave up after 4 attempts)\n`);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(`› cannot reach Prometheus at http://127.0.0.1:${port}: connection refused; retrying\n`);
  });

  it('exits 3 with a clear message when the URL serves HTML', async () => {
    fake.handler = (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><head><title>Grafana</title></head></html>');
    const result = await verify(['--prometheus-url', fake.url]);
    expect(result.stderr).toBe(
      `runbook: recovery inconclusive (not shown either way): Prometheus at ${fake.url} answered /api/v1/targets with an HTML page (HTTP 200, "Grafana"), not the Prometheus API: is ${fake.url} the Prometheus server (with its path prefix)?\n`,
    );
    expect(result.exitCode).toBe(3);
  });

  it('exits 3 when the token is refused, without showing it', async () => {
    fake.handler = (_request, response) => response.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden');
    const result = await verify(['--prometheus-url', fake.url], { PROMETHEUS_BEARER_TOKEN: 'tok-rejected-456' });
    expect(result.stderr).toBe(`runbook: recovery inconclusive (not shown either way): Prometheus at ${fake.url} refused the request: HTTP 403 Forbidden; set PROMETHEUS_BEARER_TOKEN or put user:password in the URL\n`);
    expect(result.exitCode).toBe(3);
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer tok-rejected-456');
    expect(result.stdout).not.toContain('tok-rejected-456');
  });

  it('exits 3, naming the answer as not Prometheus, for activeTargets: [null] (never an internal error)', async () => {
    fake.handler = (_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"success","data":{"activeTargets":[null]}}');
    const result = await verify(['--prometheus-url', fake.url]);
    expect(result.stderr).toBe(
      `runbook: recovery inconclusive (not shown either way): Prometheus at ${fake.url}: /api/v1/targets answered with entry 1 of data.activeTargets not a Prometheus target: "null": is this the Prometheus server?\n`,
    );
    expect(result.exitCode).toBe(3);
  });

  it('refuses a redirect to another origin, with its location', async () => {
    fake.handler = (_request, response) => response.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' }).end();
    const result = await verify(['--prometheus-url', fake.url]);
    expect(result.stderr).toBe(
      `runbook: recovery inconclusive (not shown either way): Prometheus at ${fake.url} redirected /api/v1/targets to another origin, http://127.0.0.1:1/elsewhere: refused (the request carries credentials); give that URL as the Prometheus URL if it is right\n`,
    );
    expect(result.exitCode).toBe(3);
  });

  it('a server that never answers: --recovery-timeout 2s ends it in about 2 s, the request in flight included', async () => {
    fake.handler = () => {};
    const result = await verify(['--prometheus-url', fake.url, '--recovery-timeout', '2s']);
    expect(result.stderr).toBe(`runbook: recovery inconclusive (not shown either way): no answer from Prometheus at ${fake.url} before the recovery timeout (2s) ran out\n`);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/\nRecovery of stage 21_09a NOT verified: inconclusive .*\n(.*\n)*.*checked for 2(\.\d)?s/);
  });
});
