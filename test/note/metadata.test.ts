import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/note/markdown.js';
import { fieldValue, readHeader } from '../../src/note/metadata.js';

const header = (...lines: string[]) => readHeader(parseMarkdown(lines.join('\n')));

describe('readHeader', () => {
  it('reads the title and the fields of the template header (two trailing spaces = line break)', () => {
    expect(
      header('# Migration: Dialog Context Repository · Stage 21_01a', '', '**Component**: Dialog Context Repository  ', '**Stage**: 21_01a  ', '**Status**: In Progress', '', '## Summary', '', '**Problem**: later'),
    ).toEqual({
      title: 'Migration: Dialog Context Repository · Stage 21_01a',
      titleLine: 1,
      fields: [
        { name: 'Component', value: 'Dialog Context Repository', line: 3 },
        { name: 'Stage', value: '21_01a', line: 4 },
        { name: 'Status', value: 'In Progress', line: 5 },
      ],
    });
  });

  it.each([
    { name: 'colon inside the bold', lines: ['**Stage:** 21_01a'], value: '21_01a' },
    { name: 'soft line breaks between fields', lines: ['**Stage**: 21_01a', '**Owner**: Ops'], value: '21_01a' },
    { name: 'inline code value', lines: ['**Stage**: `21_01a`'], value: '21_01a' },
  ])('$name', ({ lines, value }) => {
    expect(fieldValue(header('# T', '', ...lines).fields, 'stage')?.value).toBe(value);
  });

  it('falls back to fields anywhere when the top has none', () => {
    expect(header('# T', '## Meta', '**Stage**: 9').fields).toEqual([{ name: 'Stage', value: '9', line: 3 }]);
  });
});
