/**
 * Unseen notes (test/fixtures/unseen/, see its README and FINDINGS.md), through `bin/`: what a
 * console transcript runs, which commands are marked destructive or flagged, and which
 * alternatives the text implies — a run takes one of them, never all in turn. The full outline
 * of each reading is in test/note/shapes.test.ts.
 */

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesDir, runCli } from '../helpers/run-cli.js';

const unseen = `${fixturesDir}/unseen/`;

interface JsonStep {
  kind: string;
  title: string;
  script?: string;
  output: string[];
  destructive?: { command: string }[];
  hazards?: { command: string; reason: string }[];
  options?: { steps: JsonStep[] }[];
  condition?: string | null;
  scope?: string | null;
}

/** The steps of the path a run takes, or of every path (`all`). */
async function steps(note: string, all = false): Promise<JsonStep[]> {
  const result = await runCli(['show', note.startsWith('/') ? note : `${unseen}${note}`, '--json']);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  const plan = JSON.parse(result.stdout) as { paths: { selected: boolean; steps: JsonStep[] }[] };
  return plan.paths.filter((path) => all || path.selected).flatMap((path) => path.steps);
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('console transcripts (D7, W14, W19)', () => {
  it.each([
    { note: '95_01a_console_heredoc.md', file: '/tmp/probe-flags.conf' },
    { note: '93_01a_console_root_heredoc.md', file: '/etc/probe/flags.conf' },
  ])('$note: the step runs the heredoc with its body, then the joined reload; only `active` is output', async ({ note, file }) => {
    const [step, ...rest] = await steps(note);
    expect(rest).toEqual([]);
    expect(step!.kind).toBe('shell');
    expect(step!.script).toBe(`cat > ${file} <<EOF\nnew_ranking=false\nEOF\nsystemctl reload probe \\\n    --no-block\nsystemctl is-active probe`);
    expect(step!.output).toEqual(['active']);
  });

  it('95_01a run under --yes with a fake systemctl: the config file gets the flag, systemctl gets both calls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-d7-'));
    temps.push(dir);
    mkdirSync(join(dir, 'bin'));
    const note = join(dir, 'note.md');
    writeFileSync(note, readFileSync(`${unseen}95_01a_console_heredoc.md`, 'utf8').replace('/tmp/probe-flags.conf', join(dir, 'flags.conf')));
    writeFileSync(join(dir, 'bin', 'systemctl'), `#!/bin/sh\necho "systemctl $*" >> '${dir}/calls.log'\n[ "$1" = is-active ] && echo active\nexit 0\n`);
    chmodSync(join(dir, 'bin', 'systemctl'), 0o755);
    const result = await runCli(['rollback', note, '--yes', '--no-verify'], { cwd: dir, env: { HOME: dir, PATH: `${dir}/bin:${process.env.PATH}` } });
    expect(result.stderr).not.toMatch(/here-document|delimited by end-of-file/);
    expect(readFileSync(join(dir, 'flags.conf'), 'utf8')).toBe('new_ranking=false\n');
    expect(readFileSync(join(dir, 'calls.log'), 'utf8')).toBe('systemctl reload probe --no-block\nsystemctl is-active probe\n');
  });

  it('98_01a run under --yes with a fake kubectl: the patch argument it gets is valid JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-w19-'));
    temps.push(dir);
    mkdirSync(join(dir, 'bin'));
    // Records the word after `-p` of the patch call, exactly as bash passed it.
    writeFileSync(join(dir, 'bin', 'kubectl'), `#!/bin/bash\nwhile [ $# -gt 0 ]; do [ "$1" = -p ] && printf '%s' "$2" > '${dir}/patch.json'; shift; done\nexit 0\n`);
    chmodSync(join(dir, 'bin', 'kubectl'), 0o755);
    const result = await runCli(['rollback', `${unseen}98_01a_console_ps2.md`, '--yes', '--no-verify'], { cwd: dir, env: { HOME: dir, PATH: `${dir}/bin:${process.env.PATH}` } });
    expect(result.stdout).toMatch(/✔ 1\. Patch the deployment back/);
    expect(JSON.parse(readFileSync(join(dir, 'patch.json'), 'utf8'))).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'probe:1.2.3' }]);
  });

  it('98_01a: the PS2 `> ` prompts are stripped, so the JSON patch is what kubectl gets', async () => {
    const [step] = await steps('98_01a_console_ps2.md');
    expect(step!.script).toBe(
      `kubectl patch deployment probe --type=json -p '[\n{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"probe:1.2.3"}\n]'\nkubectl rollout status deployment/probe --timeout=120s`,
    );
    expect(step!.output).toEqual(['deployment.apps/probe patched', 'deployment "probe" successfully rolled out']);
  });
});

