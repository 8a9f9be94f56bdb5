/**
 * Alert thresholds from the Key Metrics table (`>150ms`, `<0.5%`, `>= 30s`) as numbers
 * Prometheus can be compared with: time in seconds, percentages as ratios.
 */

import type { Threshold, ThresholdOperator, ThresholdUnit } from './types.js';

const OPERATORS: Record<string, ThresholdOperator> = { '>': '>', '>=': '>=', '≥': '>=', '<': '<', '<=': '<=', '≤': '<=' };
const UNITS: Record<string, { unit: ThresholdUnit; factor: number }> = {
  ms: { unit: 'ms', factor: 0.001 },
  s: { unit: 's', factor: 1 },
  sec: { unit: 's', factor: 1 },
  m: { unit: 'm', factor: 60 },
  min: { unit: 'm', factor: 60 },
  h: { unit: 'h', factor: 3600 },
  '%': { unit: '%', factor: 0.01 },
  '': { unit: '', factor: 1 },
};

const THRESHOLD = /^(>=|<=|≥|≤|>|<)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(ms|sec|s|min|m|h|%)?$/i;

/** Parses a threshold cell; returns undefined when it is not of the form `>150ms`. */
export function parseThreshold(text: string): Threshold | undefined {
  const match = THRESHOLD.exec(text.trim().replace(/\*\*/g, ''));
  if (!match) return undefined;
  const op = OPERATORS[match[1]!]!;
  const value = Number(match[2]);
  const { unit, factor } = UNITS[(match[3] ?? '').toLowerCase()]!;
  // Round away float noise so 150ms is 0.15, not 0.15000000000000002.
  return { op, value, unit, baseValue: Number((value * factor).toPrecision(12)) };
}

/** The threshold as a person writes it, e.g. `>150ms`. */
export function formatThreshold(threshold: Threshold): string {
  return `${threshold.op}${threshold.value}${threshold.unit}`;
}

/**
 * Does a measured value (in base units) trip the alert threshold? A metric is back to normal
 * when it does not.
 */
export function breachesThreshold(value: number, threshold: Threshold): boolean {
  switch (threshold.op) {
    case '>':
      return value > threshold.baseValue;
    case '>=':
      return value >= threshold.baseValue;
    case '<':
      return value < threshold.baseValue;
    case '<=':
      return value <= threshold.baseValue;
  }
}
