/**
 * Every way the input can be wrong: one `runbook: …` line per problem naming the file (and
 * line) and what to do, exit code 2, nothing on stdout, never a stack trace.
 */

import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot, runCli } from '../helpers/run-cli.js';
import { createSandbox, type Sandbox } from '../helpers/notes-sandbox.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

const BINARY = Uint8Array.from([0x23, 0x20, 0x54, 0x0a, 0x00, 0x01, 0xff, 0x0a]);
const runAsRoot = process.getuid?.() === 0;

describe('bad notes', () => {
  it.each([
    { name: 'missing file', args: ['show', 'runbooks/missing.md'], stderr: 'runbook: runbooks/missing.md: no such file: check the path, or give a stage id such as 21_01a\n' },
    { name: 'directory', args: ['show', 'runbooks/folder.md'], stderr: 'runbook: runbooks/folder.md: is a directory, not a note: give a .md file or a stage id\n' },
    { name: 'binary file', args: ['show', 'runbooks/binary.md'], stderr: 'runbook: runbooks/binary.md:2: binary data (a NUL byte), not a markdown note: give the .md note itself\n' },
    { name: 'binary fixture', args: ['show', 'runbooks/junk.md'], stderr: 'runbook: runbooks/junk.md:2: binary data (a NUL byte), not a markdown note: give the .md note itself\n' },
    {
      name: 'non-UTF-8 file',
      args: ['rollback', 'runbooks/latin1.md', '--dry-run'],
      stderr: 'runbook: runbooks/latin1.md:1: not UTF-8 text (byte 0xb7): save the note as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8\n',
    },
    {
      name: 'no Rollback Procedure section',
      args: ['rollback', '21_01d', '--dry-run'],
      stderr: 'runbook: runbooks/21_01d_no_rollback_section.md:1: no "Rollback Procedure" section: add a "## Rollback Procedure" heading with the rollback steps\n',
    },
    {
      name: 'empty section',
      args: ['show', 'runbooks/empty.md'],
      stderr: 'runbook: runbooks/empty.md:7: the Rollback Procedure section is empty: add numbered steps with bash blocks\n',
    },
    {
      name: 'the template itself',
      args: ['rollback', 'runbooks/template.md', '--dry-run'],
      stderr: 'runbook: runbooks/template.md:1: this is the migration notes template, not a note: copy it to runbooks/<stage>_<name>.md, fill in every [PLACEHOLDER] and use the copy\n',
    },
    {
      name: 'an unfilled copy of the template',
      args: ['rollback', '21_01c', '--dry-run'],
      stderr: [
        'runbook: runbooks/21_01c_unfilled_copy.md:23: template placeholder [COMPONENT] in step "Disable feature flag": replace it with the real value',
        'runbook: runbooks/21_01c_unfilled_copy.md:24: template placeholder [service] in step "Disable feature flag": replace it with the real value',
        'runbook: runbooks/21_01c_unfilled_copy.md cannot run: 2 problems (an unfilled copy of the template?); fix the note and try again',
        '',
      ].join('\n'),
    },
  ])('$name', async ({ args, stderr }) => {
    sandbox = createSandbox({
      notes: {
        'binary.md': { bytes: BINARY },
        'junk.md': 'notes/binary.md',
        'latin1.md': 'notes/latin1.md',
        'empty.md': 'notes/empty-section.md',
        'template.md': 'template.md',
        '21_01c_unfilled_copy.md': '21_01c_unfilled_copy.md',
        '21_01d_no_rollback_section.md': '21_01d_no_rollback_section.md',
      },
    });
    mkdirSync(join(sandbox.runbooks, 'folder.md'));
    expect(await runCli(args, { cwd: sandbox.root, env: sandbox.env })).toEqual({ exitCode: 2, stdout: '', stderr });
  });

  it.skipIf(runAsRoot)('unreadable file (skipped as root, where chmod 000 does not stop reading)', async () => {
    sandbox = createSandbox({ notes: { 'secret.md': '21_01a_dialog_context_repo.md' } });
    chmodSync(join(sandbox.runbooks, 'secret.md'), 0o000);
    expect(await runCli(['show', 'runbooks/secret.md'], { cwd: sandbox.root, env: sandbox.env })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: runbooks/secret.md: permission denied: make the note readable for this user\n',
    });
  });
});

describe('bad usage', () => {
  it.each([
    { name: 'unknown option', args: ['show', '21_01a', '--bogus'], stderr: "runbook: unknown option '--bogus' (see runbook --help)\n" },
    { name: 'misspelt option', args: ['show', '21_01a', '--jsn'], stderr: "runbook: unknown option '--jsn' (Did you mean --json?) (see runbook --help)\n" },
    { name: 'unknown command', args: ['frobnicate'], stderr: "runbook: unknown command 'frobnicate' (see runbook --help)\n" },
    { name: 'missing stage', args: ['rollback', '--dry-run'], stderr: "runbook: missing required argument 'stage' (see runbook --help)\n" },
    { name: 'missing option value', args: ['show', '21_01a', '--path'], stderr: "runbook: option '--path <n|title>' argument missing (see runbook --help)\n" },
    { name: 'lint of a missing path', args: ['lint', 'nowhere'], stderr: 'runbook: lint: nowhere does not exist: give note files or folders of notes\n' },
  ])('$name', async ({ args, stderr }) => {
    sandbox = createSandbox({ notes: { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md' } });
    expect(await runCli(args, { cwd: sandbox.root, env: sandbox.env })).toEqual({ exitCode: 2, stdout: '', stderr });
  });
});

describe('help and version', () => {
  it('--help lists the commands and exit codes on stdout, exit 0', async () => {
    const result = await runCli(['--help']);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(/^Usage: runbook \[options\] \[command\]\n/);
    for (const command of ['show [options] <stage>', 'rollback [options] <stage>', 'lint [options] [paths...]', 'list [options]']) expect(result.stdout).toContain(command);
    expect(result.stdout).toContain(
      'Exit codes: 0 ok, 1 a step failed, the run was aborted or is incomplete, 2 bad usage or bad note, 3 recovery not verified, 70 a bug in runbook, 74 cannot write state, 130 interrupted.',
    );
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v', '-V']) expect(await runCli([flag])).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('bare runbook prints the help on stdout and exits 0 (1 is kept for a failed step)', async () => {
    const result = await runCli([]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: runbook \[options\] \[command\]\n/);
    expect(result.stdout).toContain('rollback [options] <stage>');
  });

  it('shows every default in one format, "(default: …)"', async () => {
    for (const command of ['rollback', 'rehearse', 'resume', 'export', 'demo', 'verify']) {
      const help = (await runCli([command, '--help'])).stdout;
      expect(help).not.toContain('(default: "');
    }
  });
});

describe('the machine', () => {
  it('says so when bash is missing, since steps cannot be checked or run without it', async () => {
    sandbox = createSandbox({ notes: { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md' } });
    expect(await runCli(['rollback', '21_01a', '--dry-run'], { cwd: sandbox.root, env: { ...sandbox.env, PATH: sandbox.home } })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: bash was not found on PATH: runbook needs bash to check and run steps\n',
    });
  });
});
