/**
 * Bounds on a note, checked in one linear pass before the markdown parser sees it (issue #9:
 * a list nested 1,000 deep overflowed the stack, 10,000 steps took 83 s, 200,000 lines took
 * 1 GB). Far above any real note (the template has ~300 lines, a dozen steps, lists 3 deep);
 * documented in docs/security.md.
 */

export const NOTE_LIMITS = {
  /** Lines in a note (a note is also at most 1 MiB: files/read-file-safely.ts). */
  lines: 20_000,
  /** Numbered list items and headings: every step is one, so this bounds the steps. */
  steps: 500,
  /** Levels of list (and quote) nesting, counted from indentation and markers. */
  depth: 64,
} as const;

export interface LimitProblem {
  line: number;
  message: string;
}

// Outside code fences: the container markers a line opens with (`- `, `1. `, `> `).
const MARKER = /^(?:[-*+]|\d{1,9}[.)]|>)(?:[ \t]|$)/;
const FENCE = /^[ \t]*(?:`{3,}|~{3,})/;
const STEP_CANDIDATE = /^[ \t]{0,3}(?:\d{1,9}[.)][ \t]|#{1,6}[ \t])/;

/** The first limit the text is over, or undefined. Linear in the text. */
export function checkNoteLimits(text: string): LimitProblem | undefined {
  let line = 0;
  let candidates = 0;
  let inFence = false;
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const row = text.slice(start, end === -1 ? text.length : end);
    line += 1;
    if (line > NOTE_LIMITS.lines) return { line, message: `more than ${NOTE_LIMITS.lines.toLocaleString('en')} lines, the limit for a note (see docs/security.md): is it really a note?` };
    if (FENCE.test(row)) inFence = !inFence;
    else if (!inFence) {
      if (STEP_CANDIDATE.test(row) && ++candidates > NOTE_LIMITS.steps) {
        return { line, message: `more than ${NOTE_LIMITS.steps.toLocaleString('en')} numbered items and headings, the limit for a note's steps (see docs/security.md): split the rollback into several notes` };
      }
      const depth = nestingDepth(row);
      if (depth > NOTE_LIMITS.depth) return { line, message: `lists nested more than ${NOTE_LIMITS.depth} levels deep, the limit for a note (see docs/security.md): flatten the list` };
    }
    if (end === -1) break;
    start = end + 1;
  }
  return undefined;
}

/** A line's nesting: its markers, and its indentation before a marker (two columns a level). */
function nestingDepth(row: string): number {
  let depth = 0;
  let column = 0;
  let i = 0;
  for (;;) {
    const indentStart = column;
    while (i < row.length && (row[i] === ' ' || row[i] === '\t')) {
      column += row[i] === '\t' ? 4 - (column % 4) : 1;
      i += 1;
    }
    const marker = MARKER.exec(row.slice(i, i + 12));
    if (!marker) return depth;
    // Indentation only counts in front of a list marker: indented text may be code.
    depth += 1 + Math.floor((column - indentStart) / 2);
    i += marker[0].length;
    column += marker[0].length;
    if (depth > NOTE_LIMITS.depth) return depth;
  }
}
