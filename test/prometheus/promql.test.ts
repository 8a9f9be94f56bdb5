/**
 * PromQL read by the Prometheus project's own grammar: queries that run have no problems;
 * broken ones are reported at the parser's position, in words.
 */

import { describe, expect, it } from 'vitest';
import { parsePromql } from '../../src/prometheus/promql.js';

describe('parsePromql: queries that run', () => {
  it.each([
    'up',
    'rate(x[5m])',
    'sum(rate(dialog_context_repository_operations_total{status="error"}[5m])) / sum(rate(dialog_context_repository_operations_total[5m]))',
    'histogram_quantile(0.95, sum by (le) (rate(b_bucket[5m])))',
    'max_over_time(rate(x[1m])[10m:30s])',
    'rate(x[5m] offset 1h)',
    'rate(x[5m] @ end())',
    'topk(3, x)',
    'avg(up{job=~"butler|scheduler"})',
    'quantile(0.95, scrape_duration_seconds{job=~"butler|scheduler"})',
    'label_replace(x, "a", "b", "c", "(.*)")',
    'rate(x[5m]) > bool 1',
    '-x',
    'time() - x',
    'sum by (le) (rate(x[5m]))\n/ 2',
  ])('%s', (query) => {
    expect(parsePromql(query).problems).toEqual([]);
  });
});

describe('parsePromql: broken queries, each at its position', () => {
  it.each([
    ['sum(rate(x[5m])', 1, 16, 'unexpected end of query: "(" at column 4 is not closed'],
    ['rate(x[5m]', 1, 11, 'unexpected end of query: "(" at column 5 is not closed'],
    ['x{a="b"', 1, 8, 'unexpected end of query: "{" at column 2 is not closed'],
    ['x +', 1, 4, 'unexpected end of query'],
    ['sum by (le) (rate(x[5m]))\n/ 2)', 2, 4, 'syntax error at ")"'],
    ['foo_bar(x)', 1, 1, 'unknown function "foo_bar"'],
    ['sum(rate(x[5m])) / foo(y)', 1, 20, 'unknown function "foo"'],
  ])('%j: line %i column %i: %s', (query, line, column, message) => {
    expect(parsePromql(query).problems).toEqual([{ offset: expect.any(Number), line, column, message }]);
  });
});

describe('parsePromql: a range vector where an instant vector is needed, and the reverse', () => {
  it.each([
    ['abs(x[5m])', 5, 'abs() needs an instant vector as argument 1, not a range vector (a range such as [5m] belongs in rate() or *_over_time())'],
    ['histogram_quantile(0.95, x_bucket[5m])', 26, 'histogram_quantile() needs an instant vector as argument 2, not a range vector (a range such as [5m] belongs in rate() or *_over_time())'],
    ['sum(x[5m])', 5, 'sum() needs an instant vector, not a range vector (did you mean sum(rate(…)) or sum_over_time(…)?)'],
    ['x[5m] / y', 1, 'a range vector in a binary operation, where an instant vector or a scalar is needed (wrap it in rate(), avg_over_time(), …)'],
    ['x[5m]', 1, 'the query returns a range vector; a check needs an instant vector or a scalar (wrap a range in a function such as rate())'],
    ['rate(x)', 6, 'rate() needs a range vector as argument 1, not an instant vector (add a range such as [5m])'],
    ['rate(x[5m], 1)', 1, 'rate() takes 1 argument, not 2'],
  ])('%s: column %i', (query, column, message) => {
    expect(parsePromql(query).problems).toEqual([{ offset: column - 1, line: 1, column, message }]);
  });
});
