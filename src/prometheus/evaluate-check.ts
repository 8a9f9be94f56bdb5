/**
 * One metric check, from one instant-query answer: is the metric back under its alert
 * threshold? Pure. Prometheus reports base units (seconds, ratios), which is what
 * `threshold.baseValue` holds: `>150ms` compares as 0.15, `>1.0%` as 0.01.
 *
 * No data is not a pass: an empty result, NaN or ±Inf is inconclusive unless the operator
 * chose otherwise (`--no-data=fail|inconclusive|pass`). Every series must pass.
 */

import { breachesThreshold, formatThreshold } from '../note/threshold.js';
import type { Threshold } from '../note/types.js';
import type { QueryData } from './types.js';

export type NoDataPolicy = 'fail' | 'inconclusive' | 'pass';
export const NO_DATA_POLICIES: readonly NoDataPolicy[] = ['fail', 'inconclusive', 'pass'];

export type SeriesResult = 'pass' | 'fail' | 'inconclusive';

export interface SeriesEvaluation {
  /** The series' labels without `__name__` (empty for a scalar). */
  labels: Record<string, string>;
  /** As Prometheus sent it: `"0.012"`, `"NaN"`, `"+Inf"`. */
  raw: string;
  value: number;
  result: SeriesResult;
}

export interface CheckEvaluation {
  result: SeriesResult;
  series: SeriesEvaluation[];
  /** One line: what was measured and why that is the result. */
  reason: string;
  /** The series the reason quotes: the one furthest over (or closest to) the limit. */
  quoted?: SeriesEvaluation;
}

/** `metricUnit: 'ms'`: the query returns milliseconds (a metric named `…_ms`), and so does `threshold.baseValue`. */
export function evaluateCheck(data: QueryData, threshold: Threshold, noData: NoDataPolicy, metricUnit?: 'ms'): CheckEvaluation {
  const samples = samplesOf(data);
  if (samples === undefined) {
    return { result: 'inconclusive', series: [], reason: `the query returns a ${data.resultType === 'matrix' ? 'range vector' : data.resultType}; a check needs an instant vector or a scalar` };
  }
  if (samples.length === 0) {
    return { result: noData, series: [], reason: `no data (empty result)${policyNote(noData)}` };
  }
  const series = samples.map(({ labels, raw }): SeriesEvaluation => {
    const value = parseSampleValue(raw);
    const result: SeriesResult = !Number.isFinite(value) ? noData : breachesThreshold(value, threshold) ? 'fail' : 'pass';
    return { labels, raw, value, result };
  });
  const failed = series.filter((entry) => entry.result === 'fail');
  const result: SeriesResult = failed.length > 0 ? 'fail' : series.some((entry) => entry.result === 'inconclusive') ? 'inconclusive' : 'pass';
  const finite = (list: SeriesEvaluation[]) => list.filter((entry) => Number.isFinite(entry.value));
  const noValue = series.filter((entry) => !Number.isFinite(entry.value));
  const of = (count: number) => (series.length > 1 ? ` (${count} of ${series.length} series)` : '');
  const limit = formatThreshold(threshold);
  const overLimit = finite(failed);
  let reason: string;
  let quoted: SeriesEvaluation | undefined;
  if (overLimit.length > 0) {
    quoted = worst(overLimit, threshold);
    reason = `${formatMeasured(quoted.value, threshold, metricUnit)} is ${limit}${of(overLimit.length)}`;
  } else if (noValue.length > 0 && (result !== 'pass' || noValue.length === series.length)) {
    quoted = noValue[0]!;
    reason = `${quoted.raw}: no usable value${of(noValue.length)}${policyNote(noData)}`;
  } else {
    quoted = worst(finite(series), threshold);
    const all = series.length <= 1 ? '' : noValue.length === 0 ? ` (all ${series.length} series)` : ` (${series.length - noValue.length} of ${series.length} series; ${noValue.length} without a value counted as a pass)`;
    reason = `${formatMeasured(quoted.value, threshold, metricUnit)} is not ${limit}${all}`;
  }
  return { result, series, reason, quoted };
}

function policyNote(noData: NoDataPolicy): string {
  return noData === 'inconclusive' ? '' : `, counted as ${noData === 'pass' ? 'a pass' : 'a failure'} (--no-data=${noData})`;
}

/** The series closest to (or furthest over) the limit: the one worth quoting. */
function worst(series: SeriesEvaluation[], threshold: Threshold): SeriesEvaluation {
  const above = threshold.op === '>' || threshold.op === '>=';
  return series.reduce((a, b) => (above ? (b.value > a.value ? b : a) : b.value < a.value ? b : a));
}

function samplesOf(data: QueryData): { labels: Record<string, string>; raw: string }[] | undefined {
  switch (data.resultType) {
    case 'vector':
      return data.result.map((sample) => {
        const { __name__: _name, ...labels } = sample.metric ?? {};
        return { labels, raw: String(sample.value?.[1]) };
      });
    case 'scalar':
      return [{ labels: {}, raw: String(data.result?.[1]) }];
    default:
      return undefined;
  }
}

/** Prometheus' sample values are strings so that `NaN`, `+Inf` and `-Inf` survive JSON. */
export function parseSampleValue(raw: string): number {
  switch (raw.toLowerCase()) {
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
      return NaN;
    default: {
      const value = Number(raw);
      return raw.trim() === '' ? NaN : value;
    }
  }
}

const UNIT_FACTOR: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, '%': 0.01, '': 1 };

/**
 * A measured value in Prometheus units, followed by the note's unit when that differs:
 * `0.012 (1.2%)`, `0.21 (210ms)`, `3`.
 */
export function formatMeasured(value: number, threshold?: Threshold, metricUnit?: 'ms'): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  const base = formatNumber(value);
  if (metricUnit) return `${base}${metricUnit}`;
  if (!threshold || threshold.unit === '' || threshold.unit === 's') return base;
  const inUnit = value / UNIT_FACTOR[threshold.unit]!;
  return `${base} (${formatNumber(inUnit)}${threshold.unit})`;
}

/** Up to 4 significant digits below 1, up to 3 decimals above; exponent only for tiny values. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1) return String(Number(value.toFixed(3)));
  if (magnitude >= 1e-4) return String(Number(value.toPrecision(4)));
  return value.toExponential(3).replace(/\.?0+e/, 'e');
}

/** `{instance="127.0.0.1:8001", job="butler"}`, or `` for a series without labels. */
export function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value}"`).join(', ')}}`;
}
