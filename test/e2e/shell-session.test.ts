import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const SECRET = 'hunter2-session-secret';
const sessionFile = (journalPath: string) => journalPath.replace(/\.jsonl$/, '.session.json');

describe('the steps of a run share one shell session', () => {
  it('carries exported variables, the folder and a sourced PATH from step to step', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/one-shell-session.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_session', '--yes'));

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('› make deploy v1.2.3: ok\n› release-tool ran\n› connecting with ***\n› step 2 in release with v1.2.3\n');
    expect(result.stdout).toContain('› checked: tag v1.2.3, password of 22 characters\n');
    expect(sandbox.calls()).toEqual(['make deploy v1.2.3']);
    expect(existsSync(join(sandbox.work, 'release', 'bin', 'release-tool'))).toBe(true);
    // A succeeded run is never resumed: its saved state (secrets and all) is removed.
    const journal = sandbox.journal();
    expect(existsSync(sessionFile(journal.path))).toBe(false);
    expect(readFileSync(journal.path, 'utf8')).not.toContain(SECRET);
  });

  it('keeps the session across a kill and `runbook resume`, in a 0600 file the journal does not repeat', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/one-shell-session.md'] });
    sandbox.stub('make', 'hang');
    const run = sandbox.start(sandbox.args('rollback', '90_session', '--yes'));
    await sandbox.waitForHang('make');
    run.child.kill('SIGKILL');
    expect((await run.result).exitCode).toBe(128 + 9);
    sandbox.unstub('make', 'hang');

    const journal = sandbox.journal();
    const saved = sessionFile(journal.path);
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toMatchObject({ cwd: join(sandbox.work, 'release'), set: { RELEASE_TAG: 'v1.2.3', DB_PASSWORD: SECRET }, unset: [] });
    expect(readFileSync(journal.path, 'utf8')).not.toContain(SECRET);

    const resumed = await sandbox.run(['resume', '90_session', '--yes']);
    expect(resumed.exitCode).toBe(0);
    // Exported by step 1 in the killed process: masked by the resume as well.
    expect(resumed.stdout).toContain('› connecting with ***\n› step 2 in release with v1.2.3\n');
    expect(resumed.stdout).toContain('› checked: tag v1.2.3, password of 22 characters\n');
    expect(sandbox.calls()).toEqual(['make deploy v1.2.3', 'make deploy v1.2.3']);
    expect(readFileSync(journal.path, 'utf8')).not.toContain(SECRET);
    expect(resumed.stdout).not.toContain(SECRET);
  });

  it("does not carry what a failing step exported or where it cd'd", async () => {
    const sandbox = createSandbox({ notes: ['run-notes/session-failed-step.md'] });
    const failed = await sandbox.run(sandbox.args('rollback', '90_session_fail', '--yes'));
    expect(failed.exitCode).toBe(1);
    expect(JSON.parse(readFileSync(sessionFile(sandbox.journal().path), 'utf8'))).toMatchObject({ cwd: join(sandbox.work, 'target-folder'), set: { TARGET: 'blue' }, unset: [] });

    writeFileSync(join(sandbox.home, 'switch-ok'), '');
    const resumed = await sandbox.run(['resume', '90_session_fail', '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('› target=blue leaked=unset folder=target-folder\n');
  });

  it("runs a marked block's repeated setup (`cd build`) once per session, and again for `--from`", async () => {
    const sandbox = createSandbox({ notes: ['run-notes/session-marked-block.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_session_marked', '--yes'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('› second in build label=marked\n');
    // A new run from the second part: a fresh session, so its setup lines run.
    const again = await sandbox.run(sandbox.args('rollback', '90_session_marked', '--yes', '--from', '3'));
    expect(again.stdout).toContain('✔ 3. Second part');
    expect(again.stdout).toContain('› second in build label=marked\n');
  });

  it('writes no session file on a dry run', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/one-shell-session.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_session', '--dry-run'));
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(sandbox.work, 'release'))).toBe(false);
    const runs = join(sandbox.root, '.runbook', 'runs');
    expect(existsSync(runs) ? readdirSync(runs).filter((name) => name.includes('session')) : []).toEqual([]);
  });

  it('lint no longer reports variables an earlier step exports (the 56 sample)', async () => {
    const sandbox = createSandbox({ notes: ['real-world/56_01a_cray_sls_postgres_restore.md'] });
    const result = await sandbox.run(['lint', join(sandbox.runbooks, '56_01a_cray_sls_postgres_restore.md')]);
    expect(result.stdout + result.stdout).toContain('$POSTGRES_LEADER -n services');
    expect(result.stdout + result.stderr).not.toMatch(/\$POSTGRES_\w+ is (set|used)/);
  });
});
