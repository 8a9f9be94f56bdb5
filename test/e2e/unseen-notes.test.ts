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

async function steps(note: string): Promise<JsonStep[]> {
  const result = await runCli(['show', note.startsWith('/') ? note : `${unseen}${note}`, '--json']);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  const plan = JSON.parse(result.stdout) as { paths: { selected: boolean; steps: JsonStep[] }[] };
  return plan.paths.find((path) => path.selected)!.steps;
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

  it('98_01a: the PS2 `> ` prompts are stripped, so the JSON patch is what kubectl gets', async () => {
    const [step] = await steps('98_01a_console_ps2.md');
    expect(step!.script).toBe(
      `kubectl patch deployment probe --type=json -p '[\n{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"probe:1.2.3"}\n]'\nkubectl rollout status deployment/probe --timeout=120s`,
    );
    expect(step!.output).toEqual(['deployment.apps/probe patched', 'deployment "probe" successfully rolled out']);
  });
});
