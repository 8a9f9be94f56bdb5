/**
 * Unseen notes (test/fixtures/unseen/, see its README and FINDINGS.md): the parts of their
 * reading that console transcripts and command hazards decide — what a transcript runs, and
 * which commands are marked destructive or flagged. Other parts of these notes (sequence vs
 * choice, gates) are the structure reader's and are not asserted here.
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

  it('97_01a: the conditional `rabbitmqctl purge_queue` under a :::danger is never a shell step (the catalogue marks it destructive: command-hazards.test.ts)', async () => {
    const all = await steps('97_01a_myst_docusaurus.md', true);
    expect(shellSteps(all).filter((step) => step.script?.includes('purge_queue'))).toEqual([]);
    expect(all.find((step) => step.title === 'Clear the queue')?.kind).toBe('manual');
  });

  it('78_01a: `sudo su - probe` is flagged, and `STEP=1` is not read as a flag', async () => {
    const result = await runCli(['show', `${unseen}78_01a_su_and_option_labels.md`, '--json']);
    const plan = JSON.parse(result.stdout) as { flags: unknown[]; paths: { steps: JsonStep[] }[] };
    expect(plan.flags).toEqual([]);
    const su = shellSteps(plan.paths.flatMap((path) => path.steps)).find((step) => step.script?.startsWith('sudo su - probe'));
    expect(su!.hazards).toEqual([expect.objectContaining({ command: 'sudo su - probe', reason: expect.stringContaining('(lines 35–36) would run as the original user') })]);
  });
});
