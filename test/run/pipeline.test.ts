/**
 * The run pipeline in-process, one test per way a run can end: a fake Io (collected output,
 * signals the test fires), a scripted step view (the operator's answers), and real steps (bash
 * with the fixture commands on PATH) in a sandbox. Each asserts the exit code, the summary and
 * the journal together.
 */

import * as fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { checkBashSyntax } from '../../src/execute/check-syntax.js';
import type { Choice, StepUi, StepView } from '../../src/execute/step-view.js';
import { processAlive, type Io, type SignalName } from '../../src/io.js';
import { runPipeline, type RunRequest } from '../../src/run/pipeline.js';
import { loadResume } from '../../src/run/resume-source.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { summaryOf } from '../helpers/scrub.js';

function fakeIo(sandbox: Sandbox) {
  let stdout = '';
  let stderr = '';
  const handlers = new Map<SignalName, Set<() => void>>();
  const io: Io = {
    cwd: sandbox.work,
    env: sandbox.env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    interactive: true,
    fs: { readFile: (path) => fs.readFile(path), readdir: (path) => fs.readdir(path, { withFileTypes: true }), stat: (path) => fs.stat(path) },
    checkSyntax: checkBashSyntax,
    now: () => new Date(),
    random: Math.random,
    host: 'test-host',
    user: 'operator',
    pid: process.pid,
    processAlive,
    onSignal(signal, handler) {
      const set = handlers.get(signal) ?? new Set();
      set.add(handler);
      handlers.set(signal, set);
      return () => set.delete(handler);
    },
  };
  return {
    io,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    signal: (name: SignalName) => {
      for (const handler of handlers.get(name) ?? []) handler();
    },
  };
}

/** The operator, scripted: one answer (a choice value, or an error such as Ctrl-C) per question. */
function scriptedView(answers: (string | Error)[]): StepView & { asked: string[]; skipped: string[] } {
  const asked: string[] = [];
  const skipped: string[] = [];
  return {
    asked,
    skipped,
    notice() {},
    async run(steps, work) {
      for (const step of steps) {
        const ui: StepUi = {
          show() {},
          output() {},
          title() {},
          skip: (reason) => skipped.push(`${step.number}: ${reason}`),
          async choose<T extends string>(question: string, choices: Choice<T>[]): Promise<T> {
            asked.push(question);
            const answer = answers.shift();
            if (answer === undefined) throw new Error(`unexpected question: ${question}`);
            if (answer instanceof Error) throw answer;
            if (!choices.some((choice) => choice.value === answer)) throw new Error(`"${answer}" is not a choice of: ${question}`);
            return answer as T;
          },
        };
        await work(step, ui);
      }
    },
  };
}

async function rollback(sandbox: Sandbox, answers: (string | Error)[], options: RunRequest['options'] = {}) {
  const world = fakeIo(sandbox);
  const view = scriptedView(answers);
  const report = await runPipeline({ mode: 'run', note: { reference: '21_01a', runbooks: sandbox.runbooks }, options: { verify: false, ...options }, view }, world.io);
  const events = sandbox.journal().events;
  return { exitCode: report.exitCode, summary: summaryOf(world.stdout, sandbox.root), stdout: world.stdout, stderr: world.stderr, events, last: events.at(-1), view };
}

