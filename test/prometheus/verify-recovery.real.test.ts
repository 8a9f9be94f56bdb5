/**
 * `verifyRecovery` against a real Prometheus (1 s scrape interval) scraping real target
 * processes that the tests stop, restart and feed values.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/note/threshold.js';
import type { PlanCheck } from '../../src/plan/types.js';
import { createPrometheusClient } from '../../src/prometheus/client.js';
import { verifyRecovery, type VerificationEvent, type VerifyRecoveryOptions } from '../../src/prometheus/verify-recovery.js';
import { startMetricsTarget, startPrometheus, stopAll, waitFor, type MetricsTarget, type PrometheusServer } from '../helpers/prometheus.js';

let prometheus: PrometheusServer;
let butler: MetricsTarget;
let scheduler: MetricsTarget;

beforeAll(async () => {
  butler = await startMetricsTarget({ values: { fixture_error_ratio: 0.002, fixture_latency_seconds: 0.08 } });
  scheduler = await startMetricsTarget({ values: { fixture_queue_depth: 3 } });
  prometheus = await startPrometheus({
    jobs: [
      { job: 'butler', targets: [butler.address] },
      { job: 'scheduler', targets: [scheduler.address] },
    ],
  });
});

afterAll(stopAll);

function check(metric: string, query: string, threshold: string): PlanCheck {
  return { metric, query, threshold: parseThreshold(threshold), thresholdText: threshold, line: 1 };
}

const errorRate = check('Error rate', 'fixture_error_ratio{job="butler"}', '>1.0%');
const latency = check('Latency (p95)', 'fixture_latency_seconds{job="butler"}', '>150ms');

async function verify(options: Partial<VerifyRecoveryOptions>, onEvent?: (event: VerificationEvent) => void) {
  const events: VerificationEvent[] = [];
  const client = createPrometheusClient({ url: prometheus.url });
  const report = await verifyRecovery(
    { since: new Date(), jobs: ['butler', 'scheduler'], checks: [], recoveryTimeoutMs: 20_000, ...options },
    {
      client,
      onEvent: (event) => {
        events.push(event);
        onEvent?.(event);
      },
    },
  );
  return { report, events };
}

describe('verifyRecovery against a real Prometheus', () => {
  it('verifies when every target is up and every check is under its threshold', async () => {
    const since = new Date();
    const { report } = await verify({ since, checks: [errorRate, latency] });

    expect(report.verdict).toBe('verified');
    expect(report.targets.map((target) => [target.name, target.status, target.lastError])).toEqual([
      [`butler (${butler.address})`, 'up', ''],
      [`scheduler (${scheduler.address})`, 'up', ''],
    ]);
    for (const target of report.targets) {
      expect(target.goodScrapes).toBeGreaterThanOrEqual(2);
      // Recovered at its first scrape after `since`: within one scrape interval of it.
      expect(Date.parse(target.recoveredAt!)).toBeGreaterThan(since.getTime());
      expect(target.timeToRecoveryMs).toBeLessThanOrEqual(1_100);
    }
    expect(report.checks.map((entry) => [entry.metric, entry.result, entry.value])).toEqual([
      ['Error rate', 'pass', '0.002 (0.2%)'],
      ['Latency (p95)', 'pass', '0.08 (80ms)'],
    ]);
    expect(report.checks[0]!.reason).toBe('0.002 (0.2%) is not >1%');
    expect(report.timeToRecoveryMs).toBeGreaterThan(0);
    expect(report.measurements.filter((entry) => entry.kind === 'targets').length).toBeGreaterThanOrEqual(2);
    // About one poll per scrape interval, not a busy loop.
    const elapsed = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
    expect(report.requests).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) * 2 + 3);
  });

  it('does not accept an "up" scraped before the rollback ended, and reports a killed target down with its error', async () => {
    // Kill the scheduler just after a scrape: Prometheus still says "up" until its next scrape.
    const justScraped = await prometheus.waitForTarget('scheduler', scheduler.address, (target) => target.health === 'up' && Date.now() - Date.parse(target.lastScrape) < 150, 10_000);
    await scheduler.stop({ kill: true });
    const since = new Date();
    expect(Date.parse(justScraped.lastScrape)).toBeLessThan(since.getTime());

    const { report } = await verify({ since, jobs: ['scheduler'], recoveryTimeoutMs: 2_500 });

    const first = report.measurements[0]!;
    expect(first.kind).toBe('targets');
    if (first.kind !== 'targets') return;
    expect(first.notUp).toEqual([expect.objectContaining({ name: `scheduler (${scheduler.address})`, status: 'stale', health: 'up' })]);
    expect(report.verdict).toBe('failed');
    expect(report.targets[0]).toMatchObject({ status: 'down', health: 'down', goodScrapes: 0 });
    expect(report.targets[0]!.lastError).toMatch(/connection refused/);
    expect(report.reason).toBe(`scheduler (${scheduler.address}) is down: connection refused after 2.5s`);
  });

  it('detects a restarted target and times its recovery', async () => {
    if (scheduler.running) await scheduler.stop({ kill: true });
    await prometheus.waitForTarget('scheduler', scheduler.address, (target) => target.health === 'down');
    const since = new Date();
    let restartedAt = 0;
    const restart = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await scheduler.restart();
      restartedAt = Date.now();
    })();
    const progress: string[] = [];
    const { report, events } = await verify({ since, jobs: ['scheduler'] }, (event) => {
      if (event.type === 'targets-polled') progress.push(event.message);
    });
    await restart;

    expect(report.verdict).toBe('verified');
    expect(progress[0]).toBe(`0/1 target up — waiting for scheduler (${scheduler.address}): connection refused`);
    const recovered = events.find((event) => event.type === 'target-recovered');
    expect(recovered).toBeDefined();
    if (recovered?.type !== 'target-recovered') return;
    // The first good scrape comes after the restart, within one scrape interval…
    expect(recovered.recoveredAt.getTime()).toBeGreaterThanOrEqual(restartedAt - 50);
    expect(recovered.recoveredAt.getTime()).toBeLessThanOrEqual(restartedAt + 1_100);
    // …and runbook notices it promptly after it.
    expect(recovered.at.getTime() - recovered.recoveredAt.getTime()).toBeLessThan(800);
    expect(report.targets[0]!.timeToRecoveryMs).toBe(recovered.timeToRecoveryMs);
    expect(report.targets[0]!.timeToRecoveryMs).toBeGreaterThanOrEqual(1_400);
  });

  it('fails a metric above its threshold, then passes once it falls', async () => {
    await butler.set({ fixture_error_ratio: 0.05 });
    await waitFor('the high value to be scraped', async () => {
      const data = (await prometheus.query('fixture_error_ratio')) as { result: { value: [number, string] }[] };
      return data.result[0]?.value[1] === '0.05' ? true : undefined;
    });
    const results: string[] = [];
    let lowered = false;
    const { report } = await verify({ jobs: ['butler'], checks: [errorRate] }, (event) => {
      if (event.type !== 'check-measured') return;
      results.push(`${event.check.result} ${event.check.value}`);
      if (event.check.result === 'fail' && !lowered) {
        lowered = true;
        void butler.set({ fixture_error_ratio: 0.004 });
      }
    });

    expect(results[0]).toBe('fail 0.05 (5%)');
    expect(results.at(-1)).toBe('pass 0.004 (0.4%)');
    expect(report.verdict).toBe('verified');
    expect(report.checks[0]).toMatchObject({ result: 'pass', reason: '0.004 (0.4%) is not >1%' });
    expect(report.checks[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(report.measurements.filter((entry) => entry.kind === 'check').map((entry) => entry.kind === 'check' && entry.result)).toEqual(results.map((line) => line.split(' ')[0]));
  });

  it('reports a metric that stays above its threshold as failed when time runs out', async () => {
    await butler.set({ fixture_latency_seconds: 0.3 });
    await waitFor('the slow latency to be scraped', async () => {
      const data = (await prometheus.query('fixture_latency_seconds')) as { result: { value: [number, string] }[] };
      return data.result[0]?.value[1] === '0.3' ? true : undefined;
    });
    const { report } = await verify({ jobs: ['butler'], checks: [latency], recoveryTimeoutMs: 4_500 });
    await butler.set({ fixture_latency_seconds: 0.08 });

    expect(report.verdict).toBe('failed');
    expect(report.reason).toBe('Latency (p95): 0.3 (300ms) is >150ms');
    expect(report.checks[0]!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('calls a query without data inconclusive, or what --no-data says', async () => {
    const missing = check('Queue latency', 'fixture_metric_nobody_exports', '>1s');
    const [inconclusive, failed, passed] = await Promise.all([
      verify({ jobs: ['butler'], checks: [missing], recoveryTimeoutMs: 4_500 }),
      verify({ jobs: ['butler'], checks: [missing], recoveryTimeoutMs: 4_500, noData: 'fail' }),
      verify({ jobs: ['butler'], checks: [missing], noData: 'pass' }),
    ]);
    expect(inconclusive.report.verdict).toBe('inconclusive');
    expect(inconclusive.report.reason).toBe('Queue latency: no data (empty result)');
    expect(inconclusive.report.checks[0]!.attempts).toBeGreaterThanOrEqual(2);

    expect(failed.report.verdict).toBe('failed');
    expect(failed.report.reason).toBe('Queue latency: no data (empty result), counted as a failure (--no-data=fail)');

    expect(passed.report.verdict).toBe('verified');
    expect(passed.report.checks[0]).toMatchObject({ result: 'pass', reason: 'no data (empty result), counted as a pass (--no-data=pass)' });
  });

  it('treats NaN as no data', async () => {
    await butler.set({ fixture_nan_seconds: 'NaN' });
    await waitFor('the NaN gauge to be scraped', async () => ((await prometheus.query('fixture_nan_seconds')) as { result: unknown[] }).result.length > 0 || undefined);
    const { report } = await verify({ jobs: ['butler'], checks: [check('Cold start', 'fixture_nan_seconds', '>2s')], recoveryTimeoutMs: 4_500 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.checks[0]).toMatchObject({ result: 'inconclusive', reason: 'NaN: no usable value' });
  });

  it("shows Prometheus' error for a bad query verbatim and does not ask again", async () => {
    const { report } = await verify({ jobs: ['butler'], checks: [check('Broken', 'rate(fixture_error_ratio[5m]', '>1')], recoveryTimeoutMs: 3_000 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.checks[0]).toMatchObject({ result: 'error', attempts: 1 });
    expect(report.checks[0]!.reason).toBe(`Prometheus at ${prometheus.url} answered HTTP 400, bad_data: invalid parameter "query": 1:29: parse error: unclosed left parenthesis`);
  });

  it('is inconclusive when no active target matches the selectors, naming the known jobs', async () => {
    const { report } = await verify({ jobs: ['butlr'], recoveryTimeoutMs: 1_500 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toBe('no active target matches job=butlr (jobs: butler, scheduler)');
    expect(report.knownJobs).toEqual(['butler', 'scheduler']);
  });
});
