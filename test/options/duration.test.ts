import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseDuration, parsePositiveInteger } from '../../src/options/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['1.5m', 90_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['600', 600_000],
    [' 5s ', 5000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text, '--step-timeout')).toBe(ms);
  });

  it.each([
    ['soon', '--step-timeout soon: not a duration; write e.g. 90s, 5m, 1m30s or 600 (seconds)'],
    ['5 m', '--step-timeout 5 m: not a duration; write e.g. 90s, 5m, 1m30s or 600 (seconds)'],
    ['-1s', '--step-timeout -1s: not a duration; write e.g. 90s, 5m, 1m30s or 600 (seconds)'],
    ['0', '--step-timeout 0: must be more than zero'],
    ['600h', '--step-timeout 600h: at most 24d'],
  ])('refuses %s', (text, message) => {
    expect(() => parseDuration(text, '--step-timeout')).toThrow(new UsageError(message));
  });
});

describe('parsePositiveInteger', () => {
  it('takes 1, 2, …', () => {
    expect(parsePositiveInteger('3', '--from')).toBe(3);
  });

  it.each(['0', '-1', '1.5', 'two', ''])('refuses %j', (text) => {
    expect(() => parsePositiveInteger(text, '--from')).toThrow(UsageError);
  });
});
