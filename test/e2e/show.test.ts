/**
 * `runbook show` and `runbook rollback --dry-run`: the plan as text and as JSON, path choice,
 * parameters, and proof that a dry run writes nothing and runs nothing.
 */

import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createSandbox, snapshot, type Sandbox } from '../helpers/notes-sandbox.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

const samples = { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md', '21_01b_metrics_exporter.md': '21_01b_metrics_exporter.md' };
const run = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { cwd: sandbox.root, env: { ...sandbox.env, ...env } });

describe('rollback --dry-run (text)', () => {
  it('prints the plan of 21_01a: the path taken, steps with their commands, the flag and its current value, the checks', async () => {
    sandbox = createSandbox({ notes: samples, envFile: 'OTHER=1\nUSE_NEW_DIALOG_CONTEXT_REPO=true\n' });
    const result = await run(['rollback', '21_01a', '--dry-run']);
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: `Dry run: rollback plan for stage 21_01a — Dialog Context Repository
  note    runbooks/21_01a_dialog_context_repo.md:79
  status  In Progress
  path    1. If Issues Found Within 1 Hour of Deployment  (2 paths; choose with --path N)

Feature flags
  USE_NEW_DIALOG_CONTEXT_REPO → false in ~/work/infra/.env.infra (step 1); now true

Steps — path 1: If Issues Found Within 1 Hour of Deployment
  1. Disable feature flag  [shell, line 83]
     │ sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra
     │ make day-12-restart-butler
       sets USE_NEW_DIALOG_CONTEXT_REPO
  2. Validate rollback  [shell, line 89]
     │ poetry run pytest tests/smoke/ -v
     │ curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus
  3. Communicate  [manual, line 95]
     [ ] Post to #ops-shared
     [ ] Update incident log
     [ ] Schedule post-mortem

Recovery checks after the last step — Prometheus http://127.0.0.1:9090 (from the note, line 92)
  targets: every active target up, with no scrape error, scraped after the last step
  Dialog context latency (p95): passes while not >150ms (>0.15 in Prometheus units)
      │ histogram_quantile(0.95, rate(dialog_context_repository_latency_seconds_bucket[5m]))
      ranges [5m] measured since the last step finished (at least 4 scrape intervals, at most as written)
  Error rate: passes while not >1% (>0.01 in Prometheus units)
      │ sum(rate(dialog_context_repository_operations_total{status="error"}[5m])) / sum(rate(dialog_context_repository_operations_total[5m]))
      ranges [5m] measured since the last step finished (at least 4 scrape intervals, at most as written)

Other paths (not taken; pick one with --path N)
  2. If Issues Found >1 Hour After Deployment — 0 shell, 1 manual step

Dry run: nothing was run and nothing was written.
`,
    });
  });

  it.each([
    { envFile: 'USE_NEW_DIALOG_CONTEXT_REPO=false\n', says: '(step 1); now false (already rolled back)' },
    { envFile: 'export USE_NEW_DIALOG_CONTEXT_REPO=true # set by deploy\n', says: '(step 1); now true\n' },
    {
      envFile: 'USE_NEW_DIALOG_CONTEXT_REPO="true"\n',
      says: "(step 1); now true, but no line of the file matches the step's sed pattern USE_NEW_DIALOG_CONTEXT_REPO=true: the step would change nothing",
    },
    { envFile: 'OTHER=1\n', says: '(step 1); not in the file now' },
    { envFile: undefined, says: '(step 1); HOME/work/infra/.env.infra does not exist' },
  ])('reads the flag from the env file, read only: $says', async ({ envFile, says }) => {
    sandbox = createSandbox({ notes: samples, envFile });
    const result = await run(['rollback', '21_01a', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`USE_NEW_DIALOG_CONTEXT_REPO → false in ~/work/infra/.env.infra ${says.replace('HOME', sandbox.home)}`);
  });

  it('writes nothing and runs nothing: the sandbox and HOME are unchanged and no stand-in command was called', async () => {
    sandbox = createSandbox({ notes: samples, envFile: 'USE_NEW_METRICS_EXPORTER=true\n' });
    const before = snapshot(sandbox.root);
    const results = [
      await run(['rollback', '21_01a', '--dry-run']),
      await run(['rollback', '21_01b', '--dry-run', '--set', 'incident-id=INC-42']),
      await run(['rollback', '21_01b', '--dry-run', '--json', '--set', 'incident-id=INC-42']),
      await run(['show', '21_01b', '--path', '2']),
    ];
    expect(results.map((result) => [result.exitCode, result.stderr])).toEqual(results.map(() => [0, '']));
    expect(snapshot(sandbox.root)).toEqual(before);
    expect(existsSync(sandbox.stubLog)).toBe(false);
  });

  it('the stand-in commands do record calls (so the test above can fail)', async () => {
    sandbox = createSandbox();
    const { execFileSync } = await import('node:child_process');
    execFileSync('make', ['day-12-restart-butler'], { env: { ...process.env, ...sandbox.env } });
    expect(existsSync(sandbox.stubLog)).toBe(true);
  });

  it('fills in --set parameters in the commands it shows', async () => {
    sandbox = createSandbox({ notes: samples });
    const result = await run(['rollback', '21_01b', '--dry-run', '--set', 'incident-id=INC-42']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Parameters\n  incident-id  INC-42  (line 38)\n');
    expect(result.stdout).toContain('│ echo "$(date -u +%FT%TZ) rollback 21_01b started for INC-42" >> ~/work/infra/rollback.log\n');
  });

  it('says which parameters still need a value', async () => {
    sandbox = createSandbox({ notes: samples });
    const result = await run(['show', '21_01b']);
    expect(result.stdout).toContain('incident-id  not set: give --set incident-id=VALUE  (line 38)');
    expect(result.stdout).toMatch(/^Rollback plan for stage 21_01b — Butler Metrics Exporter\n/);
    expect(result.stdout).not.toContain('Dry run');
  });
});

