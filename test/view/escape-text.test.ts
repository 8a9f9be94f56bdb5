import { describe, expect, it } from 'vitest';
import { escapeDeep, escapeText } from '../../src/view/escape-text.js';

describe('escapeText', () => {
  it.each([
    ['a step line ending in # \u001b[8m', 'a step line ending in # \\e[8m'],
    ['an OSC title \u001b]0;pwned\u0007', 'an OSC title \\e]0;pwned^G'],
    ['a C1 CSI \u009b2J', 'a C1 CSI \\u{9b}2J'],
    ['carriage\rreturn', 'carriage\\rreturn'],
    ['backspace\u0008\u0008', 'backspace^H^H'],
    ['delete\u007f', 'delete^?'],
    ['bidi \u202eevil\u202c', 'bidi \\u{202e}evil\\u{202c}'],
    ['lines\nand\ttabs stay', 'lines\nand\ttabs stay'],
    ['plain text, ünïcödé and emoji 🚀 stay', 'plain text, ünïcödé and emoji 🚀 stay'],
  ])('%j → %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('escapes every string of plain data, leaving numbers, nulls and Maps alone', () => {
    const map = new Map([['k', '\u001b']]);
    expect(escapeDeep({ title: 'x\u001b[31m', steps: [{ n: 1, commands: 'echo \u0007' }], none: null, map })).toEqual({
      title: 'x\\e[31m',
      steps: [{ n: 1, commands: 'echo ^G' }],
      none: null,
      map,
    });
  });
});
