import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandProfile, ioForEnvironment, loadEnvironment } from '../../src/environments/load-environment.js';
import { parseEnvironments, type EnvironmentProfile } from '../../src/environments/parse-environments.js';
import { NoteError, UsageError } from '../../src/errors.js';
import { createNodeIo, type Io } from '../../src/io.js';

const FILE = 'runbooks/environments.json';

/** The one environment of `{"environments": {"staging": <settings>}}`, as parsed. */
function profile(settings: object): EnvironmentProfile {
  const { environments, problems } = parseEnvironments(JSON.stringify({ environments: { staging: settings } }, null, 2), FILE);
  expect(problems).toEqual([]);
  return environments.get('staging')!;
}

describe('expandProfile', () => {
  it.each([
    ['a set variable', '${PROM}', { PROM: 'http://prom:9090' }, 'http://prom:9090'],
    ['a set variable over its default', '${PROM:-http://default:9090}', { PROM: 'http://prom:9090' }, 'http://prom:9090'],
    ['the default of an unset variable', '${PROM:-http://default:9090}', {}, 'http://default:9090'],
    ['the default of an empty variable (as a shell does)', '${PROM:-http://default:9090}', { PROM: '' }, 'http://default:9090'],
    ['variables inside text', 'http://${HOST}:${PORT:-9090}/prometheus', { HOST: 'prom' }, 'http://prom:9090/prometheus'],
    ['text without variables', 'http://prom:9090', { PROM: 'x' }, 'http://prom:9090'],
    ['a $VAR without braces, as written', 'http://prom:9090/$PATH', { PATH: '/bin' }, 'http://prom:9090/$PATH'],
  ])('expands %s', (_name, url, env, expected) => {
    const { profile: expanded, problems } = expandProfile(profile({ prometheusUrl: url }), env, FILE);
    expect(problems).toEqual([]);
    expect(expanded.prometheusUrl).toBe(expected);
  });

  it('expands every string: home, cwd, env, parameters, target jobs and labels', () => {
    const settings = {
      home: '${SANDBOX}/home',
      cwd: '${SANDBOX}/work',
      env: { PATH: '${SANDBOX}/bin:${PATH}' },
      parameters: { 'incident-id': '${INCIDENT:-REHEARSAL}' },
      targets: { jobs: ['${JOB}'], labels: { env: '${ENV_LABEL:-staging}' } },
    };
    const { profile: expanded, problems } = expandProfile(profile(settings), { SANDBOX: '/tmp/s', PATH: '/usr/bin', JOB: 'butler' }, FILE);
    expect(problems).toEqual([]);
    expect(expanded).toMatchObject({
      home: '/tmp/s/home',
      cwd: '/tmp/s/work',
      env: { PATH: '/tmp/s/bin:/usr/bin' },
      parameters: { 'incident-id': 'REHEARSAL' },
      targets: { jobs: ['butler'], labels: { env: 'staging' } },
    });
  });

  it('reports every unset variable without a default, naming its key and line', () => {
    const environment = profile({ prometheusUrl: '${STAGING_PROMETHEUS_URL}', home: '${SANDBOX_HOME}', env: { PATH: '${SANDBOX_BIN}:${PATH}' } });
    const { problems } = expandProfile(environment, { PATH: '/usr/bin', SANDBOX_HOME: '' }, FILE);
    expect(problems).toEqual([
      { file: FILE, line: 4, message: 'environments.staging.prometheusUrl: uses ${STAGING_PROMETHEUS_URL}, which is not set (or empty): set it, or write ${STAGING_PROMETHEUS_URL:-default}' },
      { file: FILE, line: 5, message: 'environments.staging.home: uses ${SANDBOX_HOME}, which is not set (or empty): set it, or write ${SANDBOX_HOME:-default}' },
      { file: FILE, line: 7, message: 'environments.staging.env.PATH: uses ${SANDBOX_BIN}, which is not set (or empty): set it, or write ${SANDBOX_BIN:-default}' },
    ]);
  });

  it.each([
    ['a URL that is no URL once expanded', { prometheusUrl: '${PROM}' }, { PROM: 'prom:9090' }, 'environments.staging.prometheusUrl: "prom:9090" is not an http(s) URL'],
    [
      'a parameter value that could change a command',
      { parameters: { 'incident-id': '${INCIDENT}' } },
      { INCIDENT: 'INC-1; reboot' },
      'environments.staging.parameters.incident-id: parameter incident-id="INC-1; reboot" has characters that could change the command it is pasted into; use letters, digits and . _ : @ % + = , / -',
    ],
    ['a home starting with ~', { home: '~/rehearsal' }, {}, 'environments.staging.home: write ${HOME}/… rather than ~/…: no shell reads this file'],
  ])('checks what the expansion gave: %s', (_name, settings, env, message) => {
    expect(expandProfile(profile(settings), env, FILE).problems.map((problem) => problem.message)).toEqual([message]);
  });
});