describe('the run pipeline: every way a run ends', () => {
  it('all done: succeeded, exit 0, the flag rolled back', async () => {
    const sandbox = createSandbox();
    const run = await rollback(sandbox, ['run', 'run', 'done']);
    expect(run.exitCode).toBe(0);
    expect(run.summary).toMatch(/^Rollback of 21_01a: succeeded after <d>\n/);
    expect(run.summary).not.toContain('Where this leaves the system');
    expect(run.last).toMatchObject({ type: 'run-finished', result: 'succeeded', exitCode: 0 });
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
  });

  it('skipped (every step): incomplete, exit 1, naming the flag still on and the steps not run', async () => {
    const sandbox = createSandbox();
    const run = await rollback(sandbox, ['skip', 'skip', 'skip']);
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain(
      'Rollback of 21_01a: INCOMPLETE after <d>\n  the rollback is not complete: steps not run: 1 (skipped), 2 (skipped); flag unchanged: USE_NEW_DIALOG_CONTEXT_REPO is true (rollback value false)\n',
    );
    expect(run.summary).toContain('    flag USE_NEW_DIALOG_CONTEXT_REPO = true  NOT rolled back (rollback value false)\n');
    expect(run.last).toMatchObject({ type: 'run-finished', result: 'incomplete', exitCode: 1 });
    expect(sandbox.calls()).toEqual([]);
  });

  it('incomplete: every step ran but the flag is not at its rollback value (another process set it back)', async () => {
    const sandbox = createSandbox();
    // Something puts the flag back on right after step 1 (as a config management run might).
    const world = fakeIo(sandbox);
    const view = scriptedView(['run', 'run', 'done']);
    const putBack = { onEvent: (event: { type: string; step?: number }) => void (event.type === 'step-finished' && event.step === 1 && sandbox.writeEnvFile('USE_NEW_DIALOG_CONTEXT_REPO=true\n')) };
    const report = await runPipeline({ mode: 'run', note: { reference: '21_01a', runbooks: sandbox.runbooks }, options: { verify: false }, view, hooks: [putBack] }, world.io);
    expect(report.exitCode).toBe(1);
    expect(summaryOf(world.stdout, sandbox.root)).toContain('the rollback is not complete: flag unchanged: USE_NEW_DIALOG_CONTEXT_REPO is true (rollback value false)');
    expect(sandbox.journal().events.at(-1)).toMatchObject({ result: 'incomplete', exitCode: 1 });
  });

  it('failed: exit 1, what changed, and the exact resume command', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const run = await rollback(sandbox, [], { yes: true });
    expect(run.exitCode).toBe(1);
    const runId = sandbox.journal().runId;
    expect(run.summary).toContain('Rollback of 21_01a: failed after <d>\n  step 2 "Validate rollback" failed with exit code 3\n');
    expect(run.summary).toContain('    flag USE_NEW_DIALOG_CONTEXT_REPO = false  rolled back\n    steps done: 1\n    not run: 2. Validate rollback (failed)\n');
    expect(run.stdout).toContain(`  To continue: runbook resume ${runId}\n`);
    expect(run.last).toMatchObject({ type: 'run-finished', result: 'failed', exitCode: 1 });
  });

  it('aborted after a failure: exit 1, the failed step named, the resume command', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const run = await rollback(sandbox, ['run', 'run', 'abort']);
    expect(run.exitCode).toBe(1);
    expect(run.view.asked.at(-1)).toBe('Step 2 "Validate rollback" failed (exit code 3): what now?');
    expect(run.summary).toContain('Rollback of 21_01a: aborted after <d>\n');
    expect(run.stdout).toContain(`  To continue: runbook resume ${sandbox.journal().runId}\n`);
    expect(run.last).toMatchObject({ type: 'run-finished', result: 'aborted', exitCode: 1 });
  });

  it('quit at a question: exit 1, the step shown as not run, never as failed', async () => {
    const sandbox = createSandbox();
    const run = await rollback(sandbox, ['run', 'quit']);
    expect(run.exitCode).toBe(1);
    expect(run.view.skipped).toEqual(['2: not run (quit)']);
    expect(run.summary).toContain('    not run: 2. Validate rollback (quit at its question)\n');
    expect(run.events.some((event) => event.type === 'step-finished' && event.step === 2)).toBe(false);
    expect(run.last).toMatchObject({ type: 'run-finished', result: 'aborted', exitCode: 1 });
  });

  it('interrupted (Ctrl-C at a question): exit 130, the step not run, the resume command', async () => {
    const sandbox = createSandbox();
    const run = await rollback(sandbox, ['run', new InterruptedError('prompt closed (Ctrl-C): rollback stopped')]);
    expect(run.exitCode).toBe(130);
    expect(run.view.skipped).toEqual(['2: not run (Ctrl-C at its question)']);
    expect(run.summary).toContain('Rollback of 21_01a: interrupted after <d>\n');
    expect(run.stdout).toContain(`  To continue: runbook resume ${sandbox.journal().runId}\n`);
    expect(run.last).toMatchObject({ type: 'run-finished', result: 'interrupted', exitCode: 130 });
  });

  it('interrupted (SIGTERM during a step): exit 130, the running step stopped', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'hang');
    const world = fakeIo(sandbox);
    const pending = runPipeline({ mode: 'run', note: { reference: '21_01a', runbooks: sandbox.runbooks }, options: { verify: false, yes: true }, view: scriptedView([]) }, world.io);
    await sandbox.waitForHang('poetry');
    world.signal('SIGTERM');
    const report = await pending;
    expect(report.exitCode).toBe(130);
    expect(summaryOf(world.stdout, sandbox.root)).toContain('Rollback of 21_01a: interrupted after <d>\n');
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'interrupted', exitCode: 130 });
  });

  it('resumed: continues at the failed step with the same run, and succeeds', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    expect((await rollback(sandbox, [], { yes: true })).exitCode).toBe(1);
    sandbox.unstub('poetry', 'exit');
    const world = fakeIo(sandbox);
    const resume = await loadResume({ run: sandbox.journal().runId, yes: true }, world.io);
    if (resume.kind !== 'resume') throw new Error(`nothing to resume: ${resume.message}`);
    const report = await runPipeline({ mode: 'run', note: resume.note, options: resume.options, overrides: resume.overrides, resume: resume.source, view: scriptedView([]) }, world.io);
    expect(report.exitCode).toBe(0);
    expect(summaryOf(world.stdout, sandbox.root)).toMatch(/^Rollback of 21_01a: succeeded after <d>\n/);
    // The whole run in one journal: the first attempt, the resume, one end.
    const events = sandbox.journal().events;
    expect(events.filter((event) => event.type === 'run-resumed')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', result: 'succeeded', exitCode: 0 });
    expect(sandbox.calls().filter((call) => call.startsWith('make'))).toEqual(['make day-12-restart-butler']);
  });

  it('resumed after a choice: the option taken in the first attempt stays taken', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/choice-of-restarts.md'] });
    const world = fakeIo(sandbox);
    const note = { reference: '90_choice', runbooks: sandbox.runbooks };
    // Step 1 runs, the operator takes b) Docker at step 2, then Ctrl-C at step 4's question.
    const first = await runPipeline({ mode: 'run', note, options: { verify: false }, view: scriptedView(['run', '2', new InterruptedError('prompt closed (Ctrl-C): rollback stopped')]) }, world.io);
    expect(first.exitCode).toBe(130);
    expect(sandbox.journal().events.find((event) => event.type === 'step-finished' && event.step === 2)).toMatchObject({ option: 1 });

    // Unattended, a fresh run would take a) systemd; the resume keeps b) Docker.
    const resume = await loadResume({ run: sandbox.journal().runId, yes: true }, world.io);
    if (resume.kind !== 'resume') throw new Error(`nothing to resume: ${resume.message}`);
    const report = await runPipeline({ mode: 'run', note: resume.note, options: resume.options, resume: resume.source, view: scriptedView([]) }, world.io);
    expect(report.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart-docker']);
  });

  describe('a step under a condition, a step for other machines', () => {
    const note = (sandbox: Sandbox) => ({ reference: '90_where', runbooks: sandbox.runbooks });

    it('unattended: the conditional step is not run, the run stops before the step for other machines, and it is incomplete, saying which condition nobody checked', async () => {
      const sandbox = createSandbox({ notes: ['run-notes/conditional-and-elsewhere.md'] });
      const world = fakeIo(sandbox);
      const report = await runPipeline({ mode: 'run', note: note(sandbox), options: { verify: false, yes: true }, view: scriptedView([]) }, world.io);
      expect(report.exitCode).toBe(1);
      expect(sandbox.calls()).toEqual(['make stop']);
      const summary = summaryOf(world.stdout, sandbox.root);
      expect(summary).toContain('INCOMPLETE');
      expect(summary).toContain("2. Wipe the cache (condition not checked: only if the cache is corrupt (runs only on an operator's yes; run interactively))");
      expect(summary).toContain('it runs on the other nodes, and runbook runs on this machine only');
      expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'incomplete', exitCode: 1 });
      expect(sandbox.journal().events.find((event) => event.type === 'step-finished' && event.step === 3)).toMatchObject({ result: 'needs-person' });
      // The journal names the condition and the machines from the start.
      expect(sandbox.journal().events[0]).toMatchObject({
        type: 'run-started',
        steps: [{ number: 1 }, { number: 2, condition: 'only if the cache is corrupt' }, { number: 3, scope: 'the other nodes' }, { number: 4 }],
      });
    });

    it('interactive: "it does not hold" and "done there by hand" leave nothing missing: the run succeeds, and only this machine\'s commands ran', async () => {
      const sandbox = createSandbox({ notes: ['run-notes/conditional-and-elsewhere.md'] });
      const world = fakeIo(sandbox);
      const view = scriptedView(['run', 'skip', 'done-there', 'run']);
      const report = await runPipeline({ mode: 'run', note: note(sandbox), options: { verify: false }, view }, world.io);
      expect(view.asked).toEqual(['Run step 1?', 'Step 2 runs only under a condition: "only if the cache is corrupt" — does it hold?', 'Step 3 runs on: the other nodes — run it here?', 'Run step 4?']);
      expect(report.exitCode).toBe(0);
      expect(sandbox.calls()).toEqual(['make stop', 'make restart']);
      expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'succeeded' });
    });

    it('resumed on a terminal after an unattended run: the unchecked condition is asked', async () => {
      const sandbox = createSandbox({ notes: ['run-notes/conditional-and-elsewhere.md'] });
      const world = fakeIo(sandbox);
      await runPipeline({ mode: 'run', note: note(sandbox), options: { verify: false, yes: true }, view: scriptedView([]) }, world.io);
      const resume = await loadResume({ run: sandbox.journal().runId }, world.io);
      if (resume.kind !== 'resume') throw new Error(`nothing to resume: ${resume.message}`);
      const view = scriptedView(['run', 'done-there', 'run']);
      const report = await runPipeline({ mode: 'run', note: resume.note, options: resume.options, resume: resume.source, view }, world.io);
      expect(view.asked.slice(0, 2)).toEqual(['Step 2 runs only under a condition: "only if the cache is corrupt" — does it hold?', 'Step 3 runs on: the other nodes — run it here?']);
      expect(report.exitCode).toBe(0);
      expect(sandbox.calls()).toEqual(['make stop', 'make wipe-cache', 'make restart']);
    });
  });

  it('a dry run prepares exactly as a run does, and writes nothing', async () => {
    const sandbox = createSandbox();
    const world = fakeIo(sandbox);
    await expect(runPipeline({ mode: 'dry-run', note: { reference: '21_01a', runbooks: sandbox.runbooks }, options: { from: '99' } }, world.io)).rejects.toThrow('--from 99: this path has 3 steps');
    await expect(runPipeline({ mode: 'dry-run', note: { reference: '21_01a', runbooks: sandbox.runbooks }, options: { stepTimeout: 'nonsense' } }, world.io)).rejects.toThrow('--step-timeout');
    const report = await runPipeline({ mode: 'dry-run', note: { reference: '21_01a', runbooks: sandbox.runbooks }, options: { from: '2' } }, world.io);
    expect(report.exitCode).toBe(0);
    expect(world.stdout).toContain('  1. Disable feature flag  [shell, line 83]  not run (--from 2)\n');
    expect(sandbox.journals()).toEqual([]);
    expect(sandbox.calls()).toEqual([]);
  });
});
