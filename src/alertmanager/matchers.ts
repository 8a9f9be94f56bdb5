/**
 * Alertmanager matchers as operators write them (`job=butler`, `job="butler"`,
 * `alertname=~"Butler.*"`, `env!=prod`, `severity!~"info|none"`, or several in braces:
 * `{job="butler",env="staging"}`), turned into the API v2 matcher objects. Pure.
 * Syntax: https://prometheus.io/docs/alerting/latest/configuration/#matcher
 */

import { UsageError } from '../errors.js';

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** False for `!=` and `!~`. */
  isEqual: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = ['=~', '!~', '!=', '='] as const;

/** Every matcher of one `--silence` value (one, or a braced list); a usage error naming `source` when it is not one. */
export function parseMatchers(text: string, source = '--silence'): SilenceMatcher[] {
  const fail = (why: string): never => {
    throw new UsageError(`${source} ${JSON.stringify(text)}: ${why}; write e.g. job=butler, job="butler" or alertname=~"Butler.*"`);
  };
  let rest = text.trim();
  const braced = rest.startsWith('{');
  if (braced) {
    if (!rest.endsWith('}')) fail('a "{" without its closing "}"');
    rest = rest.slice(1, -1).trim();
  }
  const matchers: SilenceMatcher[] = [];
  while (rest !== '') {
    const name = NAME.exec(rest)?.[0];
    if (!name) fail(`expected a label name at "${rest.slice(0, 20)}"`);
    rest = rest.slice(name!.length).trimStart();
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!operator) fail(`expected =, !=, =~ or !~ after "${name}"`);
    rest = rest.slice(operator!.length).trimStart();
    const { value, remaining } = rest.startsWith('"') ? quoted(rest, fail) : bare(rest);
    rest = remaining.trimStart();
    const isRegex = operator!.endsWith('~');
    if (isRegex) checkRegex(value, fail);
    matchers.push({ name: name!, value, isRegex, isEqual: !operator!.startsWith('!') });
    if (rest.startsWith(',')) {
      rest = rest.slice(1).trimStart();
      if (!braced) fail('several matchers go in braces, {a="1",b="2"}, or one per --silence');
    } else if (rest !== '') fail(`unexpected "${rest.slice(0, 20)}" after the value`);
  }
  if (matchers.length === 0) fail('no matcher');
  return matchers;
}

/** `a="b"` / `a=~"b.*"` / `a!="b"`, as Alertmanager prints matchers. */
export function formatMatcher(matcher: SilenceMatcher): string {
  const operator = matcher.isEqual ? (matcher.isRegex ? '=~' : '=') : matcher.isRegex ? '!~' : '!=';
  return `${matcher.name}${operator}${JSON.stringify(matcher.value)}`;
}

/**
 * The matchers of several `--silence` values (all of them must match), each kept once. A set
 * whose every matcher matches the empty string is refused, as Alertmanager refuses it: it
 * would silence every alert.
 */
export function parseSilenceOptions(values: string[], source = '--silence'): SilenceMatcher[] {
  const all = values.flatMap((value) => parseMatchers(value, source));
  const seen = new Set<string>();
  const matchers = all.filter((matcher) => {
    const key = formatMatcher(matcher);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (matchers.length > 0 && matchers.every(matchesEmpty)) {
    throw new UsageError(`${source} ${matchers.map(formatMatcher).join(', ')}: would match every alert (each matcher matches an empty label); add one that names what to silence, e.g. job=butler`);
  }
  return matchers;
}

function quoted(text: string, fail: (why: string) => never): { value: string; remaining: string } {
  let value = '';
  for (let index = 1; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"') return { value, remaining: text.slice(index + 1) };
    if (char === '\\') {
      const next = text[++index];
      if (next === undefined) break;
      value += next === 'n' ? '\n' : next;
    } else value += char;
  }
  return fail('a quoted value without its closing quote');
}

function bare(text: string): { value: string; remaining: string } {
  // Unquoted, a value runs to the next comma (quote a value that holds one).
  const end = text.indexOf(',');
  return end === -1 ? { value: text.trim(), remaining: '' } : { value: text.slice(0, end).trim(), remaining: text.slice(end) };
}

function checkRegex(value: string, fail: (why: string) => never): void {
  try {
    new RegExp(`^(?:${value})$`);
  } catch (error) {
    fail(`not a regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }
}

function matchesEmpty(matcher: SilenceMatcher): boolean {
  const matches = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test('') : matcher.value === '';
  return matches === matcher.isEqual;
}
