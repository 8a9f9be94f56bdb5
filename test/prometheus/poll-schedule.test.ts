import { describe, expect, it } from 'vitest';
import type { TargetState } from '../../src/prometheus/evaluate-targets.js';
import { DEFAULT_POLL_TIMING, planNextPoll } from '../../src/prometheus/poll-schedule.js';

const NOW = 1_000_000;
function state(lastScrapeAgoMs: number | undefined, intervalMs: number | undefined, durationMs = 5): TargetState {
  return {
    key: `k${lastScrapeAgoMs}-${intervalMs}`,
    name: 'butler (a:1)',
    job: 'butler',
    instance: 'a:1',
    labels: {},
    scrapeUrl: 'http://a:1/metrics',
    health: 'down',
    lastError: 'connection refused',
    lastScrapeMs: lastScrapeAgoMs === undefined ? undefined : NOW - lastScrapeAgoMs,
    lastScrapeDurationMs: durationMs,
    scrapeIntervalMs: intervalMs,
    status: 'down',
  };
}

describe('planNextPoll', () => {
  const timing = DEFAULT_POLL_TIMING; // floor 100, ceiling 10 s, margin 40, fallback 1 s
  it.each([
    ['just after the next scrape of the awaited target', [state(300, 1_000)], 0, { delayMs: 700 + 5 + 40, overdue: false }],
    ['the earliest of a few awaited targets', [state(300, 1_000), state(900, 1_000)], 0, { delayMs: 100 + 5 + 40, overdue: false }],
    ['many awaited targets: a quarter interval apart', [1, 2, 3, 4, 5].map((n) => state(900 + n, 1_000)), 0, { delayMs: 250, overdue: false }],
    ['never sooner than the floor', [state(990, 1_000, 0)], 0, { delayMs: 100, overdue: false }],
    ['never later than the ceiling (1 min scrape interval)', [state(1_000, 60_000)], 0, { delayMs: 10_000, overdue: false }],
    ['a scrape that is due but not published yet: retry at the floor', [state(1_200, 1_000)], 0, { delayMs: 100, overdue: true }],
    ['…then back off', [state(1_400, 1_000)], 2, { delayMs: 400, overdue: true }],
    ['…to at most half a scrape interval', [state(5_000, 1_000)], 6, { delayMs: 500, overdue: true }],
    ['no timing known (never scraped): the fallback', [state(undefined, 15_000)], 0, { delayMs: 1_000, overdue: false }],
    ['no timing known and a short interval: the interval', [state(undefined, 500)], 0, { delayMs: 500, overdue: false }],
    ['no interval reported (old Prometheus): the fallback', [state(200, undefined)], 0, { delayMs: 1_000, overdue: false }],
    ['nothing awaited: the fallback', [], 0, { delayMs: 1_000, overdue: false }],
  ] as [string, TargetState[], number, { delayMs: number; overdue: boolean }][])('%s', (_name, awaited, overdue, expected) => {
    expect(planNextPoll(awaited, NOW, timing, overdue)).toEqual(expected);
  });
});
