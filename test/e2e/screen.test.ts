/**
 * What a person sees in a real terminal (tmux): the step list is a log, never redrawn, so a
 * resize cannot repeat lines, no spinner turns at a question, a small pane keeps the failure
 * right above its question, skipping everything is never a success, and `| tee` works.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';
import { summaryOf } from '../helpers/scrub.js';

const count = (text: string, part: string) => text.split(part).length - 1;

describe('the screen of an interactive rollback', () => {
  it('resizing while a question waits repeats no line and shows no spinner', async () => {
    const sandbox = createSandbox();
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '21_01a'), { columns: 120, rows: 40 });
    await terminal.waitForText('Run step 1?');
    for (const [columns, rows] of [
      [90, 30],
      [60, 25],
      [120, 40],
      [70, 40],
    ] as const) {
      await terminal.resize(columns, rows);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const before = await terminal.screen();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await terminal.screen();
    // Nothing moves while the question waits: no spinner frame, no redraw.
    expect(after).toBe(before);
    expect(after).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(count(after, '❯ 1. Disable feature flag')).toBe(1);
    expect(count(after, 'Run step 1?')).toBe(1);
    expect(count(after, 'Rolling back stage 21_01a')).toBe(1);
    await terminal.answer('q');
    expect(await terminal.waitForExit()).toBe(1);
  });

  it('skipping every step is INCOMPLETE (exit 1), with the flag still on named; q shows the step as not run, not ✖', async () => {
    const sandbox = createSandbox();
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '21_01a'));
    await terminal.waitForText('Run step 1?');
    await terminal.answer('n');
    await terminal.waitForText('Run step 2?');
    await terminal.answer('n');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('s');
    expect(await terminal.waitForExit()).toBe(1);
    const screen = await terminal.screen();
    expect(summaryOf(screen, sandbox.root)).toBe(`Rollback of 21_01a: INCOMPLETE after <d>
  the rollback is not complete: steps not run: 1 (skipped), 2 (skipped); flag unchanged: USE_NEW_DIALOG_CONTEXT_REPO is true (rollback value false)
  ↓ 1. Disable feature flag  skipped
  ↓ 2. Validate rollback     skipped
  ↓ 3. Communicate           skipped
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = true  NOT rolled back (rollback value false)
    steps done: none
    not run: 1. Disable feature flag (skipped); 2. Validate rollback (skipped)
`);
    expect(screen).not.toContain('succeeded');
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'incomplete', exitCode: 1 });
    expect(sandbox.calls()).toEqual([]);

    const quitter = createSandbox();
    const quit = await quitter.openTerminal(quitter.args('rollback', '21_01a'));
    await quit.waitForText('Run step 1?');
    await quit.answer('q');
    expect(await quit.waitForExit()).toBe(1);
    const quitScreen = await quit.screen();
    expect(quitScreen).toContain('↓ 1. Disable feature flag [SKIPPED: not run (quit)]\n');
    expect(quitScreen).not.toContain('✖');
    expect(quitScreen).toContain(`  To continue: runbook resume ${quitter.journal().runId}\n`);
  });

  it('in a 20-row pane, the failure question repeats the step, the exit code and the last lines', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '21_01a'), { columns: 80, rows: 20 });
    await terminal.waitForText('Run step 1?');
    await terminal.answer('c');
    await terminal.waitForText('what now?');
    // The visible pane (no scrollback): the last 20 rows.
    const visible = (await terminal.screen()).trimEnd().split('\n').slice(-20).join('\n');
    expect(visible).toContain('› failed with exit code 3\n› poetry: failing with exit 3\n');
    expect(visible).toMatch(/\? Step 2 "Validate rollback" failed \(exit code 3\): what now\? \[r\] retry {2}\[s\] skip it and go on {2}\[a\] abort the rollback ›\s*$/);
    await terminal.answer('a');
    expect(await terminal.waitForExit()).toBe(1);
  });

  it("a step's time leaves out the time its question waited", async () => {
    const sandbox = createSandbox();
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '21_01a'));
    await terminal.waitForText('Run step 1?');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await terminal.answer('y');
    const screen = await terminal.waitForText('Run step 2?');
    // make is a stand-in that answers at once: milliseconds, not the 1.5 s at the question.
    expect(screen).toMatch(/✔ 1\. Disable feature flag — USE_NEW_DIALOG_CONTEXT_REPO: true → false \[\d+ms\]\n/);
    await terminal.answer('q');
    expect(await terminal.waitForExit()).toBe(1);
  });

  it('shows a long command whole, wrapped with a visible mark', async () => {
    const sandbox = createSandbox();
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '21_01a'), { columns: 60, rows: 40 });
    const screen = await terminal.waitForText('Run step 1?');
    // Cut at the width (at a space where there is one), every piece but the last marked.
    expect(screen).toContain("› $ sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIA ↩\n›   LOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra\n");
    await terminal.answer('q');
    expect(await terminal.waitForExit()).toBe(1);
  });

  it('with stdout through `| tee` and stdin a terminal, asks and runs; the log has plain lines', async () => {
    const sandbox = createSandbox();
    const log = join(sandbox.root, 'rollback.log');
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '21_01a'), { teeTo: log });
    await terminal.waitForText('Run step 1?');
    await terminal.answer('c');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('d');
    expect(await terminal.waitForExit()).toBe(0);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('✔ 2. Validate rollback [');
    expect(text).toContain('Rollback of 21_01a: succeeded after');
    expect(text).not.toMatch(/\u001b\[[0-9;]*[A-HJKf]/); // no cursor movement in the log
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
  });
});