describe('blocks reserved for a condition (D7, D8, D9)', () => {
  it('86_01a run under --yes: the "Only if the volume is corrupt" wipe never runs, the steps around it do, and the run is incomplete naming the condition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-d9-'));
    temps.push(dir);
    mkdirSync(join(dir, 'bin'));
    for (const command of ['kubectl', 'rm']) {
      writeFileSync(join(dir, 'bin', command), `#!/bin/sh\necho "${command} $*" >> '${dir}/calls.log'\nexit 0\n`);
      chmodSync(join(dir, 'bin', command), 0o755);
    }
    const result = await runCli(['rollback', `${unseen}86_01a_blockquote_fence.md`, '--yes', '--no-verify'], { cwd: dir, env: { HOME: dir, PATH: `${dir}/bin:${process.env.PATH}` } });
    expect(readFileSync(join(dir, 'calls.log'), 'utf8')).toBe('kubectl rollout undo deployment/probe\nkubectl get pods -l app=probe\n');
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toContain('condition not checked: only if the volume is corrupt');
    expect(result.stdout + result.stderr).toMatch(/not complete/);
  });

  it.each([
    { note: '88_01a_html_blocks.md', title: 'Emergency only: wipe the cache', condition: 'emergency only' },
    { note: '91_01a_do_not_run.md', title: 'Do not run the following unless the database team asks for it; it drops the new table', condition: 'unless the database team asks for it' },
    { note: '86_01a_blockquote_fence.md', title: 'Wipe it and let it resync.', condition: 'only if the volume is corrupt' },
  ])('$note: the reserved block is a destructive shell step with its condition in the plan', async ({ note, title, condition }) => {
    const conditional = shellSteps(await steps(note, true)).filter((step) => step.condition);
    expect(conditional.map((step) => [step.title, step.condition, step.destructive?.length])).toEqual([[title, condition, 1]]);
    const dry = await runCli(['rollback', `${unseen}${note}`, '--dry-run']);
    expect(dry.stdout).toContain(`condition: ${condition} — runs only if you confirm it holds (asked on its own, default no); unattended runs never run it and end incomplete`);
  });
});

describe('steps meant for other machines', () => {
  it('84_01a: "Then, on the database host:" over a list gives each of its steps that scope; the steps before it have none', async () => {
    const plan = await steps('84_01a_restarting_lists.md');
    expect(plan.map((step) => [step.title, step.scope ?? null])).toEqual([
      ['Stop traffic', null],
      ['Take a snapshot', null],
      ['Restore the snapshot', 'the database host'],
      ['Run step 3 again with the previous snapshot name.', 'the database host'],
      ['Resume traffic', 'the database host'],
    ]);
  });
});

/** Every shell step of a plan, choices flattened. */
function shellSteps(list: JsonStep[]): JsonStep[] {
  return list.flatMap((step) => (step.kind === 'shell' ? [step] : (step.options ?? []).flatMap((option) => shellSteps(option.steps))));
}

describe('command hazards (W17, W20, W23, W24, W25)', () => {
  it.each(['79_01z_destructive_catalogue.md', '79_01y_compose_down_spellings.md'])('%s marks every command destructive, and flags none', async (note) => {
    const plan = await steps(note);
    expect(plan.length).toBeGreaterThan(3);
    for (const step of plan) {
      expect(step.kind, step.title).toBe('shell');
      expect(step.destructive, `${step.title}: ${step.script}`).toHaveLength(1);
      expect(step.hazards, step.title).toEqual([]);
    }
  });

  it('79_01x flags every command as never exiting or needing a terminal, and marks none destructive', async () => {
    // The catalogue's `apt install probe=1.2.3` is followed by no restart: runbook adds a manual one (restart-after-install.ts).
    const plan = (await steps('79_01x_terminal_catalogue.md')).filter((step) => step.kind === 'shell');
    expect(plan).toHaveLength(28);
    for (const step of plan) {
      expect(step.hazards, `${step.title}: ${step.script}`).toHaveLength(1);
      expect(step.destructive, step.title).toEqual([]);
    }
  });

  it('71_01a: both `docker-compose … down --volumes` (one in each method) are destructive', async () => {
    const downs = shellSteps(await steps('71_01a_speckle_postgres_restore.md', true)).filter((step) => /\bdown\b/.test(step.script ?? ''));
    expect(downs).toHaveLength(2);
    for (const step of downs) expect(step.destructive?.map((entry) => entry.command)).toEqual([expect.stringMatching(/^docker-compose (?:--file|-f) \S+ down .*--volumes/)]);
  });

  it('97_01a: the `rabbitmqctl purge_queue` under a :::danger runs only under its condition, and is destructive', async () => {
    const all = await steps('97_01a_myst_docusaurus.md', true);
    const purge = shellSteps(all).filter((step) => step.script?.includes('purge_queue'));
    expect(purge.map((step) => [step.title, step.condition, step.destructive?.length])).toEqual([['Clear the queue', 'only when the queue holds poisoned messages', 1]]);
  });

  it('78_01a: `sudo su - probe` is flagged, and `STEP=1` is not read as a flag', async () => {
    const result = await runCli(['show', `${unseen}78_01a_su_and_option_labels.md`, '--json']);
    const plan = JSON.parse(result.stdout) as { flags: unknown[]; paths: { steps: JsonStep[] }[] };
    expect(plan.flags).toEqual([]);
    const su = shellSteps(plan.paths.flatMap((path) => path.steps)).find((step) => step.script?.startsWith('sudo su - probe'));
    expect(su!.hazards).toEqual([expect.objectContaining({ command: 'sudo su - probe', reason: expect.stringContaining('(lines 35–36) would run as the original user') })]);
  });
});

