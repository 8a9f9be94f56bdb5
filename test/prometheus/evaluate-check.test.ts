import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/note/threshold.js';
import { evaluateCheck, formatMeasured, parseSampleValue, type NoDataPolicy } from '../../src/prometheus/evaluate-check.js';
import type { QueryData } from '../../src/prometheus/types.js';

const vector = (...values: string[]): QueryData => ({
  resultType: 'vector',
  result: values.map((value, index) => ({ metric: { __name__: 'm', instance: `host-${index}:9100` }, value: [1764064800, value] })),
});
const scalar = (value: string): QueryData => ({ resultType: 'scalar', result: [1764064800, value] });

const threshold = (text: string) => parseThreshold(text)!;

describe('evaluateCheck: one value against the alert threshold (Prometheus base units)', () => {
  it.each([
    // threshold, query answer, expected result, expected reason
    ['>150ms', vector('0.12'), 'pass', '0.12 (120ms) is not >150ms'],
    ['>150ms', vector('0.15'), 'pass', '0.15 (150ms) is not >150ms'],
    ['>150ms', vector('0.151'), 'fail', '0.151 (151ms) is >150ms'],
    ['>=150ms', vector('0.15'), 'fail', '0.15 (150ms) is >=150ms'],
    ['>1.0%', vector('0.004'), 'pass', '0.004 (0.4%) is not >1%'],
    ['>1.0%', vector('0.0101'), 'fail', '0.0101 (1.01%) is >1%'],
    // A ratio written as a percentage is never compared as 1.0 against a ratio.
    ['>1.0%', vector('0.5'), 'fail', '0.5 (50%) is >1%'],
    ['<99.9%', vector('0.9995'), 'pass', '0.9995 (99.95%) is not <99.9%'],
    ['<99.9%', vector('0.99'), 'fail', '0.99 (99%) is <99.9%'],
    ['>2s', scalar('1.5'), 'pass', '1.5 is not >2s'],
    ['>5m', vector('301'), 'fail', '301 (5.017m) is >5m'],
    ['>100', vector('100'), 'pass', '100 is not >100'],
    ['<1', vector('-3'), 'fail', '-3 is <1'],
  ] as const)('%s with %j → %s', (limit, data, result, reason) => {
    const evaluation = evaluateCheck(data, threshold(limit), 'inconclusive');
    expect(evaluation.result).toBe(result);
    expect(evaluation.reason).toBe(reason);
  });
});

describe('evaluateCheck: no data is not a pass', () => {
  it.each([
    ['an empty vector', vector(), 'inconclusive', 'inconclusive', 'no data (empty result)'],
    ['an empty vector, --no-data=fail', vector(), 'fail', 'fail', 'no data (empty result), counted as a failure (--no-data=fail)'],
    ['an empty vector, --no-data=pass', vector(), 'pass', 'pass', 'no data (empty result), counted as a pass (--no-data=pass)'],
    ['NaN', vector('NaN'), 'inconclusive', 'inconclusive', 'NaN: no usable value'],
    ['NaN, --no-data=fail', vector('NaN'), 'fail', 'fail', 'NaN: no usable value, counted as a failure (--no-data=fail)'],
    ['NaN, --no-data=pass', vector('NaN'), 'pass', 'pass', 'NaN: no usable value, counted as a pass (--no-data=pass)'],
    ['+Inf', vector('+Inf'), 'inconclusive', 'inconclusive', '+Inf: no usable value'],
    ['-Inf scalar', scalar('-Inf'), 'inconclusive', 'inconclusive', '-Inf: no usable value'],
    // The breach does not hide behind the missing value.
    ['NaN next to a breach', vector('NaN', '0.3'), 'inconclusive', 'fail', '0.3 (300ms) is >150ms (1 of 2 series)'],
    ['NaN next to a pass', vector('0.1', 'NaN'), 'inconclusive', 'inconclusive', 'NaN: no usable value (1 of 2 series)'],
    ['NaN next to a pass, --no-data=pass', vector('0.1', 'NaN'), 'pass', 'pass', '0.1 (100ms) is not >150ms (1 of 2 series; 1 without a value counted as a pass)'],
  ] as [string, QueryData, NoDataPolicy, string, string][])('%s → %s', (_name, data, noData, result, reason) => {
    const evaluation = evaluateCheck(data, threshold('>150ms'), noData);
    expect(evaluation.result).toBe(result);
    expect(evaluation.reason).toBe(reason);
  });

  it('does not accept a range vector', () => {
    const evaluation = evaluateCheck({ resultType: 'matrix', result: [{ metric: {}, values: [[1, '0.1']] }] }, threshold('>1'), 'pass');
    expect(evaluation).toMatchObject({ result: 'inconclusive', reason: 'the query returns a range vector; a check needs an instant vector or a scalar' });
  });
});

describe('evaluateCheck: every series must pass', () => {
  it('passes when all do, quoting the one closest to the limit', () => {
    const evaluation = evaluateCheck(vector('0.001', '0.008', '0.002'), threshold('>1%'), 'inconclusive');
    expect(evaluation.result).toBe('pass');
    expect(evaluation.reason).toBe('0.008 (0.8%) is not >1% (all 3 series)');
    expect(evaluation.series.map((series) => [series.labels, series.result])).toEqual([
      [{ instance: 'host-0:9100' }, 'pass'],
      [{ instance: 'host-1:9100' }, 'pass'],
      [{ instance: 'host-2:9100' }, 'pass'],
    ]);
  });

  it('fails when one does not, quoting the worst', () => {
    const evaluation = evaluateCheck(vector('0.001', '0.03', '0.02'), threshold('>1%'), 'inconclusive');
    expect(evaluation.result).toBe('fail');
    expect(evaluation.reason).toBe('0.03 (3%) is >1% (2 of 3 series)');
    expect(evaluation.quoted?.labels).toEqual({ instance: 'host-1:9100' });
  });

  it('quotes the lowest series for a "below" threshold', () => {
    expect(evaluateCheck(vector('0.97', '0.5', '0.9'), threshold('<95%'), 'inconclusive').reason).toBe('0.5 (50%) is <95% (2 of 3 series)');
  });
});

describe('sample values and their display', () => {
  it.each([
    ['0.25', 0.25],
    ['1e-3', 0.001],
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['', NaN],
  ])('parses %j', (raw, value) => {
    expect(parseSampleValue(raw)).toBe(value);
  });

  it.each([
    [0.15, '>150ms', '0.15 (150ms)'],
    [0.01234, '>1%', '0.01234 (1.234%)'],
    [1234.56789, '>1', '1234.568'],
    [2.5, '>2s', '2.5'],
    [123456789, '>1', '123456789'],
    [0.00001234, '>1', '1.234e-5'],
    [NaN, '>1', 'NaN'],
  ])('shows %d against %s as %s', (value, limit, shown) => {
    expect(formatMeasured(value, threshold(limit))).toBe(shown);
  });
});
