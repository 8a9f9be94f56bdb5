/**
 * Issue #9, "files that are not what they seem": runbook reads only regular files (bounded),
 * writes only over regular files or new paths, makes only real folders — each refusal one
 * line naming the path, exit 2, never a hang or exit 70.
 */

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createSandbox as createNotesSandbox, type Sandbox as NotesSandbox } from '../helpers/notes-sandbox.js';
import { createSandbox } from '../helpers/sandbox.js';

let notes: NotesSandbox | undefined;
afterEach(() => notes?.cleanup());
const runAsRoot = process.getuid?.() === 0;

function notesSandbox(): NotesSandbox {
  notes = createNotesSandbox({ notes: { '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md' } });
  return notes;
}

describe('odd files as notes', () => {
  it('a FIFO named x.md does not block: one line, exit 2', async () => {
    const sandbox = notesSandbox();
    execFileSync('mkfifo', [join(sandbox.runbooks, 'x.md')]);
    expect(await runCli(['show', 'runbooks/x.md'], { cwd: sandbox.root, env: sandbox.env, timeoutMs: 10_000 })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: runbooks/x.md: is a FIFO (named pipe), not a regular file: give the .md note itself\n',
    });
  });

  it('a .md symlink to /dev/zero does not eat memory: one line, exit 2', async () => {
    const sandbox = notesSandbox();
    symlinkSync('/dev/zero', join(sandbox.runbooks, 'zero.md'));
    expect(await runCli(['rollback', 'runbooks/zero.md', '--dry-run'], { cwd: sandbox.root, env: sandbox.env, timeoutMs: 10_000 })).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'runbook: runbooks/zero.md: is a character device, not a regular file: give the .md note itself\n',
    });
  });

  it('a note larger than the 1 MiB limit is refused, naming the limit', async () => {
    const sandbox = notesSandbox();
    writeFileSync(join(sandbox.runbooks, 'huge.md'), `# Huge\n${'x'.repeat(1024 * 1024)}\n`);
    const result = await runCli(['show', 'runbooks/huge.md'], { cwd: sandbox.root, env: sandbox.env });
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: 'runbook: runbooks/huge.md: is larger than 1 MiB, the limit runbook reads (see docs/security.md): is it really a note?\n' });
  });

  it('a UTF-16 note is named as UTF-16 ("save it as UTF-8"), not "binary"', async () => {
    const sandbox = notesSandbox();
    const text = '# Migration: x · Stage 77_utf16\n\n## Rollback Procedure\n\n1. **Step**:\n   ```bash\n   echo hi\n   ```\n';
    writeFileSync(join(sandbox.runbooks, 'utf16.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    writeFileSync(join(sandbox.runbooks, 'utf16-no-bom.md'), Buffer.from(text, 'utf16le'));
    for (const name of ['utf16.md', 'utf16-no-bom.md']) {
      expect(await runCli(['show', `runbooks/${name}`], { cwd: sandbox.root, env: sandbox.env })).toEqual({
        exitCode: 2,
        stdout: '',
        stderr: `runbook: runbooks/${name}:1: UTF-16 text, not UTF-8: save it as UTF-8, e.g. iconv -f utf-16 -t utf-8 FILE > FILE.utf8\n`,
      });
    }
  });

  it('environments.json that is a FIFO does not block: one line, exit 2', async () => {
    const sandbox = notesSandbox();
    execFileSync('mkfifo', [join(sandbox.runbooks, 'environments.json')]);
    const result = await runCli(['rollback', '21_01a', '--dry-run', '--env', 'staging'], { cwd: sandbox.root, env: sandbox.env, timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: 'runbook: --env staging: cannot read runbooks/environments.json: is a FIFO (named pipe), not a regular file\n' });
  });
});