/** A sandbox with a logging fake of `name` first on PATH; returns the sandbox and the log it writes. */
function sandboxWithFake(name: string): { dir: string; log: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), `runbook-${name}-`));
  temps.push(dir);
  mkdirSync(join(dir, 'bin'));
  const log = join(dir, 'calls.log');
  writeFileSync(join(dir, 'bin', name), `#!/bin/sh\necho "${name} $*" >> '${log}'\nexit 0\n`);
  chmodSync(join(dir, 'bin', name), 0o755);
  return { dir, log, env: { HOME: dir, PATH: `${dir}/bin:${process.env.PATH}` } };
}

describe('alternatives the text implies run one at a time (D4, D5)', () => {
  it('72_01a under --yes with a fake sudo: only the chosen install type runs, and for each block only the chosen init system', async () => {
    const { dir, log, env } = sandboxWithFake('sudo');
    const note = join(dir, '72_01a_gitlab_job_logs_location_revert.md');
    writeFileSync(note, readFileSync(`${unseen}72_01a_gitlab_job_logs_location_revert.md`, 'utf8'));
    // The manual steps (Rails console, the gitlab.yml edit) are done by hand: --done lets the run go past them.
    const done = ['--done', '1', '--done', '2', '--done', '13'];
    const result = await runCli(['rollback', note, '--yes', '--no-verify', '--state-dir', join(dir, 'state'), '--choose', '3=self', '--choose', '14=sysv', ...done], { cwd: dir, env });
    expect(result.stderr).toBe('');
    // Pausing Sidekiq ("Optional. If you have existing job logs, …") and starting it again ("If you
    // opted to pause …") run only under their conditions: never unattended, and the run is incomplete.
    expect(readFileSync(log, 'utf8').split('\n')).toEqual([
      'sudo service gitlab restart',
      'sudo rsync -avzh --remove-source-files --ignore-existing --progress /mnt/gitlab-ci/builds/ /home/git/gitlab/builds/',
      'sudo rm -rf /mnt/gitlab-ci/builds',
      '',
    ]);
    expect(result.stdout).toContain('condition not checked: if you have existing job logs');
    expect(result.stdout).toContain('condition not checked: if you opted to pause the continuous integration data processing');
    expect(result.exitCode).toBe(1);
  });

  it('72_01a: the plan shows the install types as one choice and the init systems as choices inside it', async () => {
    const [console_, flag, tabs, ...rest] = await steps('72_01a_gitlab_job_logs_location_revert.md');
    expect([console_!.kind, flag!.kind, tabs!.kind, rest]).toEqual(['manual', 'manual', 'choice', []]);
    const [omnibus, source] = tabs!.options!;
    expect(shellSteps(omnibus!.steps).map((step) => step.script)).toEqual([
      'sudo gitlab-ctl stop sidekiq',
      'sudo gitlab-ctl reconfigure',
      'sudo rsync -avzh --remove-source-files --ignore-existing --progress /mnt/gitlab-ci/builds/ /var/opt/gitlab/gitlab-ci/builds/',
      'sudo gitlab-ctl start sidekiq',
      'sudo rm -rf /mnt/gitlab-ci/builds',
    ]);
    expect(source!.steps.map((step) => `${step.kind} ${(step.options ?? []).length}`)).toEqual(['choice 2', 'manual 0', 'choice 2', 'shell 0', 'choice 2', 'shell 0']);
  });

  it('67_01b: "If Docker Compose:" / "If Kubernetes:" over unfenced commands is a choice shown line by line; its parameters are listed, nothing runs', async () => {
    const result = await runCli(['show', `${unseen}67_01b_golden_rollback_procedure.md`, '--json']);
    const plan = JSON.parse(result.stdout) as { parameters: { name: string; lines: number[] }[]; paths: { steps: (JsonStep & { code?: { text: string } })[] }[] };
    const execution = plan.paths[0]!.steps.find((step) => step.title === 'Execution')!;
    expect(execution.kind).toBe('choice');
    expect(execution.options!.map((option) => option.steps.map((step) => [step.kind, (step as { code?: { text: string } }).code?.text]))).toEqual([
      [['manual', 'docker compose pull <previous-tag>\ndocker compose up -d']],
      [['manual', 'kubectl rollout undo deployment/<service>']],
    ]);
    expect(plan.parameters.map((parameter) => [parameter.name, parameter.lines])).toEqual([
      ['previous-tag', [43]],
      ['service', [48]],
    ]);
    expect(shellSteps(plan.paths[0]!.steps)).toEqual([]);
  });

  it('70_01a: "If you changed images, prefer:" makes the restart a choice of two, the plain `up -d` taken by default', async () => {
    const result = await runCli(['show', `${unseen}70_01a_compose_rollback_ordering.md`, '--json']);
    const plan = JSON.parse(result.stdout) as { paths: { steps: (JsonStep & { chosen?: number; items?: string[] })[] }[] };
    const restart = plan.paths[0]!.steps.find((step) => step.title === 'Restart services')!;
    expect([restart.kind, restart.chosen]).toEqual(['choice', 0]);
    expect(restart.options!.map((option) => option.steps.map((step) => (step as { items?: string[] }).items))).toEqual([[['docker compose up -d']], [['docker compose up -d --force-recreate']]]);
  });

  it("80_01a: the Decision Matrix is no step; each path shows it with its first step, the linked plan's path too (W15)", async () => {
    const all = await steps('80_01a_template_shapes.md', true);
    expect(all.map((step) => step.title)).not.toContain('Decision Matrix');
    const firsts = all.filter((step) => step.title === 'Disable feature flag' || step.title === 'Stop the exporter');
    expect(firsts.map((step) => [step.title, (step as { notes?: string[] }).notes?.filter((note) => note.startsWith('Decision Matrix:'))])).toEqual([
      ['Disable feature flag', ['Decision Matrix: Symptom: Scrape errors, Threshold: >5%, Action: Roll back; Symptom: Latency, Threshold: >300ms, Action: Investigate']],
      ['Stop the exporter', ['Decision Matrix: Symptom: Scrape errors, Threshold: >5%, Action: Roll back; Symptom: Latency, Threshold: >300ms, Action: Investigate']],
    ]);
  });

  it('70_01a: "(If required) Restore the database" runs only under the condition that the DB-restore decision names (W11)', async () => {
    const plan = await steps('70_01a_compose_rollback_ordering.md');
    const restore = plan.find((step) => step.title === 'Restore the database') as (JsonStep & { condition?: string }) | undefined;
    expect(restore?.condition).toBe('if required (decided at "Decide whether a DB restore is required": If the upgrade did run migrations)');
  });

  it('a consequence step is skipped as not required when its decision takes the other option, and the run is complete (W11)', async () => {
    const { dir, log, env } = sandboxWithFake('systemctl');
    writeFileSync(join(dir, 'bin', 'redis-cli'), `#!/bin/sh\necho "redis-cli $*" >> '${log}'\nexit 0\n`);
    chmodSync(join(dir, 'bin', 'redis-cli'), 0o755);
    const note = join(dir, 'consequence-of-decision.md');
    writeFileSync(note, readFileSync(`${fixturesDir}/notes/consequence-of-decision.md`, 'utf8'));
    // Option a ("no cache entries") is taken by default; its manual step is done by hand (--done 2).
    const result = await runCli(['rollback', note, '--yes', '--no-verify', '--state-dir', join(dir, 'state'), '--done', '2'], { cwd: dir, env });
    expect(result.stdout).toMatch(/Rollback of 40_36a: succeeded/);
    expect(result.stdout).toMatch(/5\. Flush the cache +not required: step 1 took a\)/);
    expect(readFileSync(log, 'utf8')).toBe('systemctl stop probe-writer\nsystemctl start probe-writer\n');
  });
});
