/**
 * Since-the-rollback windows: every range selector and subquery range shortened to the time
 * since the last step (at least `minMs`, at most as written), on the parse tree.
 */

import { describe, expect, it } from 'vitest';
import { describeWindows, sinceRollbackQuery } from '../../src/prometheus/promql-windows.js';

// 42.7 s since the last step finished; a 1 s scrape interval, so at least 4 s.
const since = (query: string, elapsedMs = 42_700, minMs = 4_000) => sinceRollbackQuery(query, { elapsedMs, minMs });

describe('sinceRollbackQuery', () => {
  it.each([
    ['rate(x[5m])', 'rate(x[42s])'],
    ['histogram_quantile(0.95, sum by (le) (rate(b[5m])))', 'histogram_quantile(0.95, sum by (le) (rate(b[42s])))'],
    ['sum(rate(e{status="error"}[5m])) / sum(rate(e[5m]))', 'sum(rate(e{status="error"}[42s])) / sum(rate(e[42s]))'],
    // A subquery shares the time with the ranges inside it: its first inner evaluation still starts after the rollback.
    ['max_over_time(rate(x[1m])[10m:])', 'max_over_time(rate(x[21s])[21s:5s])'],
    ['max_over_time(rate(x[1m])[10m:30s])', 'max_over_time(rate(x[21s])[21s:5s])'],
    ['max_over_time(x[10m:1s])', 'max_over_time(x[42s:1s])'],
    // Anchored on purpose (a comparison with the past): sent as written.
    ['rate(x[5m] offset 1h)', 'rate(x[5m] offset 1h)'],
    ['rate(x[5m] @ end())', 'rate(x[5m] @ end())'],
    ['rate(x[5m]) / rate(x[5m] offset 1d)', 'rate(x[42s]) / rate(x[5m] offset 1d)'],
    // Never longer than the note's own range; never touched inside a string.
    ['rate(x{path="/a[5m]"}[30s])', 'rate(x{path="/a[5m]"}[30s])'],
    // No range, or a query that does not parse: as written.
    ['avg(up{job="butler"})', 'avg(up{job="butler"})'],
    ['sum(rate(x[5m])', 'sum(rate(x[5m])'],
  ])('%s → %s', (query, sent) => {
    const windowed = since(query);
    expect(windowed.query).toBe(sent);
    expect(windowed.changed).toBe(sent !== query);
  });

  it('never goes below the minimum (four scrape intervals), right after the rollback', () => {
    expect(since('rate(x[5m])', 1_200, 4_000).query).toBe('rate(x[4s])');
    expect(since('rate(x[5m])', 0, 60_000).query).toBe('rate(x[1m])');
  });

  it('keeps the note range once the time since the rollback is longer', () => {
    expect(since('rate(x[5m])', 20 * 60_000).query).toBe('rate(x[5m])');
    expect(since('rate(x[1h])', 61 * 60_000 + 500, 4_000).query).toBe('rate(x[1h])');
    expect(since('rate(x[1h])', 42 * 60_000 + 500, 4_000).query).toBe('rate(x[42m])');
  });

  it('describes what it shortened, each change once', () => {
    expect(describeWindows(since('sum(rate(e{status="error"}[5m])) / sum(rate(e[5m]))'))).toBe('[5m] → [42s]');
    expect(describeWindows(since('rate(x[5m] offset 1h)'))).toBe('');
  });
});
