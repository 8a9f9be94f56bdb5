import { describe, expect, it } from 'vitest';
import { CONTINUED, wrapLine } from '../../src/execute/listr-view.js';

describe('wrapLine', () => {
  it('leaves a line that fits, and any line when the width is unknown (a pipe)', () => {
    expect(wrapLine('$ make restart', 80)).toEqual(['$ make restart']);
    expect(wrapLine('x'.repeat(500), undefined)).toEqual(['x'.repeat(500)]);
  });

  it('cuts a long line at a space, marks every piece but the last, and loses no character', () => {
    const line = `$ ${Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')}`;
    const pieces = wrapLine(line, 40);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith(CONTINUED)).toBe(true);
    expect(pieces.at(-1)!.endsWith(CONTINUED)).toBe(false);
    for (const piece of pieces) expect([...piece].length).toBeLessThanOrEqual(38);
    const joined = pieces.map((piece, index) => (index === 0 ? piece : piece.slice(2)).replace(CONTINUED, '')).join(' ');
    expect(joined).toBe(line);
  });

  it('cuts a token longer than the width where it must', () => {
    const pieces = wrapLine('y'.repeat(100), 40);
    expect(pieces.map((piece) => piece.replace(CONTINUED, '').replace(/^ {2}/, '')).join('')).toBe('y'.repeat(100));
  });
});
