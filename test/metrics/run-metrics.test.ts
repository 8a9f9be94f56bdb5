/**
 * The run's own metrics: what the registry holds, the textfile written atomically, and a
 * real Pushgateway that receives them and a real Prometheus that scrapes them back.
 */

import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunMetrics, pushMetrics, recordVerification, Registry, writeMetricsFile } from '../../src/metrics/run-metrics.js';
import { freePort, startPrometheus, startPushgateway, stopAll, waitFor, type PrometheusServer, type PushgatewayServer } from '../helpers/prometheus.js';

function sampleRun(stage = '21_01a') {
  const registry = new Registry();
  const metrics = createRunMetrics(registry, stage);
  metrics.stepFinished({ step: '1 Disable feature flag', result: 'success', durationSeconds: 0.8 });
  metrics.stepFinished({ step: '2 Validate rollback', result: 'success', durationSeconds: 12 });
  metrics.stepFinished({ step: '3 Communicate', result: 'skipped', durationSeconds: 0 });
  metrics.checkResult('Error rate', 'fail');
  metrics.checkResult('Error rate', 'pass');
  metrics.checkResult('Latency (p95)', 'inconclusive');
  metrics.recovered(42.5);
  metrics.runFinished(true);
  return registry;
}

describe('run metrics', () => {
  it('records steps, the result, time to recovery and one series per check', async () => {
    const text = await sampleRun().metrics();
    const lines = text.split('\n').filter((line) => line.startsWith('runbook_') && !line.includes('_bucket'));
    expect(lines).toEqual([
      'runbook_step_duration_seconds_sum{stage="21_01a",step="1 Disable feature flag",result="success"} 0.8',
      'runbook_step_duration_seconds_count{stage="21_01a",step="1 Disable feature flag",result="success"} 1',
      'runbook_step_duration_seconds_sum{stage="21_01a",step="2 Validate rollback",result="success"} 12',
      'runbook_step_duration_seconds_count{stage="21_01a",step="2 Validate rollback",result="success"} 1',
      'runbook_step_duration_seconds_sum{stage="21_01a",step="3 Communicate",result="skipped"} 0',
      'runbook_step_duration_seconds_count{stage="21_01a",step="3 Communicate",result="skipped"} 1',
      'runbook_steps_total{stage="21_01a",result="success"} 2',
      'runbook_steps_total{stage="21_01a",result="skipped"} 1',
      'runbook_run_result{stage="21_01a"} 1',
      'runbook_time_to_recovery_seconds{stage="21_01a"} 42.5',
      'runbook_recovery_checks{stage="21_01a",check="Error rate",result="pass"} 1',
      'runbook_recovery_checks{stage="21_01a",check="Latency (p95)",result="inconclusive"} 0',
    ]);
    expect(text).toContain('runbook_step_duration_seconds_bucket{le="1",stage="21_01a",step="1 Disable feature flag",result="success"} 1');
  });

  it('uses the registry it is given, not the global one', async () => {
    const { register } = await import('prom-client');
    sampleRun();
    expect(await register.metrics()).not.toContain('runbook_');
  });

  it('records a verification: every check, and time to recovery only when verified', async () => {
    const check = (metric: string, result: 'pass' | 'fail') => ({ metric, result, reason: '', series: [], attempts: 1, line: 1 });
    const verified = new Registry();
    recordVerification(createRunMetrics(verified, 's1'), { verdict: 'verified', timeToRecoveryMs: 12_345, checks: [check('Error rate', 'pass')] });
    const failed = new Registry();
    recordVerification(createRunMetrics(failed, 's2'), { verdict: 'failed', timeToRecoveryMs: undefined, checks: [check('Error rate', 'fail')] });
    expect(await verified.metrics()).toContain('runbook_time_to_recovery_seconds{stage="s1"} 12.345');
    expect(await verified.metrics()).toContain('runbook_recovery_checks{stage="s1",check="Error rate",result="pass"} 1');
    expect(await failed.metrics()).not.toMatch(/runbook_time_to_recovery_seconds\{/);
    expect(await failed.metrics()).toContain('runbook_recovery_checks{stage="s2",check="Error rate",result="fail"} 0');
  });

  it('reports a failed run as 0', async () => {
    const registry = new Registry();
    createRunMetrics(registry, '21_01b').runFinished(false);
    expect(await registry.metrics()).toContain('runbook_run_result{stage="21_01b"} 0');
  });
});

describe('writeMetricsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-textfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the text format atomically, replacing the previous file, leaving no temp file', async () => {
    const path = join(dir, 'runbook.prom');
    writeFileSync(path, 'old content\n');
    const registry = sampleRun();
    await expect(writeMetricsFile(path, registry)).resolves.toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toBe(await registry.metrics());
    expect(readdirSync(dir)).toEqual(['runbook.prom']);
  });

  it('warns, without throwing, when the directory does not exist', async () => {
    const path = join(dir, 'missing', 'runbook.prom');
    await expect(writeMetricsFile(path, sampleRun())).resolves.toEqual({ ok: false, warning: `--metrics-file ${path}: its folder ${join(dir, 'missing')} does not exist` });
  });
});

