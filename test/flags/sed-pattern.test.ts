import { describe, expect, it } from 'vitest';
import { compileSedPattern, MAX_SED_PATTERN } from '../../src/flags/sed-pattern.js';

describe('compileSedPattern', () => {
  it.each([
    { pattern: 'USE_NEW_X=true', line: 'USE_NEW_X=true', matches: true },
    { pattern: 'USE_NEW_X=true', line: 'export USE_NEW_X=true', matches: true },
    { pattern: 'USE_NEW_X=true', line: 'USE_NEW_X="true"', matches: false },
    { pattern: '^USE_NEW_X=true', line: 'export USE_NEW_X=true', matches: false },
    { pattern: 'USE_NEW_X=true$', line: 'USE_NEW_X=true # on', matches: false },
    { pattern: 'USE_NEW_X=.*', line: 'USE_NEW_X="yes"', matches: true },
    { pattern: 'USE_NEW_X=[01]', line: 'USE_NEW_X=1', matches: true },
    { pattern: 'A.B', line: 'AxB', matches: true },
    { pattern: 'A\\.B', line: 'AxB', matches: false },
    { pattern: 'X=a+b', line: 'X=a+b', matches: true },
    { pattern: 'X=(1)', line: 'X=(1)', matches: true },
    { pattern: '*X', line: '*X', matches: true },
  ])('/$pattern/ on $line → $matches', ({ pattern, line, matches }) => {
    expect(compileSedPattern(pattern)!.test(line)).toBe(matches);
  });

  it.each(['X=\\(1\\)', 'X=a\\+', 'a\\|b', 'X=[[:digit:]]', 'X=[01', '\\1'])('does not judge %j', (pattern) => {
    expect(compileSedPattern(pattern)).toBeUndefined();
  });
});

describe("a note's sed pattern with catastrophic backtracking", () => {
  // Not a timing test: a backtracking engine never finishes these (vitest's 5 s timeout fails it).
  it('never hangs: X=.*.*.*…b on a long line is judged in linear time', () => {
    const matcher = compileSedPattern(`X=${'.*'.repeat(30)}b`)!;
    expect(matcher.test(`X=${'a'.repeat(20_000)}`)).toBe(false);
    expect(matcher.test(`X=${'a'.repeat(20_000)}b`)).toBe(true);
  });

  it.each([
    { pattern: '[]x]', line: ']', matches: true },
    { pattern: '[^]x]', line: ']', matches: false },
    { pattern: '^*X', line: '*X', matches: true },
    { pattern: 'a*b', line: 'b', matches: true },
    { pattern: '^$', line: '', matches: true },
  ])('/$pattern/ on $line → $matches', ({ pattern, line, matches }) => {
    expect(compileSedPattern(pattern)!.test(line)).toBe(matches);
  });

  it(`refuses to judge a pattern longer than ${MAX_SED_PATTERN} characters`, () => {
    expect(compileSedPattern('a'.repeat(MAX_SED_PATTERN + 1))).toBeUndefined();
  });
});
