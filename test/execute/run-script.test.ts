import { describe, expect, it } from 'vitest';
import { runScript, type ScriptRun } from '../../src/execute/run-script.js';
import { waitFor } from '../helpers/poll.js';
import { liveProcesses } from '../helpers/processes.js';

function run(script: string, extra: Partial<ScriptRun> = {}) {
  const lines: string[] = [];
  let group: number | undefined;
  const result = runScript({ script, cwd: '/tmp', env: { PATH: process.env.PATH, HOME: '/tmp' }, timeoutMs: 10_000, onLine: (line) => lines.push(line), onSpawn: (pid) => (group = pid), ...extra });
  return { result, lines, group: () => group };
}

/** Live members of a process group. */
const groupMembers = (group: number) => liveProcesses().filter((process) => process.pgid === group);

describe('runScript', () => {
  it('runs the script in bash with the given environment and directory, streaming each line', async () => {
    const { result, lines } = run('echo "home=$HOME dir=$(pwd)"; echo oops >&2; printf tail');
    expect(await result).toMatchObject({ ok: true, exitCode: 0, timedOut: false, interrupted: false, tail: ['home=/tmp dir=/tmp', 'oops', 'tail'] });
    expect(lines).toEqual(['home=/tmp dir=/tmp', 'oops', 'tail']);
  });

  it('stops at the first failing command (errexit), also inside a pipeline (pipefail)', async () => {
    expect(await run('false\necho never').result).toMatchObject({ ok: false, exitCode: 1, tail: [] });
    expect(await run('(exit 4) | cat\necho never').result).toMatchObject({ ok: false, exitCode: 4, tail: [] });
  });

  it('gives a step no stdin, so a command that reads it does not wait', async () => {
    expect(await run('read -r answer').result).toMatchObject({ ok: false, exitCode: 1 });
  });

  it('on timeout stops the whole process tree and says so', async () => {
    const started = Date.now();
    const { result, group } = run('sleep 30 & bash -c "sleep 30" & sleep 30', { timeoutMs: 300 });
    expect(await result).toMatchObject({ ok: false, timedOut: true, interrupted: false });
    // Well under the 30 s the processes would take on their own, even on a busy machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(groupMembers(group()!)).toEqual([]);
  });

  it('when aborted (Ctrl-C) stops the whole process tree, even processes that ignore SIGTERM', async () => {
    const controller = new AbortController();
    const { result, lines, group } = run("trap '' TERM; echo ready; sleep 30 & sleep 30", { signal: controller.signal });
    await waitFor('the script to start', () => lines.includes('ready'));
    controller.abort();
    expect(await result).toMatchObject({ ok: false, interrupted: true, timedOut: false });
    expect(groupMembers(group()!)).toEqual([]);
  });

  it('does not wait for a process the script left running in the background', async () => {
    const started = Date.now();
    const { result, group } = run('sleep 30 & echo started');
    expect(await result).toMatchObject({ ok: true, exitCode: 0, tail: ['started'] });
    expect(Date.now() - started).toBeLessThan(15_000);
    process.kill(-group()!, 'SIGKILL');
  });

  it('reports a directory that does not exist as bash not starting', async () => {
    const result = await run('true', { cwd: '/no/such/dir' }).result;
    expect(result.ok).toBe(false);
    expect(result.startError).toMatch(/no\/such\/dir|ENOENT/);
  });
});
