/** How `runbook show <stage>` finds the note: folder, environment, path, and what it refuses. */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createSandbox, type Sandbox } from '../helpers/notes-sandbox.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

const firstLine = (stdout: string) => stdout.split('\n')[0];
const PLAN_21_01A = 'Rollback plan for stage 21_01a — Dialog Context Repository';

describe('finding the note of a stage', () => {
  it('looks in ./runbooks by default', async () => {
    sandbox = createSandbox({ notes: { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md' } });
    const result = await runCli(['show', '21_01a'], { cwd: sandbox.root, env: sandbox.env });
    expect([result.exitCode, result.stderr, firstLine(result.stdout)]).toEqual([0, '', PLAN_21_01A]);
    expect(result.stdout).toContain('  note    runbooks/21_01a_dialog_context_repo.md:79\n');
  });

  it('uses --runbooks DIR, from anywhere', async () => {
    sandbox = createSandbox({ notes: { 'team/21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md' } });
    const elsewhere = join(sandbox.root, 'elsewhere');
    mkdirSync(elsewhere);
    const result = await runCli(['show', '21_01a', '--runbooks', sandbox.runbooks], { cwd: elsewhere, env: sandbox.env });
    expect([result.exitCode, result.stderr, firstLine(result.stdout)]).toEqual([0, '', PLAN_21_01A]);
    expect(result.stdout).toContain(`  note    ${sandbox.runbooks}/team/21_01a_dialog_context_repo.md:79\n`);
  });

  it('uses RUNBOOK_DIR when --runbooks is not given, and --runbooks over RUNBOOK_DIR', async () => {
    sandbox = createSandbox({ notes: { 'a/21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md', 'b/21_01a_other.md': '21_01b_metrics_exporter.md' } });
    const fromEnv = await runCli(['show', '21_01a'], { cwd: sandbox.root, env: { ...sandbox.env, RUNBOOK_DIR: join(sandbox.runbooks, 'a') } });
    expect([fromEnv.exitCode, fromEnv.stderr, firstLine(fromEnv.stdout)]).toEqual([0, '', PLAN_21_01A]);
    const fromOption = await runCli(['show', '21_01a', '--runbooks', join(sandbox.runbooks, 'b')], { cwd: sandbox.root, env: { ...sandbox.env, RUNBOOK_DIR: join(sandbox.runbooks, 'a') } });
    expect(fromOption.stdout).toContain('runbooks/b/21_01a_other.md');
  });

  it('takes a path to a .md note, relative or absolute', async () => {
    sandbox = createSandbox({ notes: { 'x/anything.md': '21_01a_dialog_context_repo.md' } });
    for (const path of ['runbooks/x/anything.md', join(sandbox.runbooks, 'x', 'anything.md')]) {
      const result = await runCli(['show', path], { cwd: sandbox.root, env: sandbox.env });
      expect([result.exitCode, result.stderr, firstLine(result.stdout)]).toEqual([0, '', PLAN_21_01A]);
    }
  });

  it('finds a note by its **Stage** field when no file name matches', async () => {
    sandbox = createSandbox({ notes: { 'dialog-context.md': '21_01a_dialog_context_repo.md', 'exporter.md': '21_01b_metrics_exporter.md' } });
    const result = await runCli(['show', '21_01b'], { cwd: sandbox.root, env: sandbox.env });
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('  note    runbooks/exporter.md:32\n');
  });

  it('an unknown stage lists the known ones', async () => {
    sandbox = createSandbox({ notes: { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md', '21_01b_metrics_exporter.md': '21_01b_metrics_exporter.md' } });
    expect(await runCli(['show', '99_99z'], { cwd: sandbox.root, env: sandbox.env })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: no note for stage "99_99z" in runbooks; known stages: 21_01a, 21_01b\n',
    });
  });

  it('an ambiguous stage lists the notes it matches', async () => {
    sandbox = createSandbox({ notes: { '21_01a_one.md': '21_01a_dialog_context_repo.md', '21_01a_two.md': '21_01a_dialog_context_repo.md' } });
    expect(await runCli(['rollback', '21_01a', '--dry-run'], { cwd: sandbox.root, env: sandbox.env })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: stage "21_01a" matches 2 notes: runbooks/21_01a_one.md, runbooks/21_01a_two.md; pass the path of the one you mean\n',
    });
  });

  it('a missing runbooks folder says how to choose one', async () => {
    sandbox = createSandbox();
    expect(await runCli(['show', '21_01a', '--runbooks', 'nowhere'], { cwd: sandbox.root, env: sandbox.env })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: runbooks folder nowhere not found: give --runbooks DIR or set RUNBOOK_DIR, or pass a path to a .md note\n',
    });
  });

  it.each(['../x', 'a/b', '..', '/etc/passwd', 'a b', 'x;id', '$(id)', '-', '.hidden', '21_01a\n'])('refuses %j as a stage id', async (stage) => {
    sandbox = createSandbox({ notes: { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md' } });
    const result = await runCli(['rollback', '--dry-run', '--', stage], { cwd: sandbox.root, env: sandbox.env });
    expect(result).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `runbook: ${JSON.stringify(stage)} is not a stage id: use letters, digits, "_", "-" and "." only (e.g. 21_01a), or give a path ending in .md\n`,
    });
  });
});
