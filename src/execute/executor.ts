/**
 * Runs a plan's steps in order, the way an on-call engineer can trust: every shell step is
 * confirmed (unless unattended or "continue all"), manual steps are acknowledged or reported
 * as needing a person, a failure stops the run unless the operator says otherwise, and every
 * decision is emitted as an event for the journal, the metrics and the report.
 */

import { formatMs } from '../prometheus/duration.js';
import { AbortedError, IncompleteError, InterruptedError, StepFailedError } from '../errors.js';
import type { FlagReading } from '../flags/env-file.js';
import type { FlagChange, RunEvent, StepDecision, StepResult } from '../journal/events.js';
import type { SecretMasker } from '../journal/mask-secrets.js';
import { optionLetter } from '../plan/choose.js';
import type { PlanChoiceStep, PlanFlag, PlanManualStep, PlanShellStep, PlanStep } from '../plan/types.js';
import { CONDITION_NOT_HELD, conditionNotChecked } from '../run/end-state.js';
import { nextShellStep, predictFlagFailure } from '../run/predict.js';
import type { StepAnswers } from '../run/options.js';
import type { ScriptResult, ScriptRun } from './run-script.js';
import type { ShellSession } from './shell-session.js';
import type { Choice, StepUi, StepView } from './step-view.js';

export interface ExecutorDeps {
  runScript(run: ScriptRun): Promise<ScriptResult>;
  readFlag(envFile: string, name: string): Promise<FlagReading>;
  now(): Date;
  emit(event: RunEvent): void;
  view: StepView;
  /** A fresh signal per step run, aborted by Ctrl-C; `runAborted` is set by a second Ctrl-C. */
  interrupts: StepInterrupts;
  mask: SecretMasker;
  /** Carries exported variables and the folder from step to step (see shell-session.ts). */
  session?: ShellSession;
}

export interface StepInterrupts {
  beginStep(): AbortSignal;
  endStep(): void;
  /** True once the operator pressed Ctrl-C twice (or SIGTERM arrived): stop the run. */
  readonly runAborted: boolean;
}

export interface ExecutorOptions {
  steps: PlanStep[];
  flags: PlanFlag[];
  /** Run without asking; manual steps are reported as needing a person. */
  unattended: boolean;
  stepTimeoutMs: number;
  cwd: string;
  /** Environment of each step, before RUNBOOK_STEP is added. */
  env: Record<string, string | undefined>;
  /** Steps left out of this run (before `--from`, other than `--only`), recorded as `not-selected`. */
  notSelected: Map<number, string>;
  /** Steps a resumed run settled earlier: shown as skipped, not recorded again. */
  settled?: Map<number, string>;
  /** A resume: the option each choice step took in an earlier attempt. */
  taken?: Map<number, number | 'skip'>;
  /** Answers given up front (`--done`, `--confirm`, `--decline`): those steps are not asked. */
  answers?: StepAnswers;
}

/** One try at a shell step. */
interface Attempt {
  ok: boolean;
  result: StepResult;
  fields: { durationMs: number; exitCode?: number; tail: string[]; flags: FlagChange[]; message: string };
}

