/**
 * `--recovery-timeout` bounds the whole verification, requests in flight included: a
 * Prometheus that hangs or trickles its answer cannot stretch a 1 s timeout (it once made a
 * 10 s timeout take 44 s). And a scrape that is no evidence never verifies.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/note/threshold.js';
import { verifyRecovery } from '../../src/prometheus/verify-recovery.js';
import { json, startFakeHttp, type FakeHttpServer } from '../helpers/fake-http.js';

let server: FakeHttpServer;
beforeAll(async () => {
  server = await startFakeHttp();
});
afterAll(() => server.close());

const check = { metric: 'Error rate', query: 'sum(rate(e{status="error"}[5m])) / sum(rate(e[5m]))', threshold: parseThreshold('>1.0%'), thresholdText: '>1.0%', line: 3 };
const upTarget = (lastScrape: string, extra: Record<string, unknown> = {}) => ({
  labels: { job: 'butler', instance: 'a:1' },
  scrapePool: 'butler',
  scrapeUrl: 'http://a:1/metrics',
  lastError: '',
  lastScrape,
  lastScrapeDuration: 0.001,
  health: 'up',
  scrapeInterval: '1s',
  ...extra,
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe('verifyRecovery: the recovery timeout bounds requests in flight', () => {
  it.each([
    ['hangs', (_request: unknown, _response: unknown) => {}],
    [
      'trickles its answer, a byte at a time',
      (_request: unknown, response: import('node:http').ServerResponse) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => (response.writableEnded ? clearInterval(timer) : response.write(' ')), 100);
        response.on('close', () => clearInterval(timer));
      },
    ],
  ])('a server that %s: inconclusive once the timeout runs out, not later', async (_name, handler) => {
    server.handler = handler as FakeHttpServer['handler'];
    const { value: report, ms } = await timed(() => verifyRecovery({ url: server.url, since: new Date(), checks: [check], recoveryTimeoutMs: 1_000 }));
    expect(report.verdict).toBe('inconclusive');
    expect(report.error).toBe(`no answer from Prometheus at ${server.url} before the recovery timeout (1s) ran out`);
    // Without the bound: 10 s per attempt, 4 attempts, and backoff between them.
    expect(ms).toBeLessThan(5_000);
  });

  it('a query that hangs after the targets came up: the check says so, and the time is kept', async () => {
    server.handler = (request, response) => {
      if (request.url?.startsWith('/api/v1/targets')) json(200, { status: 'success', data: { activeTargets: [upTarget(new Date().toISOString())] } }, response);
    };
    const since = new Date(Date.now() - 5_000);
    const { value: report, ms } = await timed(() => verifyRecovery({ url: server.url, since, checks: [check], recoveryTimeoutMs: 1_000, stable: 1 }));
    expect(report.verdict).toBe('inconclusive');
    expect(report.checks[0]).toMatchObject({ result: 'inconclusive', reason: `no answer from Prometheus at ${server.url} before the recovery timeout (1s) ran out` });
    // Without the bound: 10 s per attempt, 4 attempts, and backoff between them.
    expect(ms).toBeLessThan(5_000);
  });
});

describe('verifyRecovery: scrapes that are no evidence never verify', () => {
  it.each([
    ['a last scrape in the future', upTarget('2097-01-01T00:00:00Z'), "its last scrape (2097-01-01T00:00:00Z) is in the future: is Prometheus' clock right?"],
    ['no scrape interval', upTarget('', { scrapeInterval: undefined }), 'Prometheus reports no scrape interval for it'],
  ])('%s, even with --stable 1', async (_name, target, problem) => {
    server.handler = (_request, response) => json(200, { status: 'success', data: { activeTargets: [{ ...target, lastScrape: target.lastScrape || new Date().toISOString() }] } }, response);
    const report = await verifyRecovery({ url: server.url, since: new Date(Date.now() - 1_000), checks: [], stable: 1, recoveryTimeoutMs: 600 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.timeToRecoveryMs).toBeUndefined();
    expect(report.reason).toBe(`butler (a:1): ${problem} after 600ms`);
  });

  it('an entry of activeTargets that is null: not Prometheus, inconclusive (exit 3), not a crash', async () => {
    server.handler = (_request, response) => json(200, { status: 'success', data: { activeTargets: [null] } }, response);
    const report = await verifyRecovery({ url: server.url, since: new Date(), checks: [], recoveryTimeoutMs: 600 });
    expect(report.verdict).toBe('inconclusive');
    expect(report.error).toBe(`Prometheus at ${server.url}: /api/v1/targets answered with entry 1 of data.activeTargets not a Prometheus target: "null": is this the Prometheus server?`);
  });
});