describe('--path', () => {
  it.each([
    { path: '2', number: 2, title: 'If Issues Found >1 Hour After Deployment' },
    { path: '>1 hour', number: 2, title: 'If Issues Found >1 Hour After Deployment' },
    { path: 'within', number: 1, title: 'If Issues Found Within 1 Hour of Deployment' },
  ])('--path $path picks "$title"', async ({ path, number, title }) => {
    sandbox = createSandbox({ notes: samples });
    const result = await run(['rollback', '21_01a', '--dry-run', '--path', path]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`  path    ${number}. ${title}  (2 paths; choose with --path N)\n`);
    expect(result.stdout).toContain(`Steps — path ${number}: ${title}\n`);
  });

  it.each([
    { path: '3', message: 'runbook: --path 3: the note has 2 path(s): 1. If Issues Found Within 1 Hour of Deployment; 2. If Issues Found >1 Hour After Deployment\n' },
    { path: '0', message: 'runbook: --path 0: the note has 2 path(s): 1. If Issues Found Within 1 Hour of Deployment; 2. If Issues Found >1 Hour After Deployment\n' },
    { path: 'nope', message: 'runbook: --path "nope" matches no path; the note\'s paths: 1. If Issues Found Within 1 Hour of Deployment; 2. If Issues Found >1 Hour After Deployment\n' },
    { path: 'hour', message: 'runbook: --path "hour" matches 2 paths: 1. If Issues Found Within 1 Hour of Deployment; 2. If Issues Found >1 Hour After Deployment; give the number\n' },
  ])('--path $path is refused with the paths listed', async ({ path, message }) => {
    sandbox = createSandbox({ notes: samples });
    expect(await run(['rollback', '21_01a', '--dry-run', '--path', path])).toEqual({ exitCode: 2, stdout: '', stderr: message });
  });
});

