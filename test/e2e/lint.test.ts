/** `runbook lint`: every problem of every note, one `file:line: message` line each; exit 1 when any. */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturesDir, runCli } from '../helpers/run-cli.js';
import { createSandbox, type Sandbox } from '../helpers/notes-sandbox.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

/** The second path of 21_01a (line 102) and 21_01b (line 66) points at a plan the repository does not have. */
const MISSING_PLAN = (file: string, line = 102) => `${file}:${line}: ${LINK}`;
const LINK = 'points at docs/specs/epic_21/architect/rollback_plan.md, which is not next to the note, in the runbooks folder or at the repository root: add it or fix the path (until then this path is a manual step)';

const clean = { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md', '21_01b_metrics_exporter.md': '21_01b_metrics_exporter.md' };

describe('runbook lint', () => {
  it('a clean folder (the default ./runbooks): nothing on stdout, a summary on stderr, exit 0', async () => {
    const text = readFileSync(join(fixturesDir, '21_01b_metrics_exporter.md'), 'utf8').replace('`docs/specs/epic_21/architect/rollback_plan.md`', 'the wiki');
    sandbox = createSandbox({ notes: { '21_01b_metrics_exporter.md': { text } } });
    expect(await runCli(['lint'], { cwd: sandbox.root, env: sandbox.env })).toEqual({ exitCode: 0, stdout: '', stderr: 'runbook lint: 1 note, no problems\n' });
  });

  it('a path that points at a missing plan stays a manual step, and lint names the note line (exit 1)', async () => {
    sandbox = createSandbox({ notes: clean });
    expect(await runCli(['lint'], { cwd: sandbox.root, env: sandbox.env })).toEqual({
      exitCode: 1,
      stdout: `${MISSING_PLAN('runbooks/21_01a_dialog_context_repo.md')}\n${MISSING_PLAN('runbooks/21_01b_metrics_exporter.md', 66)}\n`,
      stderr: 'runbook lint: 2 problems in 2 of 2 notes\n',
    });
  });

  it('reports every problem of every note as file:line: message, sorted, exit 1', async () => {
    sandbox = createSandbox({
      notes: {
        ...clean,
        '21_01c_unfilled_copy.md': '21_01c_unfilled_copy.md',
        '21_01d_no_rollback_section.md': '21_01d_no_rollback_section.md',
        '30_03e_syntax_error.md': 'notes/syntax-error.md',
        'binary.md': 'notes/binary.md',
        'template.md': 'template.md',
      },
    });
    const result = await runCli(['lint', 'runbooks'], { cwd: sandbox.root, env: sandbox.env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      MISSING_PLAN('runbooks/21_01a_dialog_context_repo.md'),
      MISSING_PLAN('runbooks/21_01b_metrics_exporter.md', 66),
      'runbooks/21_01c_unfilled_copy.md:1: unfilled template placeholder [COMPONENT_NAME] in the title',
      'runbooks/21_01c_unfilled_copy.md:3: unfilled template placeholder [e.g., Dialog Context Repository] in field **Component**',
      'runbooks/21_01c_unfilled_copy.md:5: unfilled template placeholder [YYYY-MM-DD] in field **Date**',
      'runbooks/21_01c_unfilled_copy.md:6: unfilled template placeholder [Name] in field **Owner**',
      'runbooks/21_01c_unfilled_copy.md:17: no feature flag named: write the flag the rollback turns off, e.g. `USE_NEW_X=false`, in a step or a "Feature flag:" bullet',
      'runbooks/21_01c_unfilled_copy.md:17: no "Key Metrics to Watch" table (Metric | Baseline | Target | Alert Threshold): recovery can only be checked by targets',
      'runbooks/21_01c_unfilled_copy.md:23: template placeholder [COMPONENT] in step "Disable feature flag": replace it with the real value',
      'runbooks/21_01c_unfilled_copy.md:24: template placeholder [service] in step "Disable feature flag": replace it with the real value',
      MISSING_PLAN('runbooks/21_01c_unfilled_copy.md', 40),
      'runbooks/21_01d_no_rollback_section.md:1: no "Rollback Procedure" section: add a "## Rollback Procedure" heading with the rollback steps',
      'runbooks/21_01d_no_rollback_section.md:1: no "Key Metrics to Watch" table (Metric | Baseline | Target | Alert Threshold): recovery can only be checked by targets',
      'runbooks/30_03e_syntax_error.md:7: no "Key Metrics to Watch" table (Metric | Baseline | Target | Alert Threshold): recovery can only be checked by targets',
      'runbooks/30_03e_syntax_error.md:18: bash syntax error in step "Restart services": syntax error near unexpected token `fi\'',
      'runbooks/binary.md:2: binary data (a NUL byte), not a markdown note: give the .md note itself',
      'runbooks/template.md:1: this is the migration notes template, not a note: copy it to runbooks/<stage>_<name>.md, fill in every [PLACEHOLDER] and use the copy',
      '',
    ]);
    expect(result.stderr).toBe('runbook lint: 17 problems in 7 of 7 notes\n');
  });

  it('takes files and folders, and --json', async () => {
    sandbox = createSandbox({ notes: { ...clean, 'sub/30_03e_syntax_error.md': 'notes/syntax-error.md' } });
    const result = await runCli(['lint', '--json', 'runbooks/21_01a_dialog_context_repo.md', 'runbooks/sub'], { cwd: sandbox.root, env: sandbox.env });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      files: 2,
      problems: [
        { file: 'runbooks/21_01a_dialog_context_repo.md', line: 102, message: LINK },
        { file: 'runbooks/sub/30_03e_syntax_error.md', line: 7, message: expect.stringMatching(/^no "Key Metrics to Watch" table/) },
        { file: 'runbooks/sub/30_03e_syntax_error.md', line: 18, message: 'bash syntax error in step "Restart services": syntax error near unexpected token `fi\'' },
      ],
    });
    expect(result.stderr).toBe('runbook lint: 3 problems in 2 of 2 notes\n');
  });

  it('uses --runbooks and RUNBOOK_DIR when no path is given', async () => {
    sandbox = createSandbox({ notes: { 'team/21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md', 'team/21_01c_unfilled_copy.md': '21_01c_unfilled_copy.md' } });
    const team = join(sandbox.runbooks, 'team');
    const byOption = await runCli(['lint', '--runbooks', team], { cwd: sandbox.home, env: sandbox.env });
    const byEnv = await runCli(['lint'], { cwd: sandbox.home, env: { ...sandbox.env, RUNBOOK_DIR: team } });
    for (const result of [byOption, byEnv]) {
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe('runbook lint: 10 problems in 2 of 2 notes\n');
      expect(result.stdout).toContain(`${team}/21_01c_unfilled_copy.md:23: template placeholder [COMPONENT]`);
    }
  });

  it('lints a large folder (parsed on worker threads) with the same results, naming the broken note and line', async () => {
    // Without the pointer to a plan the repository does not have, 21_01a lints clean.
    const good = readFileSync(join(fixturesDir, '21_01a_dialog_context_repo.md'), 'utf8').replace('`docs/specs/epic_21/architect/rollback_plan.md`', 'the wiki');
    const notes: Record<string, { text: string }> = {};
    for (let i = 0; i < 240; i++) {
      const stage = `50_${String(i).padStart(3, '0')}`;
      notes[`${stage}_note.md`] = { text: good.replace(/21_01a/g, stage).replace(/USE_NEW_DIALOG_CONTEXT_REPO/g, `USE_NEW_X${i}`) };
    }
    notes['50_117_note.md'] = { text: notes['50_117_note.md']!.text.replace('make day-12-restart-butler', 'if true; then make day-12-restart-butler') };
    sandbox = createSandbox({ notes });
    writeFileSync(join(sandbox.runbooks, 'README.md'), '# not a note\n');
    // A correctness test (the workers agree), not a timing one: lint speed is measured in bench/.
    const result = await runCli(['lint'], { cwd: sandbox.root, env: sandbox.env, timeoutMs: 90_000 });
    expect(result).toEqual({
      exitCode: 1,
      stdout: 'runbooks/50_117_note.md:86: bash syntax error in step "Disable feature flag": syntax error: unexpected end of file\n',
      stderr: 'runbook lint: 1 problem in 1 of 240 notes\n',
    });
  }, 120_000);

  it("the CI check: the project's own runbooks lint clean (their second path is the epic plan in docs/specs/)", async () => {
    expect(await runCli(['lint', 'runbooks'])).toEqual({ exitCode: 0, stdout: '', stderr: 'runbook lint: 2 notes, no problems\n' });
  });

  it('a linked plan gives the path its steps and its flags, each naming the file and line it came from', async () => {
    const result = await runCli(['show', '21_01a', '--path', '2', '--json']);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    const plan = JSON.parse(result.stdout) as { flags: { name: string; step: number | null }[]; paths: { steps: { title: string; kind: string; linkedFrom: string | null }[] }[]; selectedPath: number };
    const steps = plan.paths[plan.selectedPath - 1]!.steps;
    expect(steps.map((step) => [step.title, step.kind, step.linkedFrom])).toEqual([
      ['Freeze deployments', 'manual', 'docs/specs/epic_21/architect/rollback_plan.md:12'],
      ["Disable the epic's feature flags", 'shell', 'docs/specs/epic_21/architect/rollback_plan.md:16'],
      ['Validate rollback', 'shell', 'docs/specs/epic_21/architect/rollback_plan.md:23'],
      ['Check the data written since the deployment', 'manual', 'docs/specs/epic_21/architect/rollback_plan.md:29'],
      ['Communicate', 'manual', 'docs/specs/epic_21/architect/rollback_plan.md:33'],
    ]);
    // Both flags are set by the linked step 2, so a run of this path checks both at the end.
    expect(plan.flags.map((flag) => [flag.name, flag.step])).toEqual([
      ['USE_NEW_DIALOG_CONTEXT_REPO', 2],
      ['USE_NEW_METRICS_EXPORTER', 2],
    ]);
    // The first path keeps its own flag step; the linked plan's line numbers never match its steps.
    const first = JSON.parse((await runCli(['show', '21_01a', '--json'])).stdout) as typeof plan;
    expect(first.flags.map((flag) => [flag.name, flag.step])).toEqual([
      ['USE_NEW_DIALOG_CONTEXT_REPO', 1],
      ['USE_NEW_METRICS_EXPORTER', null],
    ]);
  });
});
