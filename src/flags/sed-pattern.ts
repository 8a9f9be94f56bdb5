/**
 * A `sed` basic regular expression (the `X=true` of `s/X=true/X=false/`) as a matcher, so a
 * dry run can say whether the step's edit would find its line in the env file. Only the plain
 * subset notes use is understood (literals, `.`, `*`, `^`, `$`, `[…]`, `\.`); anything else
 * gives undefined: better no answer than a wrong one.
 *
 * The note's pattern is never handed to a backtracking engine (issue #9: `X=.*.*.*…b` hung
 * show, --dry-run and rollback): the subset has no backreferences, so it runs as a Thompson
 * NFA simulation, linear in the line (times the pattern's length, itself bounded).
 */

export interface SedMatcher {
  /** Whether the pattern matches somewhere in the line, as sed's `s` would find it. */
  test(line: string): boolean;
}

/** Longer patterns are not judged: a note's flag pattern is one `NAME=value`. */
export const MAX_SED_PATTERN = 1_000;

interface Atom {
  matches(char: string): boolean;
  star: boolean;
}

export function compileSedPattern(pattern: string): SedMatcher | undefined {
  if (pattern.length > MAX_SED_PATTERN) return undefined;
  const atoms: Atom[] = [];
  let anchoredStart = false;
  let anchoredEnd = false;
  const literal = (expected: string): Atom => ({ matches: (char) => char === expected, star: false });
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[++i];
      // `\.`, `\*`, `\[`, `\/`… are literals; `\(`, `\{`, `\+`, `\|`, `\1`, `\n` are GNU extras.
      if (next === undefined || !/[.*[\]^$\\/]/.test(next)) return undefined;
      atoms.push(literal(next));
    } else if (char === '[') {
      const start = i + 1 + (pattern[i + 1] === '^' ? 1 : 0);
      // A `]` first in the list is a member, not the end.
      const end = pattern.indexOf(']', pattern[start] === ']' ? start + 1 : start);
      if (end === -1) return undefined;
      const body = pattern.slice(i + 1, end);
      if (body.includes('[:') || body.includes('[=') || body.includes('[.')) return undefined; // no POSIX classes
      const negated = body.startsWith('^');
      const members = negated ? body.slice(1) : body;
      // One character class tested on one character: constant time, whatever it holds.
      const jsClass = new RegExp(`^[${negated ? '^' : ''}${members.replace(/[\\\]^]/g, '\\$&').replace(/^\\\^/, '\\^')}]$`, 'u');
      atoms.push({ matches: (c) => jsClass.test(c), star: false });
      i = end;
    } else if (char === '*') {
      const last = atoms.at(-1);
      if (i === 0 || (i === 1 && anchoredStart) || !last || last.star)
        atoms.push(literal('*')); // a leading `*` is a literal in a BRE
      else last.star = true;
    } else if (char === '^' && i === 0) {
      anchoredStart = true;
    } else if (char === '$' && i === pattern.length - 1) {
      anchoredEnd = true;
    } else if (char === '.') {
      atoms.push({ matches: () => true, star: false });
    } else {
      atoms.push(literal(char));
    }
  }
  return { test: (line) => simulate(atoms, anchoredStart, anchoredEnd, line) };
}

/** Thompson simulation: the set of atoms the match could be at, advanced one character at a time. */
function simulate(atoms: Atom[], anchoredStart: boolean, anchoredEnd: boolean, line: string): boolean {
  const accept = atoms.length;
  let current = new Uint8Array(accept + 1);
  let next = new Uint8Array(accept + 1);
  // A starred atom may match nothing: reaching it reaches the one after it too.
  const add = (set: Uint8Array, state: number) => {
    while (state <= accept && !set[state]) {
      set[state] = 1;
      if (state === accept || !atoms[state]!.star) break;
      state += 1;
    }
  };
  add(current, 0);
  const characters = Array.from(line); // by code point, as sed in a UTF-8 locale
  for (let position = 0; ; position++) {
    if (current[accept] && !anchoredEnd) return true;
    if (position === characters.length) return current[accept] === 1;
    const char = characters[position]!;
    next.fill(0);
    for (let state = 0; state < accept; state++) {
      if (!current[state] || !atoms[state]!.matches(char)) continue;
      if (atoms[state]!.star) add(next, state);
      else add(next, state + 1);
    }
    if (!anchoredStart) add(next, 0); // a match may start at any later character
    [current, next] = [next, current];
  }
}
