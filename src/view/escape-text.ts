/**
 * Untrusted text made safe for a terminal or a markdown file (issue #9): every control
 * character is shown, never sent — ESC as `\e`, other C0 controls in caret notation (`^G`),
 * DEL as `^?`, C1 controls (U+0080–U+009F, which some terminals obey like ESC) and the Unicode
 * bidirectional overrides (which reorder what is shown) as `\u{…}` — the way git and ls quote
 * file names. Newlines and tabs stay: multi-line commands are shown as lines.
 */

// C0 except \t and \n, DEL, C1, and the bidi embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeText(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    if (code === 0x1b) return '\\e';
    if (code === 0x0d) return '\\r';
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return '^?';
    return `\\u{${code.toString(16)}}`;
  });
}

/** Whether the text holds anything `escapeText` would change (cheap check before copying). */
export function needsEscape(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * A copy of plain data (a plan, a report, events) with every string escaped, for a formatter
 * that prints them: escaping the data once escapes every place the formatter puts it. Maps,
 * Sets, Dates and class instances are kept as they are, as are strings that need nothing.
 */
export function escapeDeep<T>(value: T): T {
  return escapeValue(value, 0) as T;
}

function escapeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return needsEscape(value) ? escapeText(value) : value;
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => escapeValue(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeValue(item, depth + 1)]));
}