describe('--metrics-file and --report replace whatever is there: now only regular files or new paths', () => {
  it.each([
    ['/dev/null', 'a character device'],
    ['/dev/full', 'a character device'],
    ['/tmp', 'a directory'],
  ])('%s is refused (%s), left as it was, no temp file beside it', async (path, kind) => {
    const before = readdirSync(dirname(path));
    await expect(writeMetricsFile(path, sampleRun())).resolves.toEqual({
      ok: false,
      warning: `--metrics-file ${path} is ${kind}, not a regular file: give the path of a file to write (it is replaced) or a new one`,
    });
    expect(readdirSync(dirname(path))).toEqual(before);
    expect(statSync(path).isFile()).toBe(false);
  });

  it('a symlink to a regular file is written through (the link stays); a symlink to a device is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-textfile-link-'));
    writeFileSync(join(dir, 'real.prom'), 'old\n');
    symlinkSync(join(dir, 'real.prom'), join(dir, 'link.prom'));
    symlinkSync('/dev/null', join(dir, 'null.prom'));
    await expect(writeMetricsFile(join(dir, 'link.prom'), sampleRun())).resolves.toEqual({ ok: true });
    expect(lstatSync(join(dir, 'link.prom')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.prom'), 'utf8')).toContain('runbook_');
    await expect(writeMetricsFile(join(dir, 'null.prom'), sampleRun())).resolves.toEqual({
      ok: false,
      warning: `--metrics-file ${join(dir, 'null.prom')} is a symlink to a character device (/dev/null), not a regular file: give the path of a file to write (it is replaced) or a new one`,
    });
    expect(readdirSync(dir).sort()).toEqual(['link.prom', 'null.prom', 'real.prom']);
    rmSync(dir, { recursive: true });
  });
});

describe('pushMetrics to a real Pushgateway, scraped back by a real Prometheus', () => {
  let pushgateway: PushgatewayServer;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    pushgateway = await startPushgateway();
    prometheus = await startPrometheus({ jobs: [{ job: 'pushgateway', targets: [pushgateway.address], honorLabels: true }] });
  });
  afterAll(stopAll);

  it('pushes as job runbook grouped by stage, and Prometheus scrapes the values back', async () => {
    await expect(pushMetrics(pushgateway.url, sampleRun('21_01a'), '21_01a')).resolves.toEqual({ ok: true });
    const failed = new Registry();
    createRunMetrics(failed, '21_01b').runFinished(false);
    await expect(pushMetrics(pushgateway.url, failed, '21_01b')).resolves.toEqual({ ok: true });

    const exposed = await (await fetch(`${pushgateway.url}/metrics`)).text();
    expect(exposed).toContain('runbook_run_result{instance="",job="runbook",stage="21_01a"} 1');
    expect(exposed).toContain('runbook_run_result{instance="",job="runbook",stage="21_01b"} 0');

    const results = await waitFor('Prometheus to scrape the pushed run results', async () => {
      const data = (await prometheus.query('runbook_run_result{job="runbook"}')) as { result: { metric: Record<string, string>; value: [number, string] }[] };
      return data.result.length === 2 ? data.result : undefined;
    });
    expect(results.map((series) => [series.metric.stage, series.value[1]]).sort()).toEqual([
      ['21_01a', '1'],
      ['21_01b', '0'],
    ]);
    const recovery = (await prometheus.query('runbook_time_to_recovery_seconds{stage="21_01a"}')) as { result: { value: [number, string] }[] };
    expect(recovery.result.map((series) => series.value[1])).toEqual(['42.5']);
    const checks = (await prometheus.query('runbook_recovery_checks{stage="21_01a"}')) as { result: { metric: Record<string, string>; value: [number, string] }[] };
    expect(checks.result.map((series) => [series.metric.check, series.metric.result, series.value[1]]).sort()).toEqual([
      ['Error rate', 'pass', '1'],
      ['Latency (p95)', 'inconclusive', '0'],
    ]);
  });

  it("replaces a stage's previous push", async () => {
    const again = new Registry();
    createRunMetrics(again, '21_01a').runFinished(false);
    await expect(pushMetrics(pushgateway.url, again, '21_01a')).resolves.toEqual({ ok: true });
    const exposed = await (await fetch(`${pushgateway.url}/metrics`)).text();
    expect(exposed).toContain('runbook_run_result{instance="",job="runbook",stage="21_01a"} 0');
    expect(exposed).not.toContain('runbook_time_to_recovery_seconds{instance="",job="runbook",stage="21_01a"}');
  });

  it('only warns when the Pushgateway is down, with credentials masked', async () => {
    const port = await freePort();
    await expect(pushMetrics(`http://ci:hunter22@127.0.0.1:${port}`, sampleRun(), '21_01a')).resolves.toEqual({
      ok: false,
      warning: `could not push metrics to the Pushgateway at http://ci:***@127.0.0.1:${port}: connection refused`,
    });
  });

  it('only warns when the URL is not one', async () => {
    await expect(pushMetrics('pushgateway:9091', sampleRun(), '21_01a')).resolves.toMatchObject({ ok: false, warning: expect.stringMatching(/^could not push metrics to the Pushgateway at pushgateway:9091: /) });
  });
});