const STEP_CHOICES: Choice<'run' | 'skip' | 'continue-all' | 'quit'>[] = [
  { key: 'y', value: 'run', label: 'run it' },
  { key: 'n', value: 'skip', label: 'skip it' },
  { key: 'c', value: 'continue-all', label: 'run this and all remaining without asking' },
  { key: 'q', value: 'quit', label: 'quit' },
];
const MANUAL_CHOICES: Choice<'done' | 'skip' | 'quit'>[] = [
  { key: 'd', value: 'done', label: 'done' },
  { key: 's', value: 'skip', label: 'skip' },
  { key: 'q', value: 'quit', label: 'quit' },
];
// Explicit: a gate is passed only by typing "yes".
const GATE_CHOICES: Choice<'yes' | 'stop'>[] = [
  { key: 'yes', value: 'yes', label: 'yes, go on' },
  { key: 'n', value: 'stop', label: 'no, stop here' },
];
const ON_ITS_OWN_CHOICES: Choice<'run' | 'skip' | 'quit'>[] = [
  { key: 'y', value: 'run', label: 'run it' },
  { key: 'n', value: 'skip', label: 'skip it' },
  { key: 'q', value: 'quit', label: 'quit' },
];
const DATA_ROLLBACK_CHOICES: Choice<'skip' | 'run' | 'quit'>[] = [
  { key: 'n', value: 'skip', label: "don't roll the data back (default)" },
  { key: 'y', value: 'run', label: 'roll the data migration back' },
  { key: 'q', value: 'quit', label: 'quit' },
];
// Default no: the operator must know the condition holds before the step runs.
const CONDITION_CHOICES: Choice<'skip' | 'run' | 'quit'>[] = [
  { key: 'n', value: 'skip', label: 'no, or not sure: skip it (default)' },
  { key: 'y', value: 'run', label: 'yes, it holds: run it' },
  { key: 'q', value: 'quit', label: 'quit' },
];
const ELSEWHERE_CHOICES: Choice<'run' | 'done-there' | 'skip' | 'quit'>[] = [
  { key: 'y', value: 'run', label: 'run it here' },
  { key: 'd', value: 'done-there', label: 'I did it there by hand' },
  { key: 'n', value: 'skip', label: 'skip it' },
  { key: 'q', value: 'quit', label: 'quit' },
];
const FAILURE_CHOICES: Choice<'retry' | 'skip' | 'abort'>[] = [
  { key: 'r', value: 'retry', label: 'retry' },
  { key: 's', value: 'skip', label: 'skip it and go on' },
  { key: 'a', value: 'abort', label: 'abort the rollback' },
];

