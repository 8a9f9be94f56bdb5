import { describe, expect, it } from 'vitest';
import { sedPatternToRegExp } from '../../src/flags/sed-pattern.js';

describe('sedPatternToRegExp', () => {
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
    expect(sedPatternToRegExp(pattern)!.test(line)).toBe(matches);
  });

  it.each(['X=\\(1\\)', 'X=a\\+', 'a\\|b', 'X=[[:digit:]]', 'X=[01', '\\1'])('does not judge %j', (pattern) => {
    expect(sedPatternToRegExp(pattern)).toBeUndefined();
  });
});
