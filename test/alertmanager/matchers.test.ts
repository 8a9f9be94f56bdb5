import { describe, expect, it } from 'vitest';
import { formatMatcher, parseMatchers, parseSilenceOptions } from '../../src/alertmanager/matchers.js';

describe('parseMatchers', () => {
  it.each([
    ['job=butler', [{ name: 'job', value: 'butler', isRegex: false, isEqual: true }]],
    ['job="butler"', [{ name: 'job', value: 'butler', isRegex: false, isEqual: true }]],
    [' job = "butler" ', [{ name: 'job', value: 'butler', isRegex: false, isEqual: true }]],
    ['alertname=~"Butler.*"', [{ name: 'alertname', value: 'Butler.*', isRegex: true, isEqual: true }]],
    [
      '{job=butler, env!=prod, severity!~"info|none"}',
      [
        { name: 'job', value: 'butler', isRegex: false, isEqual: true },
        { name: 'env', value: 'prod', isRegex: false, isEqual: false },
        { name: 'severity', value: 'info|none', isRegex: true, isEqual: false },
      ],
    ],
    ['msg="say \\"hi\\", \\\\ then go"', [{ name: 'msg', value: 'say "hi", \\ then go', isRegex: false, isEqual: true }]],
    [
      '{job="butler", env=~"stag.*"}',
      [
        { name: 'job', value: 'butler', isRegex: false, isEqual: true },
        { name: 'env', value: 'stag.*', isRegex: true, isEqual: true },
      ],
    ],
  ])('%s', (text, expected) => {
    expect(parseMatchers(text)).toEqual(expected);
  });

  it.each([
    ['job', 'expected =, !=, =~ or !~ after "job"'],
    ['=butler', 'expected a label name at "=butler"'],
    ['job="butler', 'a quoted value without its closing quote'],
    ['job=~"(["', 'not a regular expression'],
    ['job=a,env=b', 'several matchers go in braces'],
    ['{job="a"', 'a "{" without its closing "}"'],
    ['', 'no matcher'],
  ])('refuses %j: %s', (text, why) => {
    expect(() => parseMatchers(text)).toThrow(why);
  });

  it('names where the matcher came from, and says what to write', () => {
    expect(() => parseMatchers('job', 'environments.staging.silence')).toThrow('environments.staging.silence "job": expected =, !=, =~ or !~ after "job"; write e.g. job=butler, job="butler" or alertname=~"Butler.*"');
  });
});

describe('formatMatcher', () => {
  it.each(['job="butler"', 'alertname=~"Butler.*"', 'env!="prod"', 'severity!~"info|none"', 'msg="a \\"b\\""'])('%s prints back as itself', (text) => {
    expect(formatMatcher(parseMatchers(`{job="x", ${text}}`).at(-1)!)).toBe(text);
  });
});

describe('parseSilenceOptions', () => {
  it('keeps each matcher once, in order', () => {
    expect(parseSilenceOptions(['job=butler', 'job="butler"', 'alertname=~"Butler.*"']).map(formatMatcher)).toEqual(['job="butler"', 'alertname=~"Butler.*"']);
  });

  it('takes a negative matcher beside one that names what to silence', () => {
    expect(parseSilenceOptions(['job=butler', 'env!=prod']).map(formatMatcher)).toEqual(['job="butler"', 'env!="prod"']);
  });

  it.each([[['job=~".*"']], [['job=""']], [['env!=prod', 'severity!~"info"']]])('refuses %j: it would silence every alert', (values) => {
    expect(() => parseSilenceOptions(values)).toThrow('would match every alert (each matcher matches an empty label); add one that names what to silence, e.g. job=butler');
  });
});