/** Runs the steps; what happened is told through `deps.emit` (throws to stop the run). */
export async function executeSteps(options: ExecutorOptions, deps: ExecutorDeps): Promise<void> {
  let continueAll = options.unattended;
  const answers = options.answers ?? { done: new Set<number>(), confirm: new Set<number>(), decline: new Set<number>() };
  const at = () => deps.now().toISOString();
  const decide = (step: number, decision: StepDecision) => deps.emit({ type: 'step-decision', at: at(), step, decision });
  /** Asks; a prompt closed by Ctrl-C is recorded as the operator's abort before the run stops. */
  const ask = async <T extends string>(ui: StepUi, step: number, question: string, choices: Choice<T>[], before = false): Promise<T> => {
    try {
      return await ui.choose(question, choices);
    } catch (error) {
      if (!(error instanceof InterruptedError)) throw error;
      decide(step, 'abort');
      // Stopped before the step ran: shown as not run, never as failed.
      if (before) ui.skip('not run (Ctrl-C at its question)');
      throw new InterruptedError(`stopped at the question "${question}": rollback stopped`);
    }
  };

  const finish = (step: PlanStep, result: StepResult, fields: Partial<Attempt['fields']> & { option?: number }) => {
    deps.emit({
      type: 'step-finished',
      at: at(),
      step: step.number,
      title: step.title,
      result,
      exitCode: fields.exitCode ?? null,
      durationMs: fields.durationMs ?? 0,
      outputTail: (fields.tail ?? []).map(deps.mask),
      flags: fields.flags ?? [],
      message: fields.message ? deps.mask(fields.message) : null,
      ...(fields.option !== undefined ? { option: fields.option } : {}),
    });
  };

  const started = (step: PlanShellStep, commands: string, attempt = 1) => deps.emit({ type: 'step-started', at: at(), step: step.number, title: step.title, kind: 'shell', commands, attempt });

  const runManual = async (step: PlanManualStep, ui: StepUi) => {
    // Recorded once there is an outcome: a run stopped at the question has not done this step.
    const started = () => deps.emit({ type: 'step-started', at: at(), step: step.number, title: step.title, kind: 'manual', commands: deps.mask(step.items.join('\n')), attempt: 1 });
    if (answers.done.has(step.number)) {
      ui.show(step.items.map((item) => deps.mask(`[x] ${item}`)));
      started();
      decide(step.number, 'acknowledged');
      finish(step, 'acknowledged', { message: step.gate ? `gate passed (--done ${step.number}): ${step.gate}` : `done by hand (--done ${step.number})` });
      return;
    }
    if (options.unattended) {
      // Nobody is there to do it: a later step may depend on it (an edited config, a stopped
      // service), so the run goes no further than the last step that needs no person.
      const next = nextShellStep(options.steps, step, options.notSelected);
      started();
      decide(step.number, 'needs-person');
      finish(step, 'needs-person', { message: step.gate ? `gate: ${step.gate}` : next ? `not done, so the run stopped before step ${next.number}` : undefined });
      ui.skip(deps.mask(`needs a person: ${step.items.join('; ')}`));
      if (step.gate) stopAtGate(step);
      if (next) {
        throw new IncompleteError(
          `stopped at manual step ${step.number} "${step.title}": nobody did it, and step ${next.number} "${next.title}" after it may depend on it; do it by hand, then resume with --yes --done ${step.number}, or resume the run on a terminal`,
        );
      }
      return;
    }
    ui.show([...whereAndWhen(step), ...step.notes, ...step.items.map((item) => `[ ] ${item}`), ...(step.code ? step.code.text.split('\n') : [])].map(deps.mask));
    if (step.gate) {
      await passGate(step, ui, started);
      return;
    }
    const choice = await ask(ui, step.number, `Manual step ${step.number}: do it by hand, then answer`, MANUAL_CHOICES, true);
    if (choice === 'quit') {
      // Not recorded as skipped: a resume starts here.
      decide(step.number, 'quit');
      ui.skip('not run (quit)');
      throw new AbortedError(`stopped by the operator at step ${step.number} "${step.title}"`);
    }
    started();
    decide(step.number, choice === 'done' ? 'acknowledged' : 'skip');
    finish(step, choice === 'done' ? 'acknowledged' : 'skipped', choice === 'skip' ? { message: 'skipped by the operator' } : {});
    if (choice === 'skip') ui.skip('skipped by the operator');
  };

  /**
   * After a step's question: "skip" records it skipped with `message` (true: nothing more to do);
   * "quit" stops the run, the step not recorded as skipped, so a resume starts here.
   */
  const skippedOrQuit = (step: PlanShellStep, choice: string, message: string, ui: StepUi): boolean => {
    if (choice === 'quit') {
      ui.skip('not run (quit)');
      throw new AbortedError(`stopped by the operator before step ${step.number} "${step.title}"`);
    }
    if (choice !== 'skip') return false;
    finish(step, 'skipped', { message });
    ui.skip(deps.mask(message));
    return true;
  };

  const runShell = async (step: PlanShellStep, ui: StepUi) => {
    const commands = deps.mask(step.script);
    // The exact commands are shown before they run, asked or not, so a log shows what ran.
    const warnings = [
      ...step.destructive.map((hazard) => `DESTRUCTIVE (line ${hazard.line}): ${hazard.command} — ${hazard.reason}`),
      ...step.hazards.map((hazard) => `FLAGGED (line ${hazard.line}): ${hazard.command} — ${hazard.reason}; ${hazard.fix}`),
    ];
    ui.show([...[...whereAndWhen(step), ...step.notes].map(deps.mask), ...commands.split('\n').map((line) => `$ ${line}`), ...warnings.map(deps.mask)]);
    if (options.unattended && step.hazards.length > 0) {
      // Never run unattended as written: it would hang, or wait on a terminal nobody watches.
      const hazard = step.hazards[0]!;
      decide(step.number, 'needs-person');
      finish(step, 'needs-person', { message: `not run unattended: ${hazard.command} ${hazard.reason}` });
      ui.skip(deps.mask(`needs a person: ${hazard.reason}`));
      throw new IncompleteError(`stopped before step ${step.number} "${step.title}": ${hazard.command} ${hazard.reason}; ${hazard.fix}, or run the rollback interactively`);
    }
    const answered = answers.done.has(step.number) ? 'done' : answers.confirm.has(step.number) ? 'confirm' : undefined;
    if (step.scope && answered === 'done') {
      started(step, commands);
      decide(step.number, 'acknowledged');
      finish(step, 'acknowledged', { message: `done by hand on ${step.scope} (--done ${step.number})` });
      ui.skip(deps.mask(`done by hand on ${step.scope}`));
      return;
    }
    if (options.unattended && step.scope && answered !== 'confirm') {
      // runbook runs on this machine only: a step for other machines cannot be done here, and is never reported done.
      decide(step.number, 'needs-person');
      finish(step, 'needs-person', { message: `it runs on ${step.scope}, and runbook runs on this machine only` });
      ui.skip(deps.mask(`needs a person: runs on ${step.scope}`));
      throw new IncompleteError(
        `stopped before step ${step.number} "${step.title}": it runs on ${step.scope}, and runbook runs on this machine only; do it there by hand, then resume on a terminal and answer that it was done there, or run the rollback interactively`,
      );
    }
    const attention = step.destructive.length > 0 ? ' (it deletes or overwrites data or state)' : step.hazards.length > 0 ? ' (it needs a terminal)' : '';
    if (!options.unattended && step.condition && answered !== 'confirm') {
      // Asked on its own, even after "continue all": only the operator can tell whether the condition holds.
      const choice = await ask(ui, step.number, `Step ${step.number} runs only under a condition: "${step.condition}"${attention} — does it hold?`, CONDITION_CHOICES, true);
      decide(step.number, choice);
      if (skippedOrQuit(step, choice, `${CONDITION_NOT_HELD}: ${step.condition}`, ui)) return;
    }
    if (!options.unattended && step.scope && answered !== 'confirm') {
      const choice = await ask(ui, step.number, `Step ${step.number} runs on: ${step.scope}${attention} — run it here?`, ELSEWHERE_CHOICES, true);
      decide(step.number, choice === 'done-there' ? 'acknowledged' : choice);
      if (choice === 'done-there') {
        started(step, commands);
        finish(step, 'acknowledged', { message: `done by hand on ${step.scope} (the operator said so)` });
        ui.skip(deps.mask(`done by hand on ${step.scope}`));
        return;
      }
      if (skippedOrQuit(step, choice, 'skipped by the operator', ui)) return;
    }
    // Asked on its own, even after "continue all": optional data rollback, destructive and flagged commands.
    const ownQuestion = step.dataRollback
      ? { question: `Step ${step.number} rolls the data migration back: run it?`, choices: DATA_ROLLBACK_CHOICES }
      : step.destructive.length > 0 || step.hazards.length > 0
        ? { question: `Step ${step.number} ${step.destructive.length > 0 ? 'deletes or overwrites data or state' : 'needs a terminal'}: run it?`, choices: ON_ITS_OWN_CHOICES }
        : undefined;
    // The condition's or the scope's question was the step's own question already.
    const askedAlready = !options.unattended && Boolean(step.condition || step.scope) && answered !== 'confirm';
    if (askedAlready) {
      // answered above: run it
    } else if (!options.unattended && ownQuestion) {
      const choice = await ask(ui, step.number, ownQuestion.question, ownQuestion.choices, true);
      decide(step.number, choice);
      if (skippedOrQuit(step, choice, step.dataRollback ? 'data migration not rolled back (the operator chose not to)' : 'skipped by the operator', ui)) return;
    } else if (!continueAll) {
      const choice = await ask(ui, step.number, `Run step ${step.number}?`, STEP_CHOICES, true);
      decide(step.number, choice);
      if (skippedOrQuit(step, choice, 'skipped by the operator', ui)) return;
      if (choice === 'continue-all') continueAll = true;
    } else {
      decide(step.number, 'run');
    }

    const stepFlags = options.flags.filter((flag) => flag.stepNumber === step.number && flag.envFile);
    // Read once, before the first attempt: a retry after a half-done attempt still reports the
    // value the flag had before the step (true → false, not false → false).
    const before = new Map<string, FlagReading>();
    for (let attempt = 1; ; attempt++) {
      started(step, commands, attempt);
      const outcome = await runOnce(step, stepFlags, before, ui);
      if (outcome.ok) {
        finish(step, 'done', outcome.fields);
        if (outcome.fields.flags.length > 0) ui.title(`${step.number}. ${step.title}${describeFlags(outcome.fields.flags)}`);
        if (step.gate && options.unattended) stopAtGate(step);
        if (step.gate) await passGate(step, ui);
        return;
      }
      finish(step, outcome.result, outcome.fields);
      if (deps.interrupts.runAborted) {
        decide(step.number, 'abort');
        throw new InterruptedError(`interrupted during step ${step.number} "${step.title}"`);
      }
      // Nobody to ask: a Ctrl-C stops the run (130); a failure fails it (1).
      if (options.unattended && outcome.result === 'interrupted') {
        throw new InterruptedError(`interrupted during step ${step.number} "${step.title}"`);
      }
      if (options.unattended) {
        throw new StepFailedError(`step ${step.number} "${step.title}" ${outcome.fields.message}`, { cause: outcome.result });
      }
      ui.show([outcome.fields.message, ...outcome.fields.tail.slice(-10).map(deps.mask)]);
      // The question says it all again (a small pane may have scrolled the step's header away).
      const what = outcome.result === 'interrupted' ? 'was interrupted' : outcome.fields.exitCode ? `failed (exit code ${outcome.fields.exitCode})` : 'failed';
      const choice = await ask(ui, step.number, `Step ${step.number} "${step.title}" ${what}: what now?`, FAILURE_CHOICES);
      decide(step.number, choice);
      if (choice === 'retry') continue;
      if (choice === 'skip') {
        finish(step, 'skipped', { ...outcome.fields, message: `${outcome.fields.message}; skipped by the operator` });
        ui.skip('failed; skipped by the operator');
        return;
      }
      throw new AbortedError(`aborted by the operator after step ${step.number} "${step.title}" ${outcome.fields.message}`);
    }
  };

  /** A gate: passed only by an explicit yes; "no" stops the run as incomplete. */
  const passGate = async (step: PlanStep, ui: StepUi, started?: () => void) => {
    const answer = await ask(ui, step.number, `Gate at step ${step.number}: ${step.gate} — go on?`, GATE_CHOICES, true);
    if (answer === 'yes') {
      started?.();
      decide(step.number, 'acknowledged');
      if (started) finish(step, 'acknowledged', { message: `gate passed: ${step.gate}` });
      return;
    }
    decide(step.number, 'quit');
    ui.skip('not run (stopped at the gate)');
    stopAtGate(step);
  };
  const stopAtGate = (step: PlanStep): never => {
    throw new IncompleteError(
      `stopped at the gate of step ${step.number} "${step.title}": ${step.gate}; go on only with an operator's explicit yes: resume the run on a terminal and answer yes${step.kind === 'manual' ? `, or resume with --done ${step.number} once it is approved` : ''}`,
    );
  };

  /** Which option a choice takes: `chosen` unattended, else the operator's answer. */
  const runChoice = async (step: PlanChoiceStep, ui: StepUi) => {
    const list = step.options.map((option, index) => `${optionLetter(index)}) ${option.title}`);
    ui.show([...step.notes, ...list].map(deps.mask));
    let index: number | 'skip' = step.chosen;
    if (!options.unattended) {
      const choices: Choice<string>[] = [
        ...step.options.map((option, position) => ({ key: optionLetter(position), value: String(position + 1), label: option.title })),
        { key: 's', value: 'skip', label: 'skip all of them' },
        { key: 'q', value: 'quit', label: 'quit' },
      ];
      const answer = await ask(ui, step.number, `Step ${step.number}: which one? (letter or number)`, choices, true);
      if (answer === 'quit') {
        decide(step.number, 'quit');
        ui.skip('not run (quit)');
        throw new AbortedError(`stopped by the operator at step ${step.number} "${step.title}"`);
      }
      index = answer === 'skip' ? 'skip' : Number(answer) - 1;
    }
    deps.emit({ type: 'step-started', at: at(), step: step.number, title: step.title, kind: 'choice', commands: deps.mask(list.join('\n')), attempt: 1 });
    if (index === 'skip') {
      taken.set(step.number, 'skip');
      decide(step.number, 'skip');
      finish(step, 'skipped', { message: 'no option taken: skipped by the operator' });
      ui.skip('no option taken');
      return;
    }
    taken.set(step.number, index);
    decide(step.number, options.unattended ? 'run' : 'acknowledged');
    const notTaken = step.options.flatMap((option, position) => (position === index ? [] : [`${optionLetter(position)}) ${option.title}`]));
    const message = `took ${optionLetter(index)}) ${step.options[index]!.title}${notTaken.length > 0 ? `; not taken: ${notTaken.join(', ')}` : ''}`;
    finish(step, 'done', { message, option: index });
    ui.title(deps.mask(`${step.number}. ${step.title} — ${optionLetter(index)}) ${step.options[index]!.title}`));
  };
  // Seeded on resume with the options taken in earlier attempts.
  const taken = new Map<number, number | 'skip'>(options.taken ?? []);
  /** Why a step is off the path the choices took, or undefined when it is on it. */
  const offPath = (step: PlanStep): string | undefined => {
    for (const { choice, option } of step.within) {
      const took = taken.get(choice);
      const owner = options.steps.find((candidate) => candidate.number === choice);
      const title = owner?.kind === 'choice' ? owner.options[option]?.title : undefined;
      // --from/--only left the choice out: the operator picked this step itself.
      if (took === undefined && options.notSelected.has(choice)) continue;
      if (took === undefined) return `step ${choice} was not run, so option ${optionLetter(option)} was not taken`;
      if (took === 'skip') return `step ${choice} was skipped: no option taken`;
      if (took !== option) return `option ${optionLetter(option)}${title ? ` "${title}"` : ''} of step ${choice} not taken`;
    }
    // "(If required) Restore the database" after "Decide whether a DB restore is required": the other option said it is not.
    const decided = step.decidedBy && taken.get(step.decidedBy.choice);
    if (step.decidedBy && typeof decided === 'number' && decided !== step.decidedBy.option) {
      const owner = options.steps.find((candidate) => candidate.number === step.decidedBy!.choice);
      const title = owner?.kind === 'choice' ? owner.options[decided]?.title : undefined;
      return `not required: step ${step.decidedBy.choice} took ${optionLetter(decided)})${title ? ` "${title}"` : ''}`;
    }
    return undefined;
  };

  const runOnce = async (step: PlanShellStep, stepFlags: PlanFlag[], before: Map<string, FlagReading>, ui: StepUi): Promise<Attempt> => {
    for (const flag of stepFlags) {
      const reading = await deps.readFlag(flag.envFile!, flag.name);
      // Refused before anything of the step runs: it could not succeed (see run/predict.ts).
      const reason = predictFlagFailure(flag, reading, step.script);
      if (reason !== undefined) {
        const hint = reading.state === 'set' ? 'fix the line in the env file or the sed pattern in the note' : 'check HOME and the path in the note';
        const message = `was not run: ${reason}, so it could not set ${flag.name}; ${hint}`;
        return { ok: false, result: 'failed', fields: { message, durationMs: 0, tail: [], flags: [] } };
      }
      if (!before.has(flag.name)) before.set(flag.name, reading);
    }
    const env = { ...options.env, RUNBOOK_STEP: String(step.number) };
    const session = deps.session?.step(step.script, options.cwd, env, step.lineMap) ?? { script: step.script, cwd: options.cwd, env, finish: () => undefined };
    const signal = deps.interrupts.beginStep();
    let result: ScriptResult | undefined;
    try {
      result = await deps.runScript({
        script: session.script,
        cwd: session.cwd,
        env: session.env,
        timeoutMs: options.stepTimeoutMs,
        signal,
        onLine: (line) => ui.output(deps.mask(line)),
        onSpawn: (pid) => deps.emit({ type: 'step-process', at: at(), step: step.number, pid }),
      });
    } finally {
      deps.interrupts.endStep();
      const warning = session.finish(result?.ok === true);
      if (warning) ui.output(deps.mask(`runbook: warning: step ${step.number} ${warning}`));
    }
    const flags: FlagChange[] = [];
    for (const flag of stepFlags) {
      const after = await deps.readFlag(flag.envFile!, flag.name);
      const beforeValue = valueOf(before.get(flag.name));
      const afterValue = valueOf(after);
      flags.push({ name: flag.name, envFile: flag.envFile!, before: beforeValue, after: afterValue, expected: flag.rollbackValue, ok: sameValue(afterValue, flag.rollbackValue) });
    }
    const fields = { durationMs: result.durationMs, exitCode: result.exitCode, tail: result.tail, flags, message: '' };
    if (!result.ok) return { ok: false, result: scriptFailure(result), fields: { ...fields, message: describeFailure(result, options.stepTimeoutMs) } };
    const unchanged = flags.filter((flag) => !flag.ok);
    if (unchanged.length > 0) {
      const detail = unchanged.map((flag) => `${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'} (expected ${flag.expected})`).join(', ');
      return { ok: false, result: 'failed', fields: { ...fields, message: `did not set its flag: ${detail}` } };
    }
    return { ok: true, result: 'done', fields };
  };

  await deps.view.run(options.steps, async (step, ui) => {
    if (deps.interrupts.runAborted) throw new InterruptedError(`interrupted before step ${step.number} "${step.title}"`);
    const settled = options.settled?.get(step.number);
    if (settled !== undefined) {
      // A choice settled earlier keeps the option it took (the resume set `chosen` from the journal).
      if (step.kind === 'choice') taken.set(step.number, step.chosen);
      ui.skip(settled);
      return;
    }
    if (step.condition && answers.decline.has(step.number)) {
      const message = `${CONDITION_NOT_HELD}: ${step.condition} (--decline ${step.number})`;
      decide(step.number, 'skip');
      finish(step, 'skipped', { message });
      ui.skip(deps.mask(message));
      return;
    }
    const reason =
      options.notSelected.get(step.number) ??
      offPath(step) ??
      (options.unattended && step.dataRollback && !step.dataRollback.requested ? 'data migration not rolled back: optional, pass --with-data-rollback to run it unattended' : undefined) ??
      (options.unattended && step.kind === 'shell' && step.condition && !answers.confirm.has(step.number) ? conditionNotChecked(step.condition) : undefined);
    if (reason !== undefined) {
      decide(step.number, 'not-selected');
      finish(step, 'not-selected', { message: reason });
      ui.skip(reason);
      return;
    }
    if (step.kind === 'manual') await runManual(step, ui);
    else if (step.kind === 'choice') await runChoice(step, ui);
    else await runShell(step, ui);
  });
}

