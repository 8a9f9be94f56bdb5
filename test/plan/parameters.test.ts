import { describe, expect, it } from 'vitest';
import { fillParameters, parameterEnvName, parseSetOptions } from '../../src/plan/parameters.js';

describe('parseSetOptions', () => {
  it('reads name=value pairs; a value may itself hold =', () => {
    expect(parseSetOptions(['incident-id=INC-42', 'note=a=b', 'who=ops@example.com'])).toEqual(
      new Map([
        ['incident-id', 'INC-42'],
        ['note', 'a=b'],
        ['who', 'ops@example.com'],
      ]),
    );
  });

  it.each([
    { option: 'incident-id', message: /^--set incident-id: write it as --set name=value/ },
    { option: '=x', message: /^--set =x: write it as --set name=value/ },
    { option: 'bad!name=x', message: /^--set bad!name=x: "bad!name" is not a parameter name/ },
    { option: 'incident-id=', message: /^parameter incident-id is empty/ },
    { option: 'incident-id=a;rm -rf ~', message: /^parameter incident-id="a;rm -rf ~" has characters that could change the command/ },
    { option: 'incident-id=$(id)', message: /could change the command/ },
    { option: 'incident-id=a b', message: /could change the command/ },
    { option: "incident-id=it's", message: /could change the command/ },
    // Issue #9: `--set` values can still change the command.
    { option: 'pod=--all', message: /^parameter pod="--all" starts with "-": the command would take it for an option/ },
    { option: 'dir=~root', message: /^parameter dir="~root" has characters that could change the command/ },
    { option: 'dir=a:~root', message: /could change the command/ },
    { option: 'dir=../../etc', message: /^parameter dir="..\/..\/etc" has a ".." path segment/ },
    { option: 'dir=srv/..', message: /has a ".." path segment/ },
    { option: 'id=a\u001b[8m', message: /could change the command/ },
  ])('refuses $option', ({ option, message }) => {
    expect(() => parseSetOptions([option])).toThrow(message);
  });
});

describe('fillParameters', () => {
  it('replaces the parameters given and leaves the others and redirections alone', () => {
    expect(fillParameters('echo <incident-id> <who> < in > out', (name) => (name === 'incident-id' ? 'INC-42' : undefined))).toBe('echo INC-42 <who> < in > out');
  });
});

describe('parameterEnvName', () => {
  it.each([
    ['incident-id', 'RUNBOOK_PARAM_INCIDENT_ID'],
    ['who_am_i', 'RUNBOOK_PARAM_WHO_AM_I'],
  ])('%s → %s', (name, env) => {
    expect(parameterEnvName(name)).toBe(env);
  });
});