describe('the runbooks folder', () => {
  it('symlinked notes are followed when they point at regular files; a link to a device is named as skipped', async () => {
    const sandbox = notesSandbox();
    const elsewhere = join(sandbox.root, 'elsewhere');
    mkdirSync(elsewhere);
    execFileSync('cp', [join(sandbox.runbooks, '21_01a_dialog_context_repo.md'), join(elsewhere, 'real.md')]);
    execFileSync('sed', ['-i', 's/21_01a/31_07z/g', join(elsewhere, 'real.md')]);
    symlinkSync(join(elsewhere, 'real.md'), join(sandbox.runbooks, '31_07z_linked.md'));
    symlinkSync('/dev/null', join(sandbox.runbooks, 'null.md'));
    symlinkSync(sandbox.runbooks, join(sandbox.runbooks, 'again'));
    symlinkSync(join(sandbox.runbooks, 'loop-b.md'), join(sandbox.runbooks, 'loop-a.md'));
    symlinkSync(join(sandbox.runbooks, 'loop-a.md'), join(sandbox.runbooks, 'loop-b.md'));
    const shown = await runCli(['show', '31_07z'], { cwd: sandbox.root, env: sandbox.env });
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('31_07z');
    const listed = await runCli(['list'], { cwd: sandbox.root, env: sandbox.env });
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain('runbooks/31_07z_linked.md');
    expect(listed.stderr).toBe(
      [
        'runbook: warning: skipped runbooks/again: a symlink to a folder: not searched (it could loop); link the notes themselves',
        'runbook: warning: skipped runbooks/loop-a.md: a symlink loop',
        'runbook: warning: skipped runbooks/loop-b.md: a symlink loop',
        'runbook: warning: skipped runbooks/null.md: a symlink to something that is not a regular file',
        '',
      ].join('\n'),
    );
    const missing = await runCli(['show', '99_none'], { cwd: sandbox.root, env: sandbox.env });
    expect(missing.stderr).toMatch(/^runbook: no note for stage "99_none" in runbooks; known stages: .*; skipped: .*runbooks\/null\.md \(a symlink to something that is not a regular file\)\n$/);
  });

  it.skipIf(runAsRoot)('an unreadable sub-folder is named and skipped, not fatal (skipped as root: root reads a chmod 000 folder)', async () => {
    const sandbox = notesSandbox();
    mkdirSync(join(sandbox.runbooks, 'private'));
    chmodSync(join(sandbox.runbooks, 'private'), 0o000);
    const listed = await runCli(['list'], { cwd: sandbox.root, env: sandbox.env });
    chmodSync(join(sandbox.runbooks, 'private'), 0o755);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain('21_01a');
    expect(listed.stderr).toBe('runbook: warning: skipped runbooks/private: a folder that cannot be read (EACCES)\n');
  });
});

describe('paths runbook writes', () => {
  it.each(['/dev/full', '/tmp'])('--report %s is refused before anything runs: the path is left as it was, no temp file', async (path) => {
    const sandbox = createSandbox();
    const before = readdirSync('/');
    const result = await sandbox.run(sandbox.args('rehearse', '21_01a', '--report', path));
    const kind = path === '/tmp' ? 'a directory' : 'a character device';
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: `runbook: --report ${path} is ${kind}, not a regular file: give the path of a file to write (it is replaced) or a new one\n` });
    expect(path === '/tmp' ? statSync(path).isDirectory() : statSync(path).isCharacterDevice()).toBe(true);
    expect(readdirSync('/')).toEqual(before);
    expect(sandbox.calls()).toEqual([]);
  });

  it('--metrics-file /dev/null is refused before anything runs (as root it would become a regular file)', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--metrics-file', '/dev/null'));
    expect(result.stderr).toBe('runbook: --metrics-file /dev/null is a character device, not a regular file: give the path of a file to write (it is replaced) or a new one\n');
    expect(result.exitCode).toBe(2);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(sandbox.calls()).toEqual([]);
  });

  it('--journal-dir /proc/x does not loop: one line, exit 2, nothing run', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--journal-dir', '/proc/x'), { timeoutMs: 10_000 });
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: 'runbook: --journal-dir /proc/x: cannot create /proc/x (ENOENT): give a folder runbook can write\n' });
    expect(sandbox.calls()).toEqual([]);
  });

  it('--state-dir naming a file is one line, exit 2 (not 70)', async () => {
    const sandbox = createSandbox();
    writeFileSync(join(sandbox.work, 'afile'), 'not a folder\n');
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--state-dir', 'afile'));
    expect(result).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: `runbook: --state-dir ${join(sandbox.work, 'afile/runs')}: ${join(sandbox.work, 'afile')} is a regular file, not a folder: give a folder runbook can create or use\n`,
    });
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });
});
