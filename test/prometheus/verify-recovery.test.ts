/**
 * The verification loop on a fake clock against a simulated Prometheus: when it polls, how
 * soon it sees recovery, how it counts stable scrapes, how it ends.
 */

import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { parseThreshold } from '../../src/note/threshold.js';
import type { PrometheusApi } from '../../src/prometheus/client.js';
import { PrometheusError } from '../../src/prometheus/errors.js';
import { verifyRecovery, type VerificationEvent } from '../../src/prometheus/verify-recovery.js';
import { FakeClock, simulatePrometheus, type SimulatedTarget } from '../helpers/simulated-prometheus.js';

const START = Date.parse('2025-11-25T10:00:00Z');

/** Scraped every second at offset .200; the service is back for scrapes from `upFrom` on. */
function butler(upFrom: number, overrides: Partial<SimulatedTarget> = {}): SimulatedTarget {
  return { job: 'butler', instance: '127.0.0.1:8001', intervalMs: 1_000, offsetMs: START + 200, healthy: (scrape) => scrape >= upFrom, ...overrides };
}

async function run(clock: FakeClock, targets: SimulatedTarget[], options: Partial<Parameters<typeof verifyRecovery>[0]> = {}, signal?: AbortSignal) {
  const client = simulatePrometheus(clock, targets);
  const events: VerificationEvent[] = [];
  const report = await verifyRecovery({ since: new Date(START), checks: [], ...options }, { client, now: clock.now, sleep: clock.sleep, onEvent: (event) => events.push(event), signal });
  return { report, events, polls: client.polls };
}

