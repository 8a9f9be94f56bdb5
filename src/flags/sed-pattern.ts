/**
 * A `sed` basic regular expression (the `X=true` of `s/X=true/X=false/`) as a JavaScript
 * RegExp, so a dry run can say whether the step's edit would find its line in the env file.
 * Only the plain subset notes use is translated (literals, `.`, `*`, `^`, `$`, `[…]`, `\.`);
 * anything else gives undefined: better no answer than a wrong one.
 */

export function sedPatternToRegExp(pattern: string): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[++i];
      // `\.`, `\*`, `\[`, `\/`… are literals; `\(`, `\{`, `\+`, `\|`, `\1`, `\n` are GNU extras.
      if (next === undefined || !/[.*[\]^$\\/]/.test(next)) return undefined;
      source += `\\${next}`;
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + (pattern[i + 1] === ']' ? 2 : pattern[i + 1] === '^' && pattern[i + 2] === ']' ? 3 : 1));
      const body = end === -1 ? undefined : pattern.slice(i + 1, end);
      if (body === undefined || body.includes('[:')) return undefined; // no POSIX classes
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (char === '*') {
      source += i === 0 ? '\\*' : '*'; // a leading `*` is a literal in a BRE
    } else if (char === '^') {
      source += i === 0 ? '^' : '\\^';
    } else if (char === '$') {
      source += i === pattern.length - 1 ? '$' : '\\$';
    } else if (char === '.') {
      source += '.';
    } else {
      source += char.replace(/[+?(){}|]/, '\\$&'); // literals in a BRE, special in JavaScript
    }
  }
  return new RegExp(source);
}
