/** Units that fit: `%` thresholds want ratio queries; `…_ms` metrics are compared in milliseconds. */

import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../src/note/threshold.js';
import { isRatioQuery, metricUnitOf, thresholdForQuery, unitProblem } from '../../src/prometheus/promql-units.js';

describe('unitProblem', () => {
  const percent = parseThreshold('>1.0%')!;
  it.each([
    ['rate(errors_total{status="error"}[5m])', true],
    ['sum(increase(errors_total[5m]))', true],
    ['sum(rate(e{status="error"}[5m])) / sum(rate(e[5m]))', false],
    ['avg(up{job=~"butler|scheduler"})', false],
    ['avg_over_time(up{job="butler"}[5m])', false],
    ['avg(cpu_usage)', true],
    ['sum(rate(x[5m])', false], // does not parse: that finding comes first
  ])('%s with >1.0%%: finding %s', (query, finding) => {
    const problem = unitProblem(percent, query);
    if (finding) expect(problem).toMatch(/^threshold >1% compares a ratio, but the query is not one \(it divides nothing\): divide by the total rate, e\.g\. /);
    else expect(problem).toBeUndefined();
  });

  it('says nothing about thresholds that are not percentages', () => {
    expect(unitProblem(parseThreshold('>150ms')!, 'histogram_quantile(0.95, rate(x_seconds_bucket[5m]))')).toBeUndefined();
    expect(unitProblem(parseThreshold('>3')!, 'rate(errors_total[5m])')).toBeUndefined();
  });
});

describe('isRatioQuery', () => {
  it.each([
    ['a / b', true],
    ['sum(rate(a[5m])) / on(job) sum(rate(b[5m]))', true],
    ['a * 100', false],
    ['avg(up)', true],
    ['avg(x)', false],
  ])('%s: %s', (query, ratio) => expect(isRatioQuery(query)).toBe(ratio));
});

describe("thresholdForQuery: the metric's own unit", () => {
  it.each([
    ['histogram_quantile(0.95, sum by (le) (rate(request_duration_ms_bucket[5m])))', 'ms'],
    ['avg(request_latency_milliseconds)', 'ms'],
    ['histogram_quantile(0.95, rate(x_seconds_bucket[5m]))', 's'],
    ['rate(x_total[5m])', undefined],
  ])('%s is in %s', (query, unit) => expect(metricUnitOf(query)).toBe(unit));

  it('compares >150ms with a …_ms metric as 150, and >0.2s as 200', () => {
    expect(thresholdForQuery(parseThreshold('>150ms')!, 'avg(request_latency_ms)')).toEqual({ threshold: { op: '>', value: 150, unit: 'ms', baseValue: 150 }, metricUnit: 'ms' });
    expect(thresholdForQuery(parseThreshold('>0.2s')!, 'avg(request_latency_ms)').threshold.baseValue).toBe(200);
  });

  it('leaves seconds metrics and non-time thresholds in base units', () => {
    expect(thresholdForQuery(parseThreshold('>150ms')!, 'avg(request_latency_seconds)')).toEqual({ threshold: { op: '>', value: 150, unit: 'ms', baseValue: 0.15 } });
    expect(thresholdForQuery(parseThreshold('>1%')!, 'avg(request_latency_ms)').threshold.baseValue).toBe(0.01);
  });
});
