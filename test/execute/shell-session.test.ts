import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applySession, openShellSession, parseSession, sessionFromDump, withSessionDump } from '../../src/execute/shell-session.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const folder = () => {
  const path = mkdtempSync(join(tmpdir(), 'runbook-session-'));
  folders.push(path);
  return path;
};

/** Runs a wrapped script the way run-script does (real bash, errexit, pipefail); returns its exit code. */
function bash(script: string, cwd: string, env: Record<string, string | undefined>): number {
  try {
    execFileSync('bash', ['--noprofile', '--norc', '-o', 'errexit', '-o', 'pipefail', '-c', script], { cwd, env: env as NodeJS.ProcessEnv, stdio: 'ignore' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('shell session', () => {
  it('keeps what a step changed, not what the run started with or RUNBOOK_*', () => {
    const base = { PATH: '/usr/bin:/bin', KEEP: 'same', GONE: 'x', RUNBOOK_STEP: '1' };
    const dump = ['/work/sub', 'PATH=/venv/bin:/usr/bin:/bin', 'KEEP=same', 'NEW=a\nb', 'RUNBOOK_STEP=1', 'SHLVL=1', ''].join('\0');
    expect(sessionFromDump(dump, base, '/work')).toEqual({ cwd: '/work/sub', set: { PATH: '/venv/bin:/usr/bin:/bin', NEW: 'a\nb' }, unset: ['GONE'] });
    // Cut short (no closing NUL): not a state.
    expect(sessionFromDump(dump.slice(0, -1), base, '/work')).toBeUndefined();
    const applied = applySession({ cwd: '/work/sub', set: { NEW: '1', RUNBOOK_STEP: '9' }, unset: ['GONE'] }, { ...base, RUNBOOK_STEP: '2' }, '/work');
    expect(applied).toEqual({ cwd: '/work/sub', env: { PATH: '/usr/bin:/bin', KEEP: 'same', NEW: '1', RUNBOOK_STEP: '2' } });
    expect(parseSession('{"set":{"A":1},"unset":[]}')).toBeUndefined();
    expect(parseSession('not json')).toBeUndefined();
  });

  it('keeps line numbers: the trap sits on the script’s first line', () => {
    const cwd = folder();
    const out = join(cwd, 'lineno');
    expect(bash(withSessionDump(`true\necho "$LINENO" > ${out}`, join(cwd, 'dump')), cwd, { PATH: process.env.PATH })).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('2\n');
  });

  it('saves after a success only, in a 0600 file, and starts the next step where the last one ended', () => {
    const cwd = folder();
    const path = join(cwd, 'run.session.json');
    const env = { PATH: process.env.PATH, RUNBOOK_STEP: '1' };
    const session = openShellSession(path);
    const first = session.step('export TAG=v1; mkdir -p sub; cd sub', cwd, env);
    expect(first.finish(bash(first.script, first.cwd, first.env) === 0)).toBeUndefined();
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const failing = session.step('export TAG=half; cd /; false', cwd, env);
    expect(bash(failing.script, failing.cwd, failing.env)).toBe(1);
    failing.finish(false);
    // A second session on the same file (a resume) sees the state of the successful step only.
    const next = openShellSession(path).step('true', cwd, env);
    expect(next.cwd).toBe(join(cwd, 'sub'));
    expect(next.env.TAG).toBe('v1');

    rmSync(join(cwd, 'sub'), { recursive: true });
    const lost = openShellSession(path).step('touch here', cwd, env);
    expect(bash(lost.script, lost.cwd, lost.env)).toBe(1);
  });
});

describe('the wrapped script', () => {
  const run = (script: string) => {
    const cwd = folder();
    const dump = join(cwd, 'dump');
    const status = bash(withSessionDump(script, dump), cwd, { PATH: process.env.PATH });
    let saved: string | undefined;
    try {
      saved = readFileSync(dump, 'utf8');
    } catch {
      saved = undefined;
    }
    return { status, saved: saved === undefined ? undefined : sessionFromDump(saved, { PATH: process.env.PATH }, cwd) };
  };

  it('keeps the exit status of a last command errexit does not stop at', () => {
    expect(run('export A=1\ntest -e /nonexistent && echo there')).toEqual({ status: 1, saved: undefined });
    expect(run('export A=1\nexit 3')).toEqual({ status: 3, saved: undefined });
  });

  it('saves the state of a step that sets its own EXIT trap, or ends in a here-document', () => {
    expect(run("trap 'true' EXIT\nexport A=1")).toEqual({ status: 0, saved: { set: { A: '1' }, unset: [] } });
    expect(run('export B=2\ncat >/dev/null <<EOF\nhi\nEOF')).toEqual({ status: 0, saved: { set: { B: '2' }, unset: [] } });
    expect(run('export C=3\necho one \\')).toEqual({ status: 0, saved: { set: { C: '3' }, unset: [] } });
  });
});
