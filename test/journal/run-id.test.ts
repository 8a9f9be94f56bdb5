import { describe, expect, it } from 'vitest';
import { createRunId, isRunId } from '../../src/journal/run-id.js';

describe('createRunId', () => {
  it('starts with the UTC time to the second, then the stage and four hex digits', () => {
    expect(createRunId('21_01a', new Date('2026-11-25T13:15:07.250Z'), () => 0.2345)).toBe('20261125T131507Z-21_01a-3c08');
    expect(createRunId(undefined, new Date('2026-01-02T03:04:05Z'), () => 0)).toBe('20260102T030405Z-note-0000');
  });

  it('sorts by time', () => {
    const early = createRunId('z', new Date('2026-11-25T09:00:00Z'), () => 0.99);
    const late = createRunId('a', new Date('2026-11-25T10:00:00Z'), () => 0);
    expect([late, early].sort()).toEqual([early, late]);
  });
});

describe('isRunId', () => {
  it.each([
    ['20261125T131507Z-21_01a-3c08', true],
    ['20261125T131507Z-note-0000', true],
    ['20261125T131507Z-21_01a', false],
    ['20261125T131507Z-../x-3c08', false],
    ['20261125T131507Z-a/b-3c08', false],
    ['21_01a', false],
    ['', false],
  ])('%s → %s', (text, valid) => {
    expect(isRunId(text)).toBe(valid);
  });
});
