/**
 * Does a threshold fit its query? Pure, on the parse tree.
 *
 * - A `%` threshold compares a ratio: `rate(errors[5m])` is errors per second, so `>1.0%` on
 *   it compares 0.01 errors per second, not one failed request in a hundred. A ratio query
 *   divides (`… / sum(rate(total[5m]))`).
 * - Prometheus' convention is seconds, but a metric named `…_ms` or `…_milliseconds` counts
 *   milliseconds: a `>150ms` threshold on it is compared as 150, not 0.15.
 */

import type { SyntaxNode } from '@lezer/common';
import type { Threshold } from '../note/types.js';
import { childrenOf, parsePromql } from './promql.js';

export type MetricUnit = 'ms' | 's' | undefined;

/** Metric names a query reads (from `name{…}` and `{__name__="name"}`). */
export function metricNames(query: string): string[] {
  const parsed = parsePromql(query);
  const names: string[] = [];
  const visit = (node: SyntaxNode) => {
    if (node.name === 'VectorSelector') {
      const identifier = node.getChild('Identifier');
      if (identifier) names.push(query.slice(identifier.from, identifier.to));
      const name = /__name__\s*=\s*"([^"]+)"/.exec(query.slice(node.from, node.to));
      if (name) names.push(name[1]!);
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(parsed.tree.topNode);
  return names;
}

const HISTOGRAM_SUFFIX = /_(bucket|sum|count|total)$/;

/** `ms` when a metric the query reads is named in milliseconds; `s` for seconds. */
export function metricUnitOf(query: string): MetricUnit {
  const units = metricNames(query).map((name) => {
    const base = name.replace(HISTOGRAM_SUFFIX, '');
    if (/_(ms|milliseconds)$/.test(base)) return 'ms' as const;
    if (/_seconds$/.test(base)) return 's' as const;
    return undefined;
  });
  return units.includes('ms') ? 'ms' : units.includes('s') ? 's' : undefined;
}

/**
 * True for the shape of a ratio: the query divides one thing by another somewhere, or it
 * averages `up` (the share of targets up: a mean of zeros and ones).
 */
export function isRatioQuery(query: string): boolean {
  const parsed = parsePromql(query);
  let divides = false;
  let averages = false;
  parsed.tree.iterate({
    enter(node) {
      if (node.name === 'BinaryExpr' && node.node.getChild('Div')) divides = true;
      if (node.name === 'Avg' || node.name === 'AvgOverTime') averages = true;
      return !divides;
    },
  });
  if (divides) return true;
  const names = metricNames(query);
  return averages && names.length > 0 && names.every((name) => name === 'up');
}

const TIME_FACTOR: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * The threshold as compared with what this query returns: in milliseconds for a metric
 * named so, in Prometheus' base units otherwise.
 */
export function thresholdForQuery(threshold: Threshold, query: string | undefined): { threshold: Threshold; metricUnit?: 'ms' } {
  if (!query || TIME_FACTOR[threshold.unit] === undefined || metricUnitOf(query) !== 'ms') return { threshold };
  const baseValue = Number(((threshold.value * TIME_FACTOR[threshold.unit]!) / 0.001).toPrecision(12));
  return { threshold: { ...threshold, baseValue }, metricUnit: 'ms' };
}

/** What is wrong with a threshold on this query, with the fix; undefined when it fits. */
export function unitProblem(threshold: Threshold, query: string): string | undefined {
  if (parsePromql(query).problems.length > 0) return undefined;
  if (threshold.unit === '%' && !isRatioQuery(query)) {
    return `threshold ${threshold.op}${threshold.value}% compares a ratio, but the query is not one (it divides nothing): divide by the total rate, e.g. sum(rate(x_total{status="error"}[5m])) / sum(rate(x_total[5m]))`;
  }
  return undefined;
}