describe('verifyRecovery: polling', () => {
  it('polls once per scrape interval, just after the scrape, and sees recovery within the margin', async () => {
    const clock = new FakeClock(START + 250);
    const { report, events, polls } = await run(clock, [butler(START + 3_000)]);

    expect(report.verdict).toBe('verified');
    const recovered = events.find((event) => event.type === 'target-recovered');
    if (recovered?.type !== 'target-recovered') throw new Error('no target-recovered event');
    // First good scrape starts at 3.200 s, is published at 3.205 s; the poll comes 40 ms later.
    expect(recovered.recoveredAt.getTime()).toBe(START + 3_200);
    expect(recovered.at.getTime() - recovered.recoveredAt.getTime()).toBe(45);
    expect(report.targets[0]).toMatchObject({ timeToRecoveryMs: 3_200, goodScrapes: 2, recoveredAt: new Date(START + 3_200).toISOString() });
    // Stable after the second good scrape (4.200 s). One poll per interval after the first.
    expect(polls.map((at) => at - START)).toEqual([250, 1_245, 2_245, 3_245, 4_245]);
    expect(report.requests).toBe(5);
  });

  it('retries quickly, then backs off, when a scrape is published later than expected', async () => {
    const clock = new FakeClock(START + 50);
    // Prometheus publishes each scrape 150 ms after it ends: the poll at +45 ms is too early.
    const { events, polls } = await run(clock, [butler(START + 3_000, { publishDelayMs: 150 })], { stable: 1 });
    const recovered = events.find((event) => event.type === 'target-recovered');
    if (recovered?.type !== 'target-recovered') throw new Error('no target-recovered event');
    expect(recovered.recoveredAt.getTime()).toBe(START + 3_200);
    // 3.245 too early → +100 ms (3.345 still early) → +200 ms (3.545) sees it.
    expect(polls.filter((at) => at > START + 3_000).map((at) => at - START)).toEqual([3_245, 3_345, 3_545]);
    expect(recovered.at.getTime() - recovered.recoveredAt.getTime()).toBe(345);
  });

  it('counts a stable reading only for a new scrape', async () => {
    const clock = new FakeClock(START + 50);
    const { report, events } = await run(clock, [butler(START)], { stable: 3 });
    expect(report.verdict).toBe('verified');
    const polled = events.filter((event) => event.type === 'targets-polled').map((event) => event.type === 'targets-polled' && event.message);
    expect(polled).toEqual([
      '0/1 target up — waiting for butler (127.0.0.1:8001): not scraped yet',
      '1/1 target up — confirming: 1 good scrape in a row so far',
      '1/1 target up — confirming: 2 good scrapes in a row so far',
      '1/1 target up',
    ]);
    expect(report.targets[0]!.goodScrapes).toBe(3);
  });

  it('starts over when a recovered target goes down again', async () => {
    const clock = new FakeClock(START + 50);
    const flapping = butler(0, { healthy: (scrape) => scrape - START === 1_200 || scrape - START >= 3_200 });
    const { report, events } = await run(clock, [flapping]);
    expect(events.filter((event) => event.type === 'target-recovered' || event.type === 'target-lost').map((event) => event.type)).toEqual(['target-recovered', 'target-lost', 'target-recovered']);
    expect(report.targets[0]!.recoveredAt).toBe(new Date(START + 3_200).toISOString());
    expect(report.verdict).toBe('verified');
  });

  it('spaces polls for many targets at different offsets: a few per interval, not one per target', async () => {
    const clock = new FakeClock(START + 50);
    const many = Array.from({ length: 100 }, (_, index) => butler(START + 5_000, { instance: `10.0.0.${index}:8001`, offsetMs: START + index * 10 }));
    const { report, polls } = await run(clock, many, { recoveryTimeoutMs: 20_000 });
    expect(report.verdict).toBe('verified');
    const gaps = polls.slice(1).map((at, index) => at - polls[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    const elapsed = polls.at(-1)! - polls[0]!;
    expect(polls.length / (elapsed / 1_000)).toBeLessThanOrEqual(4.5);
  });

  it('respects the ceiling for slow scrape intervals', async () => {
    const clock = new FakeClock(START + 50);
    const { polls } = await run(clock, [butler(START + 100_000, { intervalMs: 60_000 })], { recoveryTimeoutMs: 120_000 });
    const gaps = polls.slice(1).map((at, index) => at - polls[index]!);
    expect(Math.max(...gaps)).toBe(10_000);
  });
});

describe('verifyRecovery: endings', () => {
  it('fails a target that never comes back, ending on time', async () => {
    const clock = new FakeClock(START + 50);
    const { report, polls } = await run(clock, [butler(Infinity)], { recoveryTimeoutMs: 10_000 });
    expect(report.verdict).toBe('failed');
    expect(report.reason).toBe('butler (127.0.0.1:8001) is down: connection refused after 10s');
    expect(Date.parse(report.finishedAt) - Date.parse(report.startedAt)).toBe(10_000);
    expect(polls.length).toBeLessThanOrEqual(12);
    expect(report.targets[0]).toMatchObject({ status: 'down', goodScrapes: 0, recoveredAt: undefined, timeToRecoveryMs: undefined });
  });

  it('is inconclusive when the target was never scraped after the rollback', async () => {
    const clock = new FakeClock(START + 50);
    // Scraped once a minute, last at .200: nothing new within a 5 s timeout.
    const { report } = await run(clock, [butler(0, { intervalMs: 60_000, offsetMs: START - 60_000 + 200 })], { recoveryTimeoutMs: 5_000, since: new Date(START + 1_000) });
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toBe('butler (127.0.0.1:8001): no scrape since the rollback ended yet after 5s');
  });

  it('is inconclusive when a target is up but not yet for --stable scrapes in a row', async () => {
    const clock = new FakeClock(START + 250);
    const { report } = await run(clock, [butler(START)], { stable: 5, recoveryTimeoutMs: 2_500 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toBe('butler (127.0.0.1:8001): only 3 of 5 good scrapes after 2.5s');
    expect(report.targets[0]).toMatchObject({ status: 'up', goodScrapes: 3 });
  });

  it('stops with an InterruptedError when the signal aborts', async () => {
    const clock = new FakeClock(START + 50);
    const controller = new AbortController();
    const client = simulatePrometheus(clock, [butler(Infinity)]);
    const sleep = async (ms: number, signal?: AbortSignal) => {
      if (clock.ms > START + 2_000) controller.abort(new Error('Ctrl-C'));
      await clock.sleep(ms, signal);
    };
    await expect(verifyRecovery({ since: new Date(START), checks: [] }, { client, now: clock.now, sleep, signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
  });

  it('ends inconclusive, with the error, when Prometheus cannot be asked', async () => {
    const clock = new FakeClock(START);
    let requests = 0;
    const client: PrometheusApi = {
      url: 'http://127.0.0.1:9',
      get requests() {
        return requests;
      },
      async targets() {
        requests += 4;
        throw new PrometheusError('cannot reach Prometheus at http://127.0.0.1:9: connection refused (gave up after 4 attempts)', { kind: 'unreachable', transient: true, attempts: 4 });
      },
      async query() {
        throw new Error('not asked');
      },
    };
    const check = { metric: 'Error rate', query: 'rate(x[5m])', threshold: parseThreshold('>1%'), thresholdText: '>1%', line: 3 };
    const events: VerificationEvent[] = [];
    const report = await verifyRecovery({ since: new Date(START), checks: [check] }, { client, now: clock.now, sleep: clock.sleep, onEvent: (event) => events.push(event) });
    expect(report).toMatchObject({
      verdict: 'inconclusive',
      reason: 'cannot reach Prometheus at http://127.0.0.1:9: connection refused (gave up after 4 attempts)',
      error: 'cannot reach Prometheus at http://127.0.0.1:9: connection refused (gave up after 4 attempts)',
      requests: 4,
    });
    expect(report.checks).toEqual([expect.objectContaining({ metric: 'Error rate', result: 'skipped', reason: 'not checked: Prometheus could not be asked' })]);
    expect(report.measurements).toEqual([expect.objectContaining({ kind: 'error', during: 'targets' })]);
    expect(events.map((event) => event.type)).toEqual(['error', 'targets-finished', 'checks-finished']);
  });

  it('lists checks it cannot run as not checked, without failing on them', async () => {
    const clock = new FakeClock(START + 50);
    const { report } = await run(clock, [butler(START)], {
      checks: [
        { metric: 'Cache warmth', thresholdText: '>100ms', threshold: parseThreshold('>100ms'), line: 5 },
        { metric: 'Throughput', query: 'rate(x[1m])', thresholdText: 'drops sharply', line: 6 },
        { metric: 'Saturation', query: 'y', line: 7 },
      ],
    });
    expect(report.verdict).toBe('verified');
    expect(report.checks.map((check) => [check.metric, check.result, check.reason])).toEqual([
      ['Cache warmth', 'skipped', 'not checked: no PromQL query'],
      ['Throughput', 'skipped', 'not checked: threshold "drops sharply" not understood'],
      ['Saturation', 'skipped', 'not checked: no alert threshold'],
    ]);
  });

  it('retries checks once per scrape interval until they pass', async () => {
    const clock = new FakeClock(START + 50);
    const client = simulatePrometheus(clock, [butler(START)], (_promql, at) => ({
      data: { resultType: 'vector', result: [{ metric: { job: 'butler' }, value: [at / 1000, at < START + 6_000 ? '0.03' : '0.002'] }] },
      warnings: [],
    }));
    const check = { metric: 'Error rate', query: 'rate(errors[5m])', threshold: parseThreshold('>1.0%'), thresholdText: '>1.0%', line: 3 };
    const measured: [number, string][] = [];
    const report = await verifyRecovery(
      { since: new Date(START), checks: [check] },
      { client, now: clock.now, sleep: clock.sleep, onEvent: (event) => event.type === 'check-measured' && measured.push([clock.ms - START, event.check.result]) },
    );
    expect(report.verdict).toBe('verified');
    // Targets are stable at 1.245 s; the error rate falls under 1% at 6 s, and holds (--stable 2) at 7 s.
    expect(measured.map(([at, result]) => `${at} ${result}`)).toEqual(['1245 fail', '2245 fail', '3245 fail', '4245 fail', '5245 fail', '6245 inconclusive', '7245 pass']);
    expect(report.checks[0]).toMatchObject({ result: 'pass', attempts: 7, passes: 2, threshold: '>1.0%', baseThreshold: '>0.01', value: '0.002 (0.2%)' });
    // Recovery came when the check first passed, not when that was confirmed.
    expect(report.timeToRecoveryMs).toBe(6245);
  });
});

describe('verifyRecovery: servers that answer queries but do not scrape (Thanos Query, Mimir)', () => {
  const check = { metric: 'Error rate', query: 'rate(errors[5m])', threshold: parseThreshold('>1.0%'), thresholdText: '>1.0%', line: 3 };
  /** Answers queries with `value`; `/api/v1/targets` as Mimir does: 404. */
  function mimir(value: string): PrometheusApi & { targetRequests: number } {
    let requests = 0;
    return {
      url: 'http://mimir/prometheus',
      targetRequests: 0,
      get requests() {
        return requests;
      },
      async targets() {
        requests += 1;
        this.targetRequests += 1;
        throw new PrometheusError('Prometheus at http://mimir/prometheus answered /api/v1/targets with invalid JSON (HTTP 404, 19 bytes)', { kind: 'not-prometheus', transient: false, status: 404 });
      },
      async query() {
        requests += 1;
        return { data: { resultType: 'vector', result: [{ metric: {}, value: [START / 1000, value] }] }, warnings: [] } as never;
      },
    };
  }

  it('with checkTargets false, asks for no targets and is verified by the checks alone', async () => {
    const clock = new FakeClock(START);
    const client = mimir('0.002');
    const report = await verifyRecovery({ since: new Date(START), checks: [check], checkTargets: false }, { client, now: clock.now, sleep: clock.sleep });
    expect(client.targetRequests).toBe(0);
    expect(report).toMatchObject({ verdict: 'verified', reason: 'targets not checked (--no-targets); 1 check under threshold', targetsChecked: false, targets: [] });
  });

  it('with checkTargets false, fails on a check over its threshold, retried until the timeout', async () => {
    const clock = new FakeClock(START);
    const report = await verifyRecovery({ since: new Date(START), checks: [check], checkTargets: false, recoveryTimeoutMs: 10_000 }, { client: mimir('0.05'), now: clock.now, sleep: clock.sleep });
    expect(report).toMatchObject({ verdict: 'failed', reason: 'Error rate: 0.05 (5%) is >1%' });
    expect(report.checks[0]!.attempts).toBeGreaterThan(1);
  });

  it('with checkTargets false and no check to run, verifies nothing: inconclusive', async () => {
    const clock = new FakeClock(START);
    const report = await verifyRecovery({ since: new Date(START), checks: [], checkTargets: false }, { client: mimir('0'), now: clock.now, sleep: clock.sleep });
    expect(report).toMatchObject({ verdict: 'inconclusive', reason: 'nothing to verify: targets not checked (--no-targets) and no metric check ran' });
  });

  it('without it, a 404 for the targets says to use --no-targets, and the checks still show their values', async () => {
    const clock = new FakeClock(START);
    const report = await verifyRecovery({ since: new Date(START), checks: [check] }, { client: mimir('0.002'), now: clock.now, sleep: clock.sleep });
    expect(report).toMatchObject({
      verdict: 'inconclusive',
      reason: 'Prometheus at http://mimir/prometheus answered /api/v1/targets with invalid JSON (HTTP 404, 19 bytes); for a server without /api/v1/targets (Mimir, Thanos Query) check metrics only with --no-targets',
      targetsChecked: true,
    });
    // Run once only (the targets are not known to be up), to show its value.
    expect(report.checks[0]).toMatchObject({ result: 'pass', value: '0.002 (0.2%)', attempts: 1 });
  });
});

describe('verifyRecovery: a metric in milliseconds', () => {
  const check = { metric: 'Request time', query: 'avg(request_latency_ms)', threshold: parseThreshold('>150ms'), thresholdText: '>150ms', line: 3 };
  it.each([
    ['120', 'pass', '120ms is not >150ms'],
    ['212', 'fail', '212ms is >150ms'],
  ])('%s ms is compared with >150ms as milliseconds: %s', async (value, result, reason) => {
    const clock = new FakeClock(START + 50);
    const client = simulatePrometheus(clock, [butler(START)], (_promql, at) => ({ data: { resultType: 'vector', result: [{ metric: {}, value: [at / 1000, value] }] }, warnings: [] }));
    const report = await verifyRecovery({ since: new Date(START), checks: [check], stable: 1, recoveryTimeoutMs: 3_000 }, { client, now: clock.now, sleep: clock.sleep });
    expect(report.checks[0]).toMatchObject({ result, reason, value: `${value}ms`, baseThreshold: '>150ms' });
  });
});