describe('--set', () => {
  it.each([
    { set: 'ticket=1', message: /^runbook: --set ticket: runbooks\/21_01b_metrics_exporter\.md has no parameter <ticket>; its parameters: incident-id\n$/ },
    { set: 'incident-id=INC-1;reboot', message: /^runbook: parameter incident-id="INC-1;reboot" has characters that could change the command it is pasted into; use letters, digits and \. _ : @ % \+ = , \/ -\n$/ },
    { set: 'incident-id=$(whoami)', message: /^runbook: parameter incident-id="\$\(whoami\)" has characters that could change the command/ },
    { set: 'incident-id', message: /^runbook: --set incident-id: write it as --set name=value, e\.g\. --set incident-id=INC-42\n$/ },
  ])('refuses --set $set', async ({ set, message }) => {
    sandbox = createSandbox({ notes: samples });
    const result = await run(['rollback', '21_01b', '--dry-run', '--set', set]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('--json', () => {
  it('prints the documented plan schema', async () => {
    sandbox = createSandbox({ notes: samples, envFile: 'USE_NEW_METRICS_EXPORTER=true\n' });
    const result = await run(['rollback', '21_01b', '--dry-run', '--json', '--set', 'incident-id=INC-42']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout);
    expect(Object.keys(plan)).toEqual([
      'schemaVersion',
      'stage',
      'title',
      'file',
      'component',
      'status',
      'flags',
      'environment',
      'prometheus',
      'selectedPath',
      'paths',
      'parameters',
      'unsetVariables',
      'checks',
      'problems',
    ]);
    expect(plan).toMatchObject({
      schemaVersion: 1,
      stage: '21_01b',
      title: 'Migration: Butler Metrics Exporter · Stage 21_01b',
      file: 'runbooks/21_01b_metrics_exporter.md',
      component: 'Butler Metrics Exporter',
      status: 'Complete',
      prometheus: { url: 'http://127.0.0.1:9090', source: 'note', line: 57 },
      selectedPath: 1,
      parameters: [{ name: 'incident-id', lines: [38], value: 'INC-42' }],
      unsetVariables: [],
      problems: [],
    });
    expect(plan.flags).toEqual([
      {
        name: 'USE_NEW_METRICS_EXPORTER',
        rollbackValue: 'false',
        envFile: '~/work/infra/.env.infra',
        step: 2,
        stepTitle: 'Disable feature flag',
        line: 43,
        currentValue: 'true',
        currentState: 'set',
        sedPattern: 'USE_NEW_METRICS_EXPORTER=true',
        sedMatches: true,
      },
    ]);
    expect(plan.paths.map((path: { number: number; title: string; line: number; selected: boolean; steps: unknown[] }) => [path.number, path.title, path.line, path.selected, path.steps.length])).toEqual([
      [1, 'If Issues Found Within 1 Hour of Deployment', 34, true, 5],
      [2, 'If Issues Found >1 Hour After Deployment', 64, false, 1],
    ]);
    expect(plan.paths[0].steps[1]).toEqual({
      number: 2,
      title: 'Disable feature flag',
      kind: 'shell',
      line: 41,
      notes: [],
      output: [],
      gate: null,
      dataRollback: null,
      linkedFrom: null,
      scope: null,
      condition: null,
      script: "sed -i 's/USE_NEW_METRICS_EXPORTER=true/USE_NEW_METRICS_EXPORTER=false/' ~/work/infra/.env.infra\ngrep USE_NEW_METRICS_EXPORTER ~/work/infra/.env.infra",
      flags: ['USE_NEW_METRICS_EXPORTER'],
      parameters: [],
      destructive: [],
      hazards: [],
    });
    expect(plan.paths[0].steps[0].script).toContain('started for INC-42');
    expect(plan.paths[0].steps[4]).toEqual({
      number: 5,
      title: 'Communicate',
      kind: 'manual',
      line: 60,
      notes: [],
      output: [],
      gate: null,
      dataRollback: null,
      linkedFrom: null,
      scope: null,
      condition: null,
      items: ['Post to #ops-shared with the incident id', 'Update incident log'],
      code: null,
      mislabelled: null,
      foreign: null,
      parameters: [],
      hazards: [],
    });
    expect(plan.checks).toEqual([
      {
        metric: 'Scrape success (butler, scheduler)',
        query: 'avg(up{job=~"butler|scheduler"})',
        threshold: { op: '<', value: 100, unit: '%', baseValue: 1 },
        thresholdText: '<100%',
        baseline: '100%',
        target: '100%',
        line: 76,
      },
      {
        metric: 'Scrape duration (p95)',
        query: 'quantile(0.95, scrape_duration_seconds{job=~"butler|scheduler"})',
        threshold: { op: '>', value: 200, unit: 'ms', baseValue: 0.2 },
        thresholdText: '>200ms',
        baseline: '40ms',
        target: '<60ms',
        line: 77,
      },
    ]);
  });

  it('show --json and rollback --dry-run --json print the same plan', async () => {
    sandbox = createSandbox({ notes: samples });
    const [show, dryRun] = await Promise.all([run(['show', '21_01a', '--json']), run(['rollback', '21_01a', '--dry-run', '--json'])]);
    expect(show.exitCode).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual(JSON.parse(dryRun.stdout));
  });
});

describe('notes with other shapes', () => {
  it.each([
    { fixture: 'notes/step-markers.md', expected: ['  1. Disable feature flag  [shell, line 14]', '  2. Restart services  [shell, line 17]', '  3. Validate rollback  [shell, line 20]'] },
    { fixture: 'notes/console-prompts.md', expected: ['     │ make day-12-restart-console \\', '     │   SERVICE=console'] },
    { fixture: 'notes/python-block-manual.md', expected: ['  2. Reset the cache from a Python shell  [manual, line 15]', '     [ ] Run by hand if needed (python block, not run by runbook)', '     ┆ cache.clear()'] },
    { fixture: 'notes/crlf-endings.md', expected: ["     │ sed -i 's/USE_NEW_CRLF=true/USE_NEW_CRLF=false/' ~/work/infra/.env.infra"] },
    { fixture: 'notes/non-ascii.md', expected: ['  1. Feature-Flag abschalten → sofort  [shell, line 11]', '     [ ] 事故ログを更新する'] },
  ])('$fixture', async ({ fixture, expected }) => {
    sandbox = createSandbox({ notes: { 'note.md': fixture } });
    const result = await run(['rollback', 'runbooks/note.md', '--dry-run']);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    const lines = result.stdout.split('\n');
    for (const line of expected) expect(lines).toContain(line);
    expect(result.stdout).not.toContain('\r');
  });

  it('reports a bash syntax error with the note line and refuses the plan', async () => {
    sandbox = createSandbox({ notes: { 'note.md': 'notes/syntax-error.md' } });
    expect(await run(['rollback', 'runbooks/note.md', '--dry-run'])).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: runbooks/note.md:18: bash syntax error in step 2 "Restart services": syntax error near unexpected token `fi\'\n',
    });
  });
});

describe('--prometheus-url and --cwd', () => {
  it.each([
    { args: [], env: {} as Record<string, string>, says: 'Prometheus http://127.0.0.1:9090 (from the note, line 92)' },
    { args: [], env: { PROMETHEUS_URL: 'http://prom.internal:9090' }, says: 'Prometheus http://prom.internal:9090 (from PROMETHEUS_URL)' },
    { args: ['--prometheus-url', 'http://other:9090'], env: { PROMETHEUS_URL: 'http://prom.internal:9090' }, says: 'Prometheus http://other:9090 (from --prometheus-url)' },
  ])('$says', async ({ args, env, says }) => {
    sandbox = createSandbox({ notes: samples });
    const result = await run(['rollback', '21_01a', '--dry-run', ...args], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Recovery checks after the last step — ${says}\n`);
  });

  it('reads a relative env file from --cwd', async () => {
    sandbox = createSandbox({ notes: { 'note.md': 'notes/flag-forms.md' } });
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${sandbox.root}/app/config`, { recursive: true });
    writeFileSync(`${sandbox.root}/app/config/app.env`, 'USE_NEW_TEE=true\n');
    const result = await run(['show', 'runbooks/note.md', '--cwd', 'app']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('USE_NEW_TEE → false in ./config/app.env (step 1); now true\n');
  });
});
