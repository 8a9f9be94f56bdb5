import { describe, expect, it } from 'vitest';
import { breachesThreshold, formatThreshold, parseThreshold } from '../../src/note/threshold.js';

describe('parseThreshold', () => {
  it.each([
    { cell: '>150ms', op: '>', value: 150, unit: 'ms', baseValue: 0.15 },
    { cell: '<0.5%', op: '<', value: 0.5, unit: '%', baseValue: 0.005 },
    { cell: '>1.0%', op: '>', value: 1, unit: '%', baseValue: 0.01 },
    { cell: '<100%', op: '<', value: 100, unit: '%', baseValue: 1 },
    { cell: '>30s', op: '>', value: 30, unit: 's', baseValue: 30 },
    { cell: '>= 5 s', op: '>=', value: 5, unit: 's', baseValue: 5 },
    { cell: '≤ 2min', op: '<=', value: 2, unit: 'm', baseValue: 120 },
    { cell: '>1h', op: '>', value: 1, unit: 'h', baseValue: 3600 },
    { cell: '>3', op: '>', value: 3, unit: '', baseValue: 3 },
    { cell: '**<100%**', op: '<', value: 100, unit: '%', baseValue: 1 },
    { cell: ' > .5 % ', op: '>', value: 0.5, unit: '%', baseValue: 0.005 },
    { cell: '>250MS', op: '>', value: 250, unit: 'ms', baseValue: 0.25 },
  ])('$cell → $op $value $unit', ({ cell, op, value, unit, baseValue }) => {
    expect(parseThreshold(cell)).toEqual({ op, value, unit, baseValue });
  });

  it.each(['[Value]', 'about half', '150ms', '>', '>fast', '>150 rps', '= 5', ''])('%j is not a threshold', (cell) => {
    expect(parseThreshold(cell)).toBeUndefined();
  });
});

describe('breachesThreshold', () => {
  it.each([
    { cell: '>150ms', value: 0.2, breaches: true },
    { cell: '>150ms', value: 0.15, breaches: false },
    { cell: '>=150ms', value: 0.15, breaches: true },
    { cell: '<100%', value: 0.999, breaches: true },
    { cell: '<100%', value: 1, breaches: false },
    { cell: '<=0.5%', value: 0.005, breaches: true },
    { cell: '>1.0%', value: 0.001, breaches: false },
  ])('$value against $cell → $breaches', ({ cell, value, breaches }) => {
    expect(breachesThreshold(value, parseThreshold(cell)!)).toBe(breaches);
  });
});

describe('formatThreshold', () => {
  it.each(['>150ms', '<0.5%', '>30s', '>=5s', '>3'])('%s round-trips', (cell) => {
    expect(formatThreshold(parseThreshold(cell)!)).toBe(cell);
  });
});
