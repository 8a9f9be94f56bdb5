/**
 * `--env NAME` end to end: `runbooks/environments.json` read, validated and applied by the
 * real CLI. Precedence of the Prometheus URL, parameter defaults, the profile's HOME (which
 * env file is read, where `~` points for the steps), working directory and variables, and
 * the errors for unknown names and bad files. Each case asserts stdout, stderr and the exit
 * code together.
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox, DIALOG_NOTE, type Sandbox } from '../helpers/sandbox.js';

const PROFILE_NOTE = 'run-notes/environment-profile.md';

/** A sandbox with both fixture notes and the given environments.json. */
function sandboxWith(environments: object | string, options: { envFile?: string } = {}): Sandbox {
  const sandbox = createSandbox({ notes: [DIALOG_NOTE, PROFILE_NOTE], envFile: options.envFile });
  writeFileSync(join(sandbox.runbooks, 'environments.json'), typeof environments === 'string' ? environments : `${JSON.stringify({ environments }, null, 2)}\n`);
  return sandbox;
}

/** `show --json` of a stage: the plan as a real run would take it. */
async function showJson(sandbox: Sandbox, stage: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = await sandbox.run(sandbox.args('show', stage, '--json', ...args), { env });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout) as {
    prometheus: { url: string; source: string };
    parameters: { name: string; value: string | null }[];
    environment: unknown;
    flags: { currentValue: string | null; currentState: string }[];
  };
}

describe('--env: the Prometheus URL, flag > environment variable > profile > note', () => {
  const staging = { staging: { prometheusUrl: 'http://profile.example:9090', env: { PROMETHEUS_URL: 'http://for-the-steps.example:9090' } } };

  it.each([
    ['the note, without --env', [], {}, { url: 'http://127.0.0.1:9090', source: 'note' }],
    ['the profile, with --env', ['--env', 'staging'], {}, { url: 'http://profile.example:9090', source: 'profile' }],
    ['PROMETHEUS_URL over the profile', ['--env', 'staging'], { PROMETHEUS_URL: 'http://from-env.example:9090' }, { url: 'http://from-env.example:9090', source: 'environment' }],
    [
      '--prometheus-url over PROMETHEUS_URL and the profile',
      ['--env', 'staging', '--prometheus-url', 'http://flag.example:9090'],
      { PROMETHEUS_URL: 'http://from-env.example:9090' },
      { url: 'http://flag.example:9090', source: 'option' },
    ],
  ])('%s', async (_name, args, env, expected) => {
    const sandbox = sandboxWith(staging);
    const plan = await showJson(sandbox, '21_01a', args, env);
    expect(plan.prometheus).toMatchObject(expected);
  });

  it('names where the URL came from in the plan a person reads', async () => {
    const sandbox = sandboxWith(staging);
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run', '--env', 'staging'));
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('\n  env     staging\n');
    expect(result.stdout).toContain('\nRecovery checks after the last step — Prometheus http://profile.example:9090 (from the environment profile)\n');
  });
});

describe('--env: the recovery check a real run would make, in the dry run', () => {
  it.each([
    ['the profile’s target selectors', ['--env', 'staging'], 'every active target matching job=butler, env=staging up, with no scrape error, scraped after the last step'],
    ['--job over the profile’s selectors', ['--env', 'staging', '--job', 'api'], 'every active target matching job=api up, with no scrape error, scraped after the last step'],
    ['no target check for "targets": false', ['--env', 'mimir'], 'not checked (environment mimir has "targets": false)'],
    ['no target check with --no-targets', ['--env', 'staging', '--no-targets'], 'not checked (--no-targets)'],
  ])('shows %s', async (_name, args, targets) => {
    const sandbox = sandboxWith({ staging: { targets: { jobs: ['butler'], labels: { env: 'staging' } } }, mimir: { prometheusUrl: 'https://mimir.example/prometheus', targets: false } });
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run', ...args));
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain(`\n  targets: ${targets}\n`);
  });

  it('shows no recovery check with --no-verify', async () => {
    const sandbox = sandboxWith({ staging: {} });
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run', '--env', 'staging', '--no-verify'));
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('\nRecovery checks after the last step: none (--no-verify)\n\nOther paths');
  });
});

