import { describe, expect, it } from 'vitest';
import { formatMs, parseDuration, parseDurationOption } from '../../src/prometheus/duration.js';

describe('durations', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['', undefined],
    ['15', undefined],
    ['1x', undefined],
    ['s', undefined],
    ['1m 30s', undefined],
  ])('Prometheus duration %j → %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['300', 300_000],
    ['1.5', 1_500],
    ['1m30s', 90_000],
    [' 2m ', 120_000],
    ['five minutes', undefined],
    ['-5', undefined],
  ])('option %j → %s ms', (text, ms) => {
    expect(parseDurationOption(text)).toBe(ms);
  });

  it.each([
    [850, '850ms'],
    [2_500, '2.5s'],
    [42_000, '42s'],
    [300_000, '5m'],
    [90_000, '1m30s'],
    [7_500_000, '2h5m'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});
