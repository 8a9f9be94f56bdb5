/**
 * Issue #9, "a full disk" and "a journal line that is null": journals are whole lines, a full
 * disk stops the run before its next step with the step's result recorded, and damage in
 * one journal is skipped and named, never a failure of `runs`, `log` or `resume`.
 */

import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath } from '../helpers/run-cli.js';
import { createSandbox } from '../helpers/sandbox.js';
import { mountTmpfs, tmpfsSkipReason } from '../helpers/tmpfs.js';

describe('a full disk', () => {
  it.skipIf(tmpfsSkipReason)(`with the journal's disk full, "cannot write the journal: disk full" stops the run before the next step; resume runs only the next step (${tmpfsSkipReason ?? 'tmpfs'})`, async () => {
    const disk = mountTmpfs('1m');
    const sandbox = createSandbox({ notes: ['run-notes/fills-disk.md'], env: { FILL_DIR: disk } });
    const journalDir = join(disk, 'runs');
    const run = await sandbox.run(sandbox.args('rollback', '90_full', '--yes', '--journal-dir', journalDir));
    expect(run.exitCode).toBe(74);
    expect(run.stdout).toMatch(/^Rollback of 90_full: failed after .*\n {2}cannot write the journal \S+\.jsonl: disk full; the run stopped before its next step: free space, then runbook resume \S+$/m);
    expect(run.stdout).not.toContain('step 2 ran');

    const name = readdirSync(journalDir).find((file) => file.endsWith('.jsonl'))!;
    const text = readFileSync(join(journalDir, name), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; step?: number; result?: string });
    expect(events.filter((event) => event.type === 'step-finished').map((event) => [event.step, event.result])).toEqual([[1, 'done']]);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', exitCode: 74 });

    rmSync(join(disk, 'filler'));
    const resumed = await sandbox.run(['resume', '90_full', '--yes', '--no-verify', '--journal-dir', journalDir]);
    expect(resumed.stderr).toBe('');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('step 2 ran');
    expect(resumed.stdout).not.toContain('disk is full now');
    const runs = await sandbox.run(['runs', '--journal-dir', journalDir]);
    expect(runs.exitCode).toBe(0);
    expect(runs.stdout).toMatch(/90_full .* succeeded +2\/2 /);
  });

  it('a torn last step-finished line never re-runs the finished step: resume refuses, naming it', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    writeFileSync(join(sandbox.home, 'marker.txt'), 'here\n');
    const run = await sandbox.run(sandbox.args('rollback', '90_env', '--yes', '--set', 'incident-id=INC-1'));
    expect(run.exitCode).toBe(0);
    const { path } = sandbox.journal();
    // As a full disk without runbook's reserve left it: step 2's result cut off mid-line, no run-finished.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const cut = lines.findLastIndex((line) => line.includes('"step-finished"'));
    writeFileSync(path, `${lines.slice(0, cut).join('\n')}\n${lines[cut]!.slice(0, 80)}`);
    const resumed = await sandbox.run(['resume', '90_env', '--yes']);
    expect(resumed.exitCode).toBe(2);
    expect(resumed.stderr).toContain(`runbook: warning: ${path}:${cut + 1}: skipped: the last line was cut off (a crash or a full disk)\n`);
    expect(resumed.stderr).toContain(
      'the result of step 2 was cut off (a full disk or a crash while writing it): step 2 ran, but how it ended is unknown; check it by hand, then runbook rollback 90_env --from 3 (or --from 2 to run it again)',
    );
    expect(resumed.stdout).toBe('');
  });
});

describe('damaged journals', () => {
  it('a journal line that is null, or a malformed event, is skipped and named: runs, log and resume go on (never exit 70)', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'fail-once');
    const failed = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(failed.exitCode).toBe(1);
    const { path, runId } = sandbox.journal();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, `${[lines[0], 'null', '{"type":"step-finished","at":"2026-12-01T00:00:00Z","step":"x"}', ...lines.slice(1)].join('\n')}\n`);

    for (const args of [['runs'], ['log'], ['log', runId]]) {
      const result = await sandbox.run(args);
      expect({ args, exitCode: result.exitCode }).toEqual({ args, exitCode: 0 });
      expect(result.stderr).toBe(`runbook: warning: ${path}:2: skipped: not an event (null)\nrunbook: warning: ${path}:3: skipped: step-finished event with a missing or bad "step"\n`);
    }
    const resumed = await sandbox.run(['resume', runId, '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('Rollback of 21_01a: succeeded');
  });

  it('one damaged journal of another stage never breaks runs or resume <stage> of the others', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'fail-once');
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(1);
    mkdirSync(sandbox.runsDir, { recursive: true });
    const broken = join(sandbox.runsDir, '20261125T131500Z-99_other-3f9c.jsonl');
    writeFileSync(broken, 'this is not json\n{"type":"run-started"}\n');
    const unreadable = join(sandbox.runsDir, '20261125T131501Z-98_dir-3f9c.jsonl');
    mkdirSync(unreadable);
    appendFileSync(join(sandbox.runsDir, 'notes.txt'), 'not a journal');

    const runs = await sandbox.run(['runs']);
    expect(runs.exitCode).toBe(0);
    expect(runs.stdout).toMatch(/21_01a .* failed +1\/3 /);
    expect(runs.stderr).toContain(`runbook: warning: skipped: ${unreadable} is a directory, not a regular file: it is not a journal runbook can read\n`);
    expect(runs.stderr).toContain(`runbook: warning: ${broken}:1: skipped: not a JSON line (a torn or edited line)\n`);
    expect(runs.stderr).toContain(`runbook: warning: ${broken}:2: skipped: run-started event without a valid "at" time\n`);

    const resumed = await sandbox.run(['resume', '21_01a', '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('Rollback of 21_01a: succeeded');
  });

  it('years of runs never run out of file descriptors: runs reads them a few at a time', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(0);
    const { path, runId } = sandbox.journal();
    const text = readFileSync(path, 'utf8');
    for (let i = 0; i < 400; i++) writeFileSync(join(sandbox.runsDir, `${runId.slice(0, -4)}${i.toString(16).padStart(4, '0')}.jsonl`), text);
    // 128 descriptors for node itself and 400 journals: all at once would fail with EMFILE.
    const result = spawnSync('bash', ['-c', `ulimit -n 128 && exec "$0" "$@"`, process.execPath, binPath, 'runs', '--json'], { cwd: sandbox.work, env: sandbox.env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBeGreaterThanOrEqual(400); // 401 unless a copy took the first run's id
  });
});