describe('--env: parameters, HOME, working directory and variables of the steps', () => {
  it('gives its parameter defaults to notes that have the parameter, and only to them; --set wins', async () => {
    const sandbox = sandboxWith({ staging: { parameters: { 'incident-id': 'REHEARSAL' } } });
    expect((await showJson(sandbox, '91_profile', ['--env', 'staging'])).parameters).toEqual([{ name: 'incident-id', lines: [18], value: 'REHEARSAL' }]);
    expect((await showJson(sandbox, '91_profile', ['--env', 'staging', '--set', 'incident-id=INC-7'])).parameters).toEqual([{ name: 'incident-id', lines: [18], value: 'INC-7' }]);
    // 21_01a takes no parameters: the profile's default is not forced on it (a --set would be refused).
    expect((await showJson(sandbox, '21_01a', ['--env', 'staging'])).parameters).toEqual([]);
    const refused = await sandbox.run(sandbox.args('show', '21_01a', '--env', 'staging', '--set', 'incident-id=INC-7'));
    expect(refused.exitCode).toBe(2);
  });

  it('reads the flag from the env file under the profile HOME', async () => {
    const sandbox = sandboxWith({ rehearsal: { home: '${REHEARSAL_HOME}' } }, { envFile: 'USE_NEW_DIALOG_CONTEXT_REPO=true\n' });
    const rehearsalHome = join(sandbox.root, 'rehearsal-home');
    mkdirSync(join(rehearsalHome, 'work/infra'), { recursive: true });
    writeFileSync(join(rehearsalHome, 'work/infra/.env.infra'), 'USE_NEW_DIALOG_CONTEXT_REPO=false\n');

    expect((await showJson(sandbox, '21_01a')).flags[0]).toMatchObject({ currentState: 'set', currentValue: 'true' });
    expect((await showJson(sandbox, '21_01a', ['--env', 'rehearsal'], { REHEARSAL_HOME: rehearsalHome })).flags[0]).toMatchObject({ currentState: 'set', currentValue: 'false' });
  });

  it('runs the steps with the profile HOME, working directory and variables, and journals the environment', async () => {
    const sandbox = sandboxWith({ rehearsal: { home: '${REHEARSAL_HOME}', cwd: 'checkout', env: { KUBECONTEXT: 'rehearsal-${CLUSTER:-kind}' }, parameters: { 'incident-id': 'REHEARSAL' } } });
    const rehearsalHome = join(sandbox.root, 'rehearsal-home');
    mkdirSync(join(rehearsalHome, 'work/infra'), { recursive: true });
    writeFileSync(join(rehearsalHome, 'work/infra/.env.infra'), 'USE_PROFILE_FIXTURE=true\n');
    writeFileSync(join(rehearsalHome, 'marker.txt'), 'the rehearsal home\n');
    mkdirSync(join(sandbox.work, 'checkout'));
    sandbox.writeEnvFile('USE_PROFILE_FIXTURE=true\n');

    const result = await sandbox.run(sandbox.args('rollback', '91_profile', '--yes', '--env', 'rehearsal'), { env: { REHEARSAL_HOME: rehearsalHome } });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('\n  env     rehearsal\n');
    expect(result.stdout).toContain(`› home=${rehearsalHome} cwd=${join(sandbox.work, 'checkout')} context=rehearsal-kind incident=REHEARSAL\n› the rehearsal home\n`);
    expect(result.stdout).toContain('✔ 1. Disable feature flag — USE_PROFILE_FIXTURE: true → false');
    // The flag flipped under the profile HOME, not under runbook's own.
    expect(sandbox.readEnvFile()).toBe('USE_PROFILE_FIXTURE=true\n');
    expect(sandbox.journal().events[0]).toMatchObject({ type: 'run-started', environment: 'rehearsal', cwd: join(sandbox.work, 'checkout'), parameters: { 'incident-id': 'REHEARSAL' } });
  });
});

describe('--env: what goes wrong', () => {
  it('lists the known environments for an unknown name, and runs nothing', async () => {
    const sandbox = sandboxWith({ staging: {}, production: {} });
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--env', 'stagign'));
    expect(result).toEqual({ stdout: '', stderr: `runbook: --env stagign: no such environment in ${sandbox.runbooks}/environments.json; known: staging, production\n`, exitCode: 2 });
    expect(sandbox.calls()).toEqual([]);
  });

  it('says how to start when there is no environments.json', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('show', '21_01a', '--env', 'staging'));
    expect(result).toEqual({ stdout: '', stderr: `runbook: --env staging: ${sandbox.runbooks}/environments.json not found: create it to define environments (see README, "Environments")\n`, exitCode: 2 });
  });

  it('reports every problem of a bad environments.json with file:line and key, exit 2, nothing run', async () => {
    const sandbox = sandboxWith(`{
  "environments": {
    "staging": {
      "prometeusUrl": "http://prom:9090",
      "targets": { "jobs": "butler" }
    },
    "production": { "production": "yes" }
  }
}
`);
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--env', 'staging'));
    const file = `${sandbox.runbooks}/environments.json`;
    expect(result).toEqual({
      stdout: '',
      stderr: [
        `runbook: ${file}:4: environments.staging.prometeusUrl: unknown setting (did you mean prometheusUrl?); known: description, prometheusUrl, home, cwd, env, parameters, targets, production, notify, silence, alertmanagerUrl`,
        `runbook: ${file}:5: environments.staging.targets.jobs: expected a list of job names, e.g. ["butler"]`,
        `runbook: ${file}:7: environments.production.production: expected true or false (without quotes)`,
        `runbook: ${file} has 3 problems: fix them and try again`,
        '',
      ].join('\n'),
      exitCode: 2,
    });
    expect(sandbox.calls()).toEqual([]);
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });

  it('reports bad JSON with the line of the mistake', async () => {
    const sandbox = sandboxWith('{\n  "environments": {\n    "staging": {\n      "home": "/srv",\n    }\n  }\n}\n');
    const result = await sandbox.run(sandbox.args('show', '21_01a', '--env', 'staging'));
    expect(result).toEqual({ stdout: '', stderr: `runbook: ${sandbox.runbooks}/environments.json:5: not valid JSON: a comma before "}": remove it\n`, exitCode: 2 });
  });

  it('names the key whose variable is not set', async () => {
    const sandbox = sandboxWith({ sandbox: { prometheusUrl: '${SANDBOX_PROMETHEUS_URL}' } });
    const result = await sandbox.run(sandbox.args('show', '21_01a', '--env', 'sandbox'));
    expect(result).toEqual({
      stdout: '',
      stderr: `runbook: ${sandbox.runbooks}/environments.json:4: environments.sandbox.prometheusUrl: uses \${SANDBOX_PROMETHEUS_URL}, which is not set (or empty): set it, or write \${SANDBOX_PROMETHEUS_URL:-default}\n`,
      exitCode: 2,
    });
  });
});
