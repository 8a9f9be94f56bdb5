import { describe, expect, it } from 'vitest';
import { parseEnvironments } from '../../src/environments/parse-environments.js';

const FILE = 'runbooks/environments.json';
const problemsOf = (text: string) => parseEnvironments(text, FILE).problems.map((problem) => `${problem.line}: ${problem.message}`);

describe('parseEnvironments', () => {
  it('reads every setting of an environment, with the lines of its name and settings', () => {
    const text = `{
  "environments": {
    "staging": {
      "description": "Shared staging",
      "prometheusUrl": "\${STAGING_PROMETHEUS_URL:-http://prometheus.staging:9090}",
      "home": "/srv/rehearsal-home",
      "cwd": "/srv/butler",
      "env": { "KUBECONTEXT": "staging" },
      "parameters": { "incident-id": "REHEARSAL" },
      "targets": { "jobs": ["butler", "scheduler"], "labels": { "env": "staging" } },
      "notify": "\${STAGING_WEBHOOK_URL}",
      "silence": ["job=butler", "alertname=~\\"Butler.*\\""],
      "alertmanagerUrl": "http://alertmanager.staging:9093"
    }
  }
}`;
    const { environments, problems } = parseEnvironments(text, FILE);
    expect(problems).toEqual([]);
    expect(environments.get('staging')).toEqual({
      name: 'staging',
      description: 'Shared staging',
      prometheusUrl: '${STAGING_PROMETHEUS_URL:-http://prometheus.staging:9090}',
      home: '/srv/rehearsal-home',
      cwd: '/srv/butler',
      env: { KUBECONTEXT: 'staging' },
      parameters: { 'incident-id': 'REHEARSAL' },
      targets: { jobs: ['butler', 'scheduler'], labels: { env: 'staging' }, check: true },
      production: false,
      notify: ['${STAGING_WEBHOOK_URL}'],
      silence: ['job=butler', 'alertname=~"Butler.*"'],
      alertmanagerUrl: 'http://alertmanager.staging:9093',
      line: 3,
      lines: expect.objectContaining({ prometheusUrl: 5, home: 6, 'env.KUBECONTEXT': 8, 'parameters.incident-id': 9, 'targets.labels.env': 10 }),
    });
  });

  it.each([
    ['a silence that is not a matcher', '"staging": { "silence": ["job"] }', '2: environments.staging.silence "job": expected =, !=, =~ or !~ after "job"; write e.g. job=butler, job="butler" or alertname=~"Butler.*"'],
    ['a silence that is not a list of strings', '"staging": { "silence": [1] }', '2: environments.staging.silence: expected a string or a list of strings, e.g. ["job=butler"]'],
    ['a notify that is not a string', '"staging": { "notify": true }', '2: environments.staging.notify: expected a string or a list of strings, e.g. "${SLACK_WEBHOOK_URL}"'],
    ['an alertmanagerUrl that is not a URL', '"staging": { "alertmanagerUrl": "alertmanager:9093" }', '2: environments.staging.alertmanagerUrl: expected an http(s) URL, e.g. http://alertmanager:9093'],
  ])('reports %s', (_name, entry, expected) => {
    expect(problemsOf(`{"environments": {\n${entry}\n}}`)).toEqual([expected]);
  });

  it.each([
    ['named production', '"production": {}', true],
    ['named prod', '"prod": {}', true],
    ['named Production', '"Production": {}', true],
    ['named production, saying it is not', '"production": { "production": false }', false],
    ['named staging', '"staging": {}', false],
    ['named staging, saying it is production', '"staging": { "production": true }', true],
    ['named production-like', '"preprod": {}', false],
  ])('an environment %s is production: %s', (_name, entry, production) => {
    const { environments, problems } = parseEnvironments(`{"environments": {${entry}}}`, FILE);
    expect(problems).toEqual([]);
    expect([...environments.values()][0]!.production).toBe(production);
  });

  it.each([
    ['a missing value', '{\n  "environments": {\n    "staging": {\n      "home": \n    }\n  }\n}', ['5: not valid JSON: expected a value (a "string", number, true, false, null, {…} or […]), found "}"']],
    ['a trailing comma', '{\n  "environments": {\n    "staging": {},\n  }\n}', ['4: not valid JSON: a comma before "}": remove it']],
    ['a missing comma', '{\n  "environments": {\n    "staging": {}\n    "production": {}\n  }\n}', ['4: not valid JSON: expected "," or "}" after the value of "staging", found """']],
    ['single quotes', "{\n  'environments': {}\n}", [`2: not valid JSON: expected a "key" in double quotes, found "'"`]],
    ['an unclosed string', '{\n  "environments": {\n    "staging": {\n      "home": "/srv\n    }\n  }\n}', ['4: not valid JSON: a string runs past the end of its line: close it with "']],
    ['a cut-off file', '{\n  "environments": {\n    "staging": {}\n', ['4: not valid JSON: expected "," or "}" after the value of "staging", found the end of the file']],
    ['an empty file', '', ['1: not valid JSON: expected a value (a "string", number, true, false, null, {…} or […]), found the end of the file']],
    ['text after the object', '{"environments": {}}\nx', ['2: not valid JSON: unexpected "x" after the end of the JSON value']],
    ['a comment', '{\n  // staging\n  "environments": {}\n}', ['2: not valid JSON: expected a "key" in double quotes, found "/"']],
  ])('reports bad JSON (%s) with its line', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it.each([
    ['no environments object', '{"staging": {}}', ['1: expected an object with an "environments" object, e.g. {"environments": {"staging": {...}}}']],
    ['a list of environments', '{\n  "environments": []\n}', ['2: expected an object with an "environments" object, e.g. {"environments": {"staging": {...}}}']],
    ['a list at the top', '[]', ['1: expected an object with an "environments" object, e.g. {"environments": {"staging": {...}}}']],
    ['another top-level key', '{\n  "environments": {},\n  "defaults": {}\n}', ['3: defaults: unknown setting; the file holds one "environments" object']],
  ])('reports a bad shape (%s)', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it.each([
    [
      'a misspelt setting',
      '"staging": {\n "prometeusUrl": "http://p:9090"\n}',
      '3: environments.staging.prometeusUrl: unknown setting (did you mean prometheusUrl?); known: description, prometheusUrl, home, cwd, env, parameters, targets, production, notify, silence, alertmanagerUrl',
    ],
    [
      'a setting in the wrong case',
      '"staging": {\n "Home": "/srv"\n}',
      '3: environments.staging.Home: unknown setting (did you mean home?); known: description, prometheusUrl, home, cwd, env, parameters, targets, production, notify, silence, alertmanagerUrl',
    ],
    [
      'an unknown setting',
      '"staging": {\n "replicas": 3\n}',
      '3: environments.staging.replicas: unknown setting; known: description, prometheusUrl, home, cwd, env, parameters, targets, production, notify, silence, alertmanagerUrl',
    ],
    ['a misspelt target setting', '"staging": {\n "targets": {\n "job": ["butler"]\n }\n}', '4: environments.staging.targets.job: unknown setting (did you mean jobs?); known: jobs, labels'],
    ['a number for a URL', '"staging": {\n "prometheusUrl": 9090\n}', '3: environments.staging.prometheusUrl: expected a non-empty string'],
    ['an empty home', '"staging": {\n "home": " "\n}', '3: environments.staging.home: expected a non-empty string'],
    ['a URL without a scheme', '"staging": {\n "prometheusUrl": "prometheus:9090"\n}', '3: environments.staging.prometheusUrl: expected an http(s) URL, e.g. http://prometheus:9090'],
    ['production in quotes', '"staging": {\n "production": "true"\n}', '3: environments.staging.production: expected true or false (without quotes)'],
    ['env as a list', '"staging": {\n "env": ["A=1"]\n}', '3: environments.staging.env: expected an object of string values, e.g. {"KUBECONTEXT": "…"}'],
    ['a number in env', '"staging": {\n "env": {\n "REPLICAS": 3\n }\n}', '4: environments.staging.env.REPLICAS: expected a string, e.g. "3" in quotes'],
    ['a bad variable name', '"staging": {\n "env": {\n "KUBE-CONTEXT": "x"\n }\n}', '4: environments.staging.env.KUBE-CONTEXT: not an environment variable name (letters, digits and "_", not starting with a digit)'],
    [
      'a bad parameter name',
      '"staging": {\n "parameters": {\n "incident id": "x"\n }\n}',
      '4: environments.staging.parameters.incident id: not a parameter name (as <incident-id> in a note: letters and digits, joined by "-" or "_")',
    ],
    ['jobs as a string', '"staging": {\n "targets": {\n "jobs": "butler"\n }\n}', '4: environments.staging.targets.jobs: expected a list of job names, e.g. ["butler"]'],
    ['an empty job name', '"staging": {\n "targets": {\n "jobs": [""]\n }\n}', '4: environments.staging.targets.jobs: expected a list of job names, e.g. ["butler"]'],
    ['labels as a list', '"staging": {\n "targets": {\n "labels": ["env"]\n }\n}', '4: environments.staging.targets.labels: expected an object of label values, e.g. {"env": "staging"}'],
    ['targets as a list', '"staging": {\n "targets": ["butler"]\n}', '3: environments.staging.targets: expected {"jobs": [...], "labels": {...}}, or false for no target check'],
    ['settings as a string', '"staging": "http://p:9090"', '2: environments.staging: expected an object of settings'],
    ['a name with a space', '"stag ing": {}', '2: environments.stag ing: environment names are a letter, then letters, digits, "-" and "_"'],
    ['a name starting with a digit', '"1staging": {}', '2: environments.1staging: environment names are a letter, then letters, digits, "-" and "_"'],
  ])('reports %s with its line and key', (_name, entry, expected) => {
    expect(problemsOf(`{"environments": {\n${entry}\n}}`)).toEqual([expected]);
  });

  it.each([
    ['no targets setting: every target', undefined, { jobs: [], labels: {}, check: true }],
    ['targets false: no target check (Thanos Query, Mimir)', false, { jobs: [], labels: {}, check: false }],
    ['jobs only', { jobs: ['butler'] }, { jobs: ['butler'], labels: {}, check: true }],
  ])('reads %s', (_name, targets, expected) => {
    const { environments, problems } = parseEnvironments(JSON.stringify({ environments: { mimir: { targets } } }), FILE);
    expect(problems).toEqual([]);
    expect(environments.get('mimir')!.targets).toEqual(expected);
  });

  it('points at the setting itself, not at an earlier key of the same name', () => {
    // "production" appears first as a setting of staging, then as an environment with a bad setting of that name.
    const text = '{"environments": {\n  "staging": { "production": false },\n  "production": {\n    "home": "/srv",\n    "production": "yes"\n  }\n}}';
    expect(problemsOf(text)).toEqual(['5: environments.production.production: expected true or false (without quotes)']);
    expect(parseEnvironments(text, FILE).environments.get('production')!.line).toBe(3);
  });

  it('reports an environment defined twice (JSON would silently keep the last)', () => {
    expect(problemsOf('{"environments": {\n  "staging": {},\n  "staging": { "home": "/srv" }\n}}')).toEqual(['3: environments.staging: given twice; only the last would count: remove one']);
  });

  it('reports every problem at once, in every environment', () => {
    const text = '{"environments": {\n  "staging": {\n    "prometeusUrl": "x",\n    "production": 1\n  },\n  "production": {\n    "home": 7\n  }\n}}';
    expect(problemsOf(text).map((problem) => problem.split(':').slice(0, 2).join(':'))).toEqual(['3: environments.staging.prometeusUrl', '4: environments.staging.production', '7: environments.production.home']);
  });

  it('parses the environments.json shipped in runbooks/', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../runbooks/environments.json', import.meta.url), 'utf8');
    const { environments, problems } = parseEnvironments(text, FILE);
    expect(problems).toEqual([]);
    expect([...environments.keys()]).toEqual(['sandbox', 'staging', 'production']);
    expect([...environments.values()].map((environment) => environment.production)).toEqual([false, false, true]);
  });
});