/** Where and when a step runs, as the note says: shown before it is asked for. */
function whereAndWhen(step: PlanStep): string[] {
  return [...(step.condition ? [`condition: ${step.condition}`] : []), ...(step.scope ? [`runs on: ${step.scope}`] : [])];
}

function valueOf(reading: FlagReading | undefined): string | null {
  return reading?.state === 'set' ? reading.value : null;
}

function sameValue(actual: string | null, expected: string): boolean {
  return actual !== null && actual.trim().toLowerCase() === expected.trim().toLowerCase();
}

function scriptFailure(result: ScriptResult): StepResult {
  if (result.timedOut) return 'timed-out';
  if (result.interrupted) return 'interrupted';
  return 'failed';
}

function describeFailure(result: ScriptResult, timeoutMs: number): string {
  if (result.startError) return `could not start bash: ${result.startError}`;
  if (result.timedOut) return `timed out after ${formatMs(timeoutMs)}; its processes were stopped`;
  if (result.interrupted) return 'was interrupted (Ctrl-C); its processes were stopped';
  if (result.signal) return `was killed by ${result.signal}`;
  return `failed with exit code ${result.exitCode}`;
}

function describeFlags(flags: FlagChange[]): string {
  return flags.map((flag) => ` — ${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`).join('');
}