describe('ioForEnvironment', () => {
  const base = { cwd: '/work', env: { HOME: '/root', PATH: '/usr/bin', KEEP: 'me' } } as unknown as Io;

  it('gives the steps the profile HOME and variables, over runbook’s own', () => {
    const io = ioForEnvironment(base, profile({ home: '/srv/home', env: { PATH: '/sandbox/bin:/usr/bin', KUBECONTEXT: 'staging' } }));
    expect(io.env).toEqual({ HOME: '/srv/home', PATH: '/sandbox/bin:/usr/bin', KUBECONTEXT: 'staging', KEEP: 'me' });
    expect(io.cwd).toBe('/work');
  });

  it('keeps HOME when the profile has none, and the world as is without a profile', () => {
    expect(ioForEnvironment(base, profile({ env: { A: '1' } })).env.HOME).toBe('/root');
    expect(ioForEnvironment(base, undefined)).toBe(base);
  });
});

describe('loadEnvironment', () => {
  const root = mkdtempSync(join(tmpdir(), 'runbook-load-environment-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function load(name: string, text: string | undefined, env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(root, 'case-'));
    mkdirSync(join(dir, 'runbooks'));
    if (text !== undefined) writeFileSync(join(dir, 'runbooks/environments.json'), text);
    const io = { ...(await createNodeIo()), cwd: dir, env };
    return { dir, result: loadEnvironment(name, 'runbooks', io) };
  }

  it('expands the chosen environment, and resolves relative home and cwd from the current directory', async () => {
    const { dir, result } = await load('staging', JSON.stringify({ environments: { staging: { home: 'rehearsal-home', cwd: '${WORK:-.}', prometheusUrl: '${PROM:-http://p:9090}' } } }));
    expect(await result).toMatchObject({ name: 'staging', home: join(dir, 'rehearsal-home'), cwd: dir, prometheusUrl: 'http://p:9090' });
  });

  it('names the known environments when the one asked for is not there', async () => {
    const { result } = await load('stagign', JSON.stringify({ environments: { staging: {}, production: {} } }));
    await expect(result).rejects.toThrow(new UsageError('--env stagign: no such environment in runbooks/environments.json; known: staging, production'));
  });

  it('says how to start when there is no environments.json', async () => {
    const { result } = await load('staging', undefined);
    await expect(result).rejects.toThrow(new UsageError('--env staging: runbooks/environments.json not found: create it to define environments (see README, "Environments")'));
  });

  it('refuses a file with problems, listing each with file:line', async () => {
    const { result } = await load('staging', '{"environments": {\n  "staging": { "hme": "/srv" },\n  "production": { "production": "yes" }\n}}');
    const error = (await result.catch((caught: unknown) => caught)) as NoteError;
    expect(error).toBeInstanceOf(NoteError);
    expect(error.lines()).toEqual([
      'runbooks/environments.json:2: environments.staging.hme: unknown setting (did you mean home?); known: description, prometheusUrl, home, cwd, env, parameters, targets, production, notify, silence, alertmanagerUrl',
      'runbooks/environments.json:3: environments.production.production: expected true or false (without quotes)',
      'runbooks/environments.json has 2 problems: fix them and try again',
    ]);
  });

  it('refuses an environment whose variables are not set, but not because of another environment', async () => {
    const text = JSON.stringify({ environments: { sandbox: { home: '${SANDBOX_HOME}' }, staging: {} } }, null, 2);
    await expect((await load('staging', text)).result).resolves.toMatchObject({ name: 'staging' });
    const error = (await (await load('sandbox', text)).result.catch((caught: unknown) => caught)) as NoteError;
    expect(error.lines()).toEqual(['runbooks/environments.json:4: environments.sandbox.home: uses ${SANDBOX_HOME}, which is not set (or empty): set it, or write ${SANDBOX_HOME:-default}']);
  });
});
