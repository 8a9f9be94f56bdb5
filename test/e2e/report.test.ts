import { mkdirSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('runbook report', () => {
  it('writes the latest run, or the run of a stage, from its journal: markdown by default, the format from --out', async () => {
    const sandbox = createSandbox();
    expect(await sandbox.run(['report'])).toEqual({ stdout: '', stderr: `runbook: no runs in ${sandbox.runsDir} yet: a real (not --dry-run) rollback or rehearse writes one\n`, exitCode: 2 });
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(0);
    const { runId } = sandbox.journal();

    const markdown = await sandbox.run(['report']);
    expect([markdown.exitCode, markdown.stderr]).toEqual([0, '']);
    expect(markdown.stdout.split('\n')[0]).toMatch(/^### \d{4}-\d\d-\d\d Rollback of 21_01a — NOT VERIFIED$/);
    expect(markdown.stdout).toContain('| 1 | Disable feature flag | run | done |');

    const byStage = await sandbox.run(['report', '21_01a', '--out', 'out/report.html']);
    expect(byStage).toEqual({ stdout: `Report of run ${runId}: out/report.html\n`, stderr: '', exitCode: 0 });
    expect(readFileSync(join(sandbox.work, 'out/report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    const json = JSON.parse((await sandbox.run(['report', runId, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ kind: 'run', runId, verdict: 'not-verified', steps: [{ result: 'done' }, { result: 'done' }, { result: 'needs-person' }] });
  });

  it('refuses a bad format, an unknown stage, a directory or a link to a device where the file would go', async () => {
    const sandbox = createSandbox();
    await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(await sandbox.run(['report', '--format', 'pdf'])).toEqual({ stdout: '', stderr: 'runbook: --format pdf: expected md, json, html\n', exitCode: 2 });
    expect(await sandbox.run(['report', '99_zz'])).toEqual({ stdout: '', stderr: `runbook: no runs of stage 99_zz in ${sandbox.runsDir}: no report to write\n`, exitCode: 2 });
    mkdirSync(join(sandbox.work, 'a-dir'));
    expect(await sandbox.run(['report', '--out', 'a-dir'])).toEqual({
      stdout: '',
      stderr: `runbook: --out ${join(sandbox.work, 'a-dir')} is a directory, not a regular file: give the path of a file to write (it is replaced) or a new one\n`,
      exitCode: 2,
    });
    writeFileSync(join(sandbox.root, 'elsewhere.md'), 'keep me\n');
    symlinkSync(join(sandbox.root, 'elsewhere.md'), join(sandbox.work, 'link.md'));
    // A link to a regular file is written through (it stays a link); a link to a device is refused.
    const throughLink = await sandbox.run(['report', '--out', 'link.md']);
    expect([throughLink.exitCode, throughLink.stderr]).toEqual([0, '']);
    expect(lstatSync(join(sandbox.work, 'link.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(sandbox.root, 'elsewhere.md'), 'utf8')).toContain('21_01a');
    symlinkSync('/dev/null', join(sandbox.work, 'null.md'));
    const device = await sandbox.run(['report', '--out', 'null.md']);
    expect([device.exitCode, device.stdout]).toEqual([2, '']);
    expect(device.stderr).toMatch(/^runbook: --out .*null\.md is a symlink to a character device/);
  });
});
