import { describe, expect, it } from 'vitest';
import { AbortedError, IncompleteError, InterruptedError, StepFailedError } from '../../src/errors.js';
import { executeSteps, type ExecutorDeps, type ExecutorOptions, type StepInterrupts } from '../../src/execute/executor.js';
import type { ScriptResult, ScriptRun } from '../../src/execute/run-script.js';
import type { Choice, StepUi, StepView } from '../../src/execute/step-view.js';
import type { FlagReading } from '../../src/flags/env-file.js';
import type { RunEvent } from '../../src/journal/events.js';
import { createSecretMasker } from '../../src/journal/mask-secrets.js';
import type { PlanChoiceStep, PlanFlag, PlanManualStep, PlanShellStep, PlanStep } from '../../src/plan/types.js';

const shell = (number: number, script: string): PlanShellStep => ({
  kind: 'shell',
  number,
  title: `Step ${number}`,
  line: number * 10,
  notes: [],
  script,
  source: script,
  lineMap: [number * 10 + 1],
  flags: [],
  parameters: [],
  within: [],
  hazards: [],
  destructive: [],
});
const manual = (number: number, items: string[]): PlanManualStep => ({ kind: 'manual', number, title: `Step ${number}`, line: number * 10, notes: [], items, within: [] });

/** A StepView double: answers each question from a script (by choice value) and records what it was shown. */
function scriptedView(answers: (string | Error)[]) {
  const shown: string[] = [];
  const asked: string[] = [];
  const view: StepView = {
    notice: (message) => shown.push(`notice: ${message}`),
    async run(steps: PlanStep[], work: (step: PlanStep, ui: StepUi) => Promise<void>) {
      for (const step of steps) {
        const ui: StepUi = {
          show: (lines) => shown.push(...lines.map((line) => `${step.number} show: ${line}`)),
          output: (line) => shown.push(`${step.number} output: ${line}`),
          title: (text) => shown.push(`${step.number} title: ${text}`),
          skip: (reason) => shown.push(`${step.number} skip: ${reason}`),
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
  return { view, shown, asked, unanswered: answers };
}

const ok = (fields: Partial<ScriptResult> = {}): ScriptResult => ({ exitCode: 0, timedOut: false, interrupted: false, durationMs: 5, tail: [], ok: true, ...fields });
const failed = (exitCode: number, tail: string[] = []): ScriptResult => ({ exitCode, timedOut: false, interrupted: false, durationMs: 5, tail, ok: false });

interface Harness {
  options?: Partial<ExecutorOptions>;
  answers?: (string | Error)[];
  /** Results of successive runScript calls (default: success). */
  results?: (ScriptResult | ((run: ScriptRun) => ScriptResult))[];
  flags?: Map<string, FlagReading>;
  interrupts?: StepInterrupts;
}

async function execute(steps: PlanStep[], harness: Harness = {}) {
  const events: RunEvent[] = [];
  const runs: ScriptRun[] = [];
  const { view, shown, asked, unanswered } = scriptedView([...(harness.answers ?? [])]);
  const results = [...(harness.results ?? [])];
  const flags = harness.flags ?? new Map<string, FlagReading>();
  let clock = Date.parse('2026-11-25T03:00:00Z');
  const deps: ExecutorDeps = {
    async runScript(run) {
      runs.push(run);
      run.onSpawn?.(4242);
      const next = results.shift() ?? ok();
      const result = typeof next === 'function' ? next(run) : next;
      for (const line of result.tail) run.onLine?.(line);
      return result;
    },
    readFlag: async (_envFile, name) => flags.get(name) ?? { state: 'unset' },
    now: () => new Date((clock += 1000)),
    emit: (event) => events.push(event),
    view,
    interrupts: harness.interrupts ?? { beginStep: () => new AbortController().signal, endStep: () => {}, runAborted: false },
    mask: createSecretMasker({ API_TOKEN: 'tok-secret-123' }),
  };
  const options: ExecutorOptions = { steps, flags: [], unattended: false, stepTimeoutMs: 60_000, cwd: '/work', env: { HOME: '/home/op' }, notSelected: new Map(), ...harness.options };
  let error: unknown;
  try {
    await executeSteps(options, deps);
  } catch (caught) {
    error = caught;
  }
  const summary = events
    .filter((event) => event.type === 'step-decision' || event.type === 'step-finished')
    .map((event) => (event.type === 'step-decision' ? `${event.step} ${event.decision}` : `${event.step} → ${event.result}`));
  return { events, runs, shown, asked, unanswered, error, summary };
}

describe('executeSteps', () => {
  it('asks before each shell step and runs it on "run"; a manual step is acknowledged', async () => {
    const result = await execute([shell(1, 'make restart'), manual(2, ['Post to #ops'])], { answers: ['run', 'done'] });

    expect(result.error).toBeUndefined();
    expect(result.asked).toEqual(['Run step 1?', 'Manual step 2: do it by hand, then answer']);
    expect(result.summary).toEqual(['1 run', '1 → done', '2 acknowledged', '2 → acknowledged']);
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ script: 'make restart', cwd: '/work', timeoutMs: 60_000, env: { HOME: '/home/op', RUNBOOK_STEP: '1' } });
    expect(result.shown).toContain('1 show: $ make restart');
    expect(result.shown).toContain('2 show: [ ] Post to #ops');
    expect(result.events.find((event) => event.type === 'step-process')).toMatchObject({ step: 1, pid: 4242 });
  });

  it('skips a step on "skip" without running it', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b')], { answers: ['skip', 'run'] });
    expect(result.summary).toEqual(['1 skip', '1 → skipped', '2 run', '2 → done']);
    expect(result.runs.map((run) => run.script)).toEqual(['b']);
  });

  it('stops asking for shell steps after "continue-all", but still asks at manual steps', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b'), manual(3, ['check']), shell(4, 'd')], { answers: ['continue-all', 'done'] });
    expect(result.asked).toEqual(['Run step 1?', 'Manual step 3: do it by hand, then answer']);
    expect(result.summary).toEqual(['1 continue-all', '1 → done', '2 run', '2 → done', '3 acknowledged', '3 → acknowledged', '4 run', '4 → done']);
  });

  it('on "quit" stops the run (AbortedError) without recording the step as finished', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b')], { answers: ['run', 'quit'] });
    expect(result.error).toBeInstanceOf(AbortedError);
    expect((result.error as Error).message).toBe('stopped by the operator before step 2 "Step 2"');
    expect(result.summary).toEqual(['1 run', '1 → done', '2 quit']);
    expect(result.runs).toHaveLength(1);
  });

  it('on "quit" at a manual step records neither a start nor a result for it', async () => {
    const result = await execute([manual(1, ['check'])], { answers: ['quit'] });
    expect(result.error).toBeInstanceOf(AbortedError);
    expect(result.events.map((event) => event.type)).toEqual(['step-decision']);
  });

  it('after a failure shows the message and the tail, then retries on "retry"', async () => {
    const result = await execute([shell(1, 'make restart')], { answers: ['run', 'retry'], results: [failed(2, ['boom']), ok()] });
    expect(result.error).toBeUndefined();
    expect(result.asked).toEqual(['Run step 1?', 'Step 1 "Step 1" failed (exit code 2): what now?']);
    expect(result.shown).toContain('1 show: failed with exit code 2');
    expect(result.shown).toContain('1 output: boom');
    expect(result.summary).toEqual(['1 run', '1 → failed', '1 retry', '1 → done']);
    expect(result.events.filter((event) => event.type === 'step-started').map((event) => (event.type === 'step-started' ? event.attempt : 0))).toEqual([1, 2]);
  });

  it('after a failure skips the step on "skip" and goes on', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b')], { answers: ['run', 'skip', 'run'], results: [failed(1)] });
    expect(result.summary).toEqual(['1 run', '1 → failed', '1 skip', '1 → skipped', '2 run', '2 → done']);
    expect(result.events.filter((event) => event.type === 'step-finished' && event.step === 1).at(-1)).toMatchObject({ message: 'failed with exit code 1; skipped by the operator', exitCode: 1 });
  });

  it('after a failure aborts on "abort": AbortedError, nothing more runs', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b')], { answers: ['run', 'abort'], results: [failed(3)] });
    expect(result.error).toBeInstanceOf(AbortedError);
    expect((result.error as Error).message).toBe('aborted by the operator after step 1 "Step 1" failed with exit code 3');
    expect(result.runs).toHaveLength(1);
  });

  it('unattended: runs every step without asking, stops at the first failure', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b'), shell(3, 'c'), manual(4, ['check'])], { options: { unattended: true }, results: [ok(), failed(5)] });
    expect(result.asked).toEqual([]);
    expect(result.error).toBeInstanceOf(StepFailedError);
    expect((result.error as Error).message).toBe('step 2 "Step 2" failed with exit code 5');
    expect(result.summary).toEqual(['1 run', '1 → done', '2 run', '2 → failed']);
  });

  it('unattended: a manual step with shell steps after it stops the run there (they may depend on it); a last manual step needs a person', async () => {
    const stopped = await execute([shell(1, 'a'), manual(2, ['set the path back in gitlab.rb']), shell(3, 'gitlab-ctl reconfigure'), manual(4, ['tell the team'])], { options: { unattended: true } });
    expect(stopped.error).toBeInstanceOf(IncompleteError);
    expect((stopped.error as Error).message).toBe(
      'stopped at manual step 2 "Step 2": nobody did it, and step 3 "Step 3" after it may depend on it; do it by hand, then resume with --yes --done 2, or resume the run on a terminal',
    );
    expect(stopped.runs.map((run) => run.script)).toEqual(['a']);
    expect(stopped.summary).toEqual(['1 run', '1 → done', '2 needs-person', '2 → needs-person']);

    const trailing = await execute([shell(1, 'a'), manual(2, ['tell the team'])], { options: { unattended: true } });
    expect(trailing.error).toBeUndefined();
    expect(trailing.summary).toEqual(['1 run', '1 → done', '2 needs-person', '2 → needs-person']);
    expect(trailing.shown).toContain('2 skip: needs a person: tell the team');
  });

  it('answers given up front: --confirm runs a conditional step and one meant for other machines; --decline leaves a conditional one out; --done a step done there', async () => {
    const drain: PlanShellStep = { ...shell(1, 'kubectl drain'), condition: 'if the API is reachable' };
    const wipe: PlanShellStep = { ...shell(2, 'rm -rf db'), condition: 'only if the volume is corrupt' };
    const start: PlanShellStep = { ...shell(3, 'systemctl start k3s'), scope: 'the first server node' };
    const others: PlanShellStep = { ...shell(4, 'systemctl start k3s'), scope: 'the other server nodes' };
    const answers = { done: new Set([4]), confirm: new Set([1, 3]), decline: new Set([2]) };
    const unattended = await execute([drain, wipe, start, others], { options: { unattended: true, answers } });
    expect(unattended.error).toBeUndefined();
    expect(unattended.runs.map((run) => run.script)).toEqual(['kubectl drain', 'systemctl start k3s']);
    expect(unattended.summary).toEqual(['1 run', '1 → done', '2 skip', '2 → skipped', '3 run', '3 → done', '4 acknowledged', '4 → acknowledged']);
    expect(unattended.events).toContainEqual(expect.objectContaining({ type: 'step-finished', step: 2, message: 'not run: the operator said its condition does not hold: only if the volume is corrupt (--decline 2)' }));
    expect(unattended.events).toContainEqual(expect.objectContaining({ type: 'step-finished', step: 4, message: 'done by hand on the other server nodes (--done 4)' }));
    // Interactive: answered up front, so not asked again (only the plain "run it?" for the confirmed steps).
    const interactive = await execute([drain, wipe, start], { answers: ['run', 'run'], options: { answers } });
    expect(interactive.asked).toEqual(['Run step 1?', 'Run step 3?']);
  });

  it('unattended: only shell steps on the chosen option count as "after" a manual step', async () => {
    const choice: PlanChoiceStep = {
      kind: 'choice',
      number: 2,
      title: 'How',
      line: 20,
      notes: [],
      within: [],
      chosen: 0,
      chosenBy: 'default',
      options: [
        { title: 'a', line: 21, steps: [3] },
        { title: 'b', line: 22, steps: [4] },
      ],
    };
    const steps = [manual(1, ['look']), choice, { ...manual(3, ['by hand']), within: [{ choice: 2, option: 0 }] }, { ...shell(4, 'make b'), within: [{ choice: 2, option: 1 }] }];
    const result = await execute(steps, { options: { unattended: true } });
    expect(result.error).toBeUndefined();
    expect(result.runs).toEqual([]);
  });

  it('--done N: a manual step done by hand is acknowledged without a question, and an unattended run goes past it', async () => {
    const gate: PlanManualStep = { ...manual(3, ['The IMOC signs off']), gate: 'The IMOC signs off' };
    const result = await execute([manual(1, ['edit gitlab.rb']), shell(2, 'gitlab-ctl reconfigure'), gate, shell(4, 'make rollback')], {
      options: { unattended: true, answers: { done: new Set([1, 3]), confirm: new Set(), decline: new Set() } },
    });
    expect(result.error).toBeUndefined();
    expect(result.runs.map((run) => run.script)).toEqual(['gitlab-ctl reconfigure', 'make rollback']);
    expect(result.summary).toEqual(['1 acknowledged', '1 → acknowledged', '2 run', '2 → done', '3 acknowledged', '3 → acknowledged', '4 run', '4 → done']);
    expect(result.shown).toContain('1 show: [x] edit gitlab.rb');
  });

  it('unattended: an interrupted step stops the run as interrupted (130), not as a failure', async () => {
    const result = await execute([shell(1, 'a')], { options: { unattended: true }, results: [{ ...failed(0), exitCode: undefined, signal: 'SIGTERM', interrupted: true }] });
    expect(result.error).toBeInstanceOf(InterruptedError);
    expect(result.summary).toEqual(['1 run', '1 → interrupted']);
  });

  it('a Ctrl-C at a question is recorded as an abort and stops the run', async () => {
    const result = await execute([shell(1, 'a')], { answers: [new InterruptedError('prompt closed')] });
    expect(result.error).toBeInstanceOf(InterruptedError);
    expect((result.error as Error).message).toBe('stopped at the question "Run step 1?": rollback stopped');
    expect(result.summary).toEqual(['1 abort']);
  });

  it('after a second Ctrl-C (run aborted) stops without asking', async () => {
    const interrupts = { beginStep: () => new AbortController().signal, endStep: () => {}, runAborted: false };
    const result = await execute([shell(1, 'a'), shell(2, 'b')], {
      answers: ['continue-all'],
      interrupts,
      results: [
        () => {
          interrupts.runAborted = true;
          return { ...failed(0), exitCode: undefined, interrupted: true };
        },
      ],
    });
    expect(result.error).toBeInstanceOf(InterruptedError);
    expect(result.summary).toEqual(['1 continue-all', '1 → interrupted', '1 abort']);
    expect(result.runs).toHaveLength(1);
  });

  it('records steps left out by --from/--only as not selected, and passes over settled steps silently', async () => {
    const result = await execute([shell(1, 'a'), shell(2, 'b'), shell(3, 'c')], {
      options: { unattended: true, notSelected: new Map([[1, 'not run (--from 2)']]), settled: new Map([[2, 'done in an earlier attempt']]) },
    });
    expect(result.summary).toEqual(['1 not-selected', '1 → not-selected', '3 run', '3 → done']);
    expect(result.shown).toContain('1 skip: not run (--from 2)');
    expect(result.shown).toContain('2 skip: done in an earlier attempt');
    expect(result.runs.map((run) => run.script)).toEqual(['c']);
  });

  describe('flags', () => {
    const flag: PlanFlag = { name: 'USE_NEW_X', rollbackValue: 'false', envFile: '~/.env', stepNumber: 1, line: 3 };

    it('reads the flag before and after the step and passes when it holds the rollback value', async () => {
      const flags = new Map<string, FlagReading>([['USE_NEW_X', { state: 'set', value: 'true' }]]);
      const result = await execute([shell(1, 'flip')], {
        options: { unattended: true, flags: [flag] },
        flags,
        results: [() => (flags.set('USE_NEW_X', { state: 'set', value: 'false' }), ok())],
      });
      expect(result.error).toBeUndefined();
      expect(result.events.find((event) => event.type === 'step-finished')).toMatchObject({
        result: 'done',
        flags: [{ name: 'USE_NEW_X', envFile: '~/.env', before: 'true', after: 'false', expected: 'false', ok: true }],
      });
      expect(result.shown).toContain('1 title: 1. Step 1 — USE_NEW_X: true → false');
    });

    it('fails a step that succeeded but left the flag unchanged', async () => {
      const flags = new Map<string, FlagReading>([['USE_NEW_X', { state: 'set', value: 'true' }]]);
      const result = await execute([shell(1, 'noop')], { options: { unattended: true, flags: [flag] }, flags });
      expect((result.error as Error).message).toBe('step 1 "Step 1" did not set its flag: USE_NEW_X: true → true (expected false)');
    });

    it('compares values without regard to case and surrounding space', async () => {
      const flags = new Map<string, FlagReading>([['USE_NEW_X', { state: 'set', value: 'true' }]]);
      const result = await execute([shell(1, 'flip')], {
        options: { unattended: true, flags: [flag] },
        flags,
        results: [() => (flags.set('USE_NEW_X', { state: 'set', value: ' False' }), ok())],
      });
      expect(result.error).toBeUndefined();
    });

    it('does not run the step when the env file is missing', async () => {
      const flags = new Map<string, FlagReading>([['USE_NEW_X', { state: 'no-file', path: '/home/op/.env' }]]);
      const result = await execute([shell(1, 'flip')], { options: { unattended: true, flags: [flag] }, flags });
      expect(result.runs).toEqual([]);
      expect((result.error as Error).message).toBe('step 1 "Step 1" was not run: env file ~/.env (/home/op/.env) does not exist, so it could not set USE_NEW_X; check HOME and the path in the note');
    });

    it('reports the value from before the first attempt when a retry follows a half-done attempt', async () => {
      const flags = new Map<string, FlagReading>([['USE_NEW_X', { state: 'set', value: 'true' }]]);
      const result = await execute([shell(1, 'flip; restart')], {
        options: { flags: [flag] },
        flags,
        answers: ['run', 'retry'],
        results: [() => (flags.set('USE_NEW_X', { state: 'set', value: 'false' }), failed(1)), ok()],
      });
      expect(result.events.filter((event) => event.type === 'step-finished').map((event) => (event.type === 'step-finished' ? event.flags[0] : undefined))).toEqual([
        expect.objectContaining({ before: 'true', after: 'false' }),
        expect.objectContaining({ before: 'true', after: 'false' }),
      ]);
    });
  });

  it('masks secrets in the commands, output and messages it records and shows', async () => {
    const result = await execute([shell(1, 'curl -H "Authorization: Bearer abcdefgh12345678" --token=tok-secret-123 x')], {
      options: { unattended: true },
      results: [failed(1, ['token is tok-secret-123', 'PASSWORD=hunter22'])],
    });
    const text = JSON.stringify(result.events) + result.shown.join('\n') + (result.error as Error).message;
    expect(text).not.toMatch(/abcdefgh12345678|tok-secret-123|hunter22/);
    expect(result.events.find((event) => event.type === 'step-finished')).toMatchObject({ outputTail: ['token is ***', 'PASSWORD=***'] });
  });

  describe('choices, gates, destructive and flagged commands, the data rollback', () => {
    const choice = (number: number, options: number[][], chosen = 0): PlanStep => ({
      kind: 'choice',
      number,
      title: `Choice ${number}`,
      line: number * 10,
      notes: [],
      within: [],
      options: options.map((steps, index) => ({ title: `Option ${index + 1}`, line: number * 10 + index, steps })),
      chosen,
      chosenBy: 'default',
    });
    const inside = (step: PlanShellStep, choiceNumber: number, option: number): PlanShellStep => ({ ...step, within: [{ choice: choiceNumber, option }] });

    it('unattended: only the chosen option runs; the others are not selected, naming the option taken', async () => {
      const steps = [choice(1, [[2], [3]], 1), inside(shell(2, 'make a'), 1, 0), inside(shell(3, 'make b'), 1, 1), shell(4, 'make after')];
      const result = await execute(steps, { options: { unattended: true } });
      expect(result.error).toBeUndefined();
      expect(result.runs.map((run) => run.script)).toEqual(['make b', 'make after']);
      const finished = result.events.flatMap((event) => (event.type === 'step-finished' ? [[event.step, event.result, event.message, event.option ?? null]] : []));
      expect(finished).toEqual([
        [1, 'done', 'took b) Option 2; not taken: a) Option 1', 1],
        [2, 'not-selected', 'option a "Option 1" of step 1 not taken', null],
        [3, 'done', null, null],
        [4, 'done', null, null],
      ]);
    });

    it('interactive: the operator picks by number; "skip" takes no option and runs none of them', async () => {
      const steps = [choice(1, [[2], [3]]), inside(shell(2, 'make a'), 1, 0), inside(shell(3, 'make b'), 1, 1)];
      const picked = await execute(steps, { answers: ['2', 'run'] });
      expect(picked.runs.map((run) => run.script)).toEqual(['make b']);
      expect(picked.asked[0]).toBe('Step 1: which one? (letter or number)');
      const skipped = await execute(steps, { answers: ['skip'] });
      expect(skipped.runs).toEqual([]);
      expect(skipped.summary).toEqual(['1 skip', '1 → skipped', '2 not-selected', '2 → not-selected', '3 not-selected', '3 → not-selected']);
    });

    it('a destructive command is asked for on its own even after "continue all"', async () => {
      const wipe: PlanShellStep = { ...shell(2, 'rm -rf /var/lib/x'), destructive: [{ line: 21, command: 'rm -rf /var/lib/x', reason: 'deletes `/var/lib/x` recursively', fix: 'check first' }] };
      const result = await execute([shell(1, 'make stop'), wipe, shell(3, 'make start')], { answers: ['continue-all', 'skip'] });
      expect(result.asked).toEqual(['Run step 1?', 'Step 2 deletes or overwrites data or state: run it?']);
      expect(result.runs.map((run) => run.script)).toEqual(['make stop', 'make start']);
      expect(result.shown).toContain('2 show: DESTRUCTIVE (line 21): rm -rf /var/lib/x — deletes `/var/lib/x` recursively');
    });

    it('unattended: a command that needs a terminal is not run; the run stops as incomplete, saying why', async () => {
      const watch: PlanShellStep = { ...shell(1, 'kubectl get pods -w'), hazards: [{ line: 11, command: 'kubectl get pods -w', reason: 'never exits (`--watch`)', fix: 'drop `--watch`' }] };
      const result = await execute([watch, shell(2, 'make after')], { options: { unattended: true } });
      expect(result.error).toBeInstanceOf(IncompleteError);
      expect((result.error as Error).message).toBe('stopped before step 1 "Step 1": kubectl get pods -w never exits (`--watch`); drop `--watch`, or run the rollback interactively');
      expect(result.runs).toEqual([]);
    });

    it('a manual gate: unattended stops there as incomplete; interactive passes only on "yes"', async () => {
      const gate: PlanManualStep = { ...manual(1, ['Go on only if the versions match']), gate: 'Go on only if the versions match' };
      const unattended = await execute([gate, shell(2, 'make restore')], { options: { unattended: true } });
      expect(unattended.error).toBeInstanceOf(IncompleteError);
      expect(unattended.runs).toEqual([]);
      const stopped = await execute([gate, shell(2, 'make restore')], { answers: ['stop'] });
      expect(stopped.error).toBeInstanceOf(IncompleteError);
      expect(stopped.runs).toEqual([]);
      const passed = await execute([gate, shell(2, 'make restore')], { answers: ['yes', 'run'] });
      expect(passed.error).toBeUndefined();
      expect(passed.asked[0]).toBe('Gate at step 1: Go on only if the versions match — go on?');
      expect(passed.runs.map((run) => run.script)).toEqual(['make restore']);
    });

    it('the data rollback: unattended only when requested; interactive asks, and "no" records that the data was not rolled back', async () => {
      const data = (requested: boolean): PlanShellStep => ({ ...shell(1, 'make data-rollback'), dataRollback: { requested } });
      expect((await execute([data(false)], { options: { unattended: true } })).runs).toEqual([]);
      expect((await execute([data(true)], { options: { unattended: true } })).runs.map((run) => run.script)).toEqual(['make data-rollback']);
      const declined = await execute([data(false)], { answers: ['skip'] });
      expect(declined.asked).toEqual(['Step 1 rolls the data migration back: run it?']);
      expect(declined.events.find((event) => event.type === 'step-finished')).toMatchObject({ result: 'skipped', message: 'data migration not rolled back (the operator chose not to)' });
    });
  });

  describe('steps under a condition, steps meant for other machines', () => {
    const wipe: PlanShellStep = {
      ...shell(2, 'rm -rf /var/lib/x'),
      condition: 'only if the volume is corrupt',
      destructive: [{ line: 21, command: 'rm -rf /var/lib/x', reason: 'deletes `/var/lib/x` recursively', fix: 'check first' }],
    };
    const elsewhere: PlanShellStep = { ...shell(2, 'systemctl start k3s'), scope: 'the other server nodes' };

    it('unattended: a conditional step is never run; the steps after it are, and the message names the unchecked condition', async () => {
      const result = await execute([shell(1, 'make stop'), wipe, shell(3, 'make start')], { options: { unattended: true } });
      expect(result.error).toBeUndefined();
      expect(result.runs.map((run) => run.script)).toEqual(['make stop', 'make start']);
      expect(result.events.find((event) => event.type === 'step-finished' && event.step === 2)).toMatchObject({
        result: 'not-selected',
        message: "condition not checked: only if the volume is corrupt (runs only on an operator's yes; run interactively)",
      });
    });

    it('interactive: a conditional step is asked on its own even after "continue all"; "no" skips it as "does not hold", "yes" runs it without a second question', async () => {
      const declined = await execute([shell(1, 'make stop'), wipe, shell(3, 'make start')], { answers: ['continue-all', 'skip'] });
      expect(declined.asked).toEqual(['Run step 1?', 'Step 2 runs only under a condition: "only if the volume is corrupt" (it deletes or overwrites data or state) — does it hold?']);
      expect(declined.runs.map((run) => run.script)).toEqual(['make stop', 'make start']);
      expect(declined.events.find((event) => event.type === 'step-finished' && event.step === 2)).toMatchObject({
        result: 'skipped',
        message: 'not run: the operator said its condition does not hold: only if the volume is corrupt',
      });
      expect(declined.shown).toContain('2 show: condition: only if the volume is corrupt');
      const confirmed = await execute([wipe], { answers: ['run'] });
      expect(confirmed.asked).toHaveLength(1);
      expect(confirmed.runs.map((run) => run.script)).toEqual(['rm -rf /var/lib/x']);
    });

    it('unattended: a step meant for other machines is not run and never reported done; the run stops there as incomplete', async () => {
      const result = await execute([shell(1, 'make stop'), elsewhere, shell(3, 'make start')], { options: { unattended: true } });
      expect(result.error).toBeInstanceOf(IncompleteError);
      expect((result.error as Error).message).toBe(
        'stopped before step 2 "Step 2": it runs on the other server nodes, and runbook runs on this machine only; do it there by hand, then resume on a terminal and answer that it was done there, or run the rollback interactively',
      );
      expect(result.runs.map((run) => run.script)).toEqual(['make stop']);
      expect(result.summary).toContain('2 → needs-person');
    });

    it('interactive: a step meant for other machines says where it runs and asks whether to run it here; "done there" records it acknowledged, not run', async () => {
      const there = await execute([elsewhere, shell(3, 'make start')], { answers: ['done-there', 'run'] });
      expect(there.asked[0]).toBe('Step 2 runs on: the other server nodes — run it here?');
      expect(there.runs.map((run) => run.script)).toEqual(['make start']);
      expect(there.events.find((event) => event.type === 'step-finished' && event.step === 2)).toMatchObject({ result: 'acknowledged', message: 'done by hand on the other server nodes (the operator said so)' });
      const here = await execute([elsewhere], { answers: ['run'] });
      expect(here.runs.map((run) => run.script)).toEqual(['systemctl start k3s']);
      expect(here.shown).toContain('2 show: runs on: the other server nodes');
    });
  });
});
