import { describe, expect, it } from 'vitest';
import { decodeNote, firstInvalidUtf8 } from '../../src/note/decode.js';
import { fixtureBytes } from '../helpers/notes.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

describe('decodeNote', () => {
  it.each([
    { input: 'a\nb\n', expected: 'a\nb\n', why: 'LF kept' },
    { input: 'a\r\nb\r\n', expected: 'a\nb\n', why: 'CRLF made LF' },
    { input: 'a\rb\r', expected: 'a\nb\n', why: 'old Mac CR made LF' },
    { input: '\uFEFF# Title\n', expected: '# Title\n', why: 'byte-order mark dropped' },
    { input: 'Größe ✅ 事故\n', expected: 'Größe ✅ 事故\n', why: 'non-ASCII kept' },
  ])('$why', ({ input, expected }) => {
    expect(decodeNote(text(input))).toEqual({ ok: true, text: expected });
  });

  it('refuses binary data, naming the line of the first NUL byte', () => {
    expect(decodeNote(fixtureBytes('binary.md'))).toEqual({ ok: false, line: 2, reason: expect.stringMatching(/^binary data .*: give the \.md note itself$/) });
  });

  it('refuses Latin-1 text, naming the line and the byte', () => {
    const result = decodeNote(fixtureBytes('latin1.md'));
    expect(result).toMatchObject({ ok: false, line: 1 });
    expect(!result.ok && result.reason).toMatch(/^not UTF-8 text \(byte 0xb7\): save the note as UTF-8/);
    expect(decodeNote(Uint8Array.from([...text('a\nb\n'), 0xe9, 0x0a]))).toMatchObject({ ok: false, line: 3 });
  });

  it('the CRLF, BOM and Latin-1 fixtures really hold those bytes (so the tests above mean something)', () => {
    expect(Buffer.from(fixtureBytes('crlf-endings.md')).includes('\r\n')).toBe(true);
    expect([...fixtureBytes('bom.md').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(fixtureBytes('latin1.md').includes(0xe9)).toBe(true);
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    { name: 'ASCII', input: bytes(0x61, 0x62), expected: -1 },
    { name: 'two-byte é', input: bytes(0x61, 0xc3, 0xa9), expected: -1 },
    { name: 'four-byte emoji', input: text('🚀'), expected: -1 },
    { name: 'Latin-1 é', input: bytes(0x61, 0xe9, 0x62), expected: 1 },
    { name: 'lone continuation byte', input: bytes(0x80), expected: 0 },
    { name: 'overlong slash', input: bytes(0xc0, 0xaf), expected: 0 },
    { name: 'UTF-16 surrogate', input: bytes(0xed, 0xa0, 0x80), expected: 0 },
    { name: 'truncated sequence at the end', input: bytes(0x61, 0xe2, 0x82), expected: 1 },
  ])('$name → $expected', ({ input, expected }) => {
    expect(firstInvalidUtf8(input)).toBe(expected);
  });
});
