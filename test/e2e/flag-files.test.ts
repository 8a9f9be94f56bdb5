/**
 * Issue #9: a flag's env file that is a symlink (sed -i would replace the link), and a note's
 * sed pattern that backtracks catastrophically (show, --dry-run and rollback must not hang).
 */

import { lstatSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictFlagFailure } from '../../src/run/predict.js';
import { createSandbox } from '../helpers/sandbox.js';

describe('a flag env file that is a symlink', () => {
  it('the dry run says the file is a link and to where; the run refuses the step, the link and its target unchanged', async () => {
    const sandbox = createSandbox();
    const target = join(sandbox.home, 'real.env');
    renameSync(sandbox.envFilePath, target);
    symlinkSync(target, sandbox.envFilePath);

    const dry = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run'));
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain(`; now true; the file is a symlink to ${target}`);
    expect(dry.stdout).toContain(`step 1 will fail: env file ~/work/infra/.env.infra is a symlink to ${target}: sed -i would replace the link with a copy and leave ${target} as it was`);

    const run = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));
    expect(run.exitCode).toBe(1);
    expect(run.stdout + run.stderr).toContain('was not run: env file ~/work/infra/.env.infra is a symlink to');
    expect(lstatSync(sandbox.envFilePath).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain('USE_NEW_DIALOG_CONTEXT_REPO=true');
    expect(sandbox.calls()).toEqual([]);
  });

  it('a step that edits through the link (sed -i --follow-symlinks) is not refused', () => {
    const flag = { envFile: '~/x.env', rollbackValue: 'false', sedPattern: 'X=true' };
    const reading = { state: 'set' as const, value: 'true', sedMatches: true, link: '/real/x.env' };
    expect(predictFlagFailure(flag, reading, "sed -i 's/X=true/X=false/' ~/x.env")).toMatch(/is a symlink to \/real\/x\.env/);
    expect(predictFlagFailure(flag, reading, "sed -i --follow-symlinks 's/X=true/X=false/' ~/x.env")).toBeUndefined();
  });
});

describe("a note's sed pattern with catastrophic backtracking", () => {
  it('never hangs show, --dry-run or rollback', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/backtracking-sed.md'] });
    writeFileSync(sandbox.envFilePath, `USE_SLOW_FLAG=${'a'.repeat(5_000)}\n`);
    for (const args of [
      ['show', '90_regex'],
      ['rollback', '90_regex', '--dry-run'],
    ]) {
      const result = await sandbox.run(sandbox.args(args[0]!, ...args.slice(1)), { timeoutMs: 15_000 });
      expect({ args, exitCode: result.exitCode }).toEqual({ args, exitCode: 0 });
    }
    const run = await sandbox.run(sandbox.args('rollback', '90_regex', '--yes'), { timeoutMs: 15_000 });
    expect(run.exitCode).toBe(1); // the pattern matches no line: the step would change nothing
    expect(run.stdout + run.stderr).toContain("no line of ~/work/infra/.env.infra matches the step's sed pattern");
  });
});
