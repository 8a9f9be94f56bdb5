/**
 * Since-the-rollback windows against the real engines, Prometheus and VictoriaMetrics, run
 * unchanged against both: a metric that was above its threshold before the rollback passes
 * within a minute after it (the note's 5-minute window would keep the old errors for five
 * minutes), and a metric that is still bad after it fails.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/note/threshold.js';
import { verifyRecovery } from '../../src/prometheus/verify-recovery.js';
import { type MetricsTarget, type PrometheusServer, type ScrapingServerOptions, startMetricsTarget, startPrometheus, stopAll, waitFor } from '../helpers/prometheus.js';
import { startVictoriaMetrics } from '../helpers/victoria-metrics.js';

const check = { metric: 'Error rate', query: 'avg_over_time(fixture_error_ratio{job="butler"}[5m])', threshold: parseThreshold('>1%'), thresholdText: '>1%', line: 1 };

afterAll(() => stopAll());

describe.each<[string, (options: ScrapingServerOptions) => Promise<PrometheusServer>]>([
  ['Prometheus', startPrometheus],
  ['VictoriaMetrics', startVictoriaMetrics],
])('since-the-rollback windows against a real %s', (_engine, start) => {
  let target: MetricsTarget;
  let server: PrometheusServer;
  beforeAll(async () => {
    target = await startMetricsTarget({ values: { fixture_error_ratio: 0.2 } });
    server = await start({ jobs: [{ job: 'butler', targets: [target.address] }] });
  }, 60_000);

  /** The service is broken for a few seconds, then the "rollback" sets the ratio to `after`; returns when that was. */
  async function rollBackTo(after: number): Promise<Date> {
    await target.set({ fixture_error_ratio: 0.2 });
    await waitFor('the broken ratio to be scraped', async () => ((await server.query('fixture_error_ratio')) as { result: { value: [number, string] }[] }).result[0]?.value[1] === '0.2' || undefined);
    await sleep(3_000);
    await target.set({ fixture_error_ratio: after });
    return new Date();
  }

  it('a metric above its threshold before the rollback passes within a minute after it', async () => {
    const since = await rollBackTo(0.001);
    const report = await verifyRecovery({ url: server.url, since, jobs: ['butler'], checks: [check], window: 'since-rollback', recoveryTimeoutMs: 60_000 });
    expect(report.verdict, report.reason).toBe('verified');
    expect(report.timeToRecoveryMs).toBeLessThan(60_000);
    expect(report.checks[0]).toMatchObject({ result: 'pass', passes: 2, query: check.query, sentQuery: expect.stringMatching(/^avg_over_time\(fixture_error_ratio\{job="butler"\}\[\d+s\]\)$/) });

    // The note's own window still holds the errors from before the rollback.
    const asWritten = await verifyRecovery({ url: server.url, since, jobs: ['butler'], checks: [check], window: 'note', recoveryTimeoutMs: 2_500 });
    expect(asWritten.verdict).toBe('failed');
    expect(asWritten.checks[0]).toMatchObject({ result: 'fail', sentQuery: check.query });
  }, 90_000);

  it('a metric still bad after the rollback fails', async () => {
    const since = await rollBackTo(0.2);
    const report = await verifyRecovery({ url: server.url, since, jobs: ['butler'], checks: [check], window: 'since-rollback', recoveryTimeoutMs: 5_000 });
    expect(report.verdict).toBe('failed');
    expect(report.reason).toBe('Error rate: 0.2 (20%) is >1%');
    expect(report.timeToRecoveryMs).toBeUndefined();
    // Waiting for the broken ratio to be scraped takes a few scrape intervals; more on a busy machine.
  }, 90_000);
});
