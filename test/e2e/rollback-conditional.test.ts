/**
 * On a terminal (real tmux): a step under a condition and a step meant for other machines are
 * each asked on their own, saying the condition or the machines; only this machine's commands run.
 */

import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('runbook rollback on a terminal: conditional steps and steps for other machines', () => {
  it("asks whether the condition holds (n skips), asks whether to run the other nodes' step here (d: done there), and succeeds", async () => {
    const sandbox = createSandbox({ notes: ['run-notes/conditional-and-elsewhere.md'] });
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_where', '--no-verify'));
    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    const condition = await terminal.waitForText('does it hold?');
    expect(condition).toContain('› condition: only if the cache is corrupt\n');
    expect(condition).toContain('? Step 2 runs only under a condition: "only if the cache is corrupt" — does it hold? [n] no, or not sure: skip it (default)  [y] yes, it holds: run it  [q] quit');
    await terminal.answer('n');
    const elsewhere = await terminal.waitForText('run it here?');
    expect(elsewhere).toContain('› runs on: the other nodes\n');
    expect(elsewhere).toContain('? Step 3 runs on: the other nodes — run it here? [y] run it here  [d] I did it there by hand  [n] skip it  [q] quit');
    await terminal.answer('d');
    await terminal.waitForText('Run step 4?');
    await terminal.answer('y');
    expect(await terminal.waitForExit()).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart']);
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [2, 'skip'],
      [3, 'acknowledged'],
      [4, 'run'],
    ]);
  });
});
