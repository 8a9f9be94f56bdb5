/**
 * How the executor talks to the person (or the log) while it runs: a sequential task list
 * that shows each step's state, and prompts tied to the step on screen. The executor only
 * sees these interfaces; listr2 (or a test double) is behind them.
 */

import type { PlanStep } from '../plan/types.js';

export interface Choice<T extends string> {
  /** The key the operator types, e.g. `y`. */
  key: string;
  value: T;
  label: string;
}

export interface StepUi {
  /** Lines shown under the step, replacing what was there (commands before asking). */
  show(lines: string[]): void;
  /** One more line of the running step's output. */
  output(line: string): void;
  /** Replaces the step's title (e.g. to add its duration). */
  title(text: string): void;
  /** Marks the step skipped with a reason shown in place of its title. */
  skip(reason: string): void;
  /** Asks the operator to pick one of `choices`; rejects when no one can answer. */
  choose<T extends string>(question: string, choices: Choice<T>[]): Promise<T>;
}

export interface StepView {
  /** Runs `work` for each step in order, showing progress; stops at the first error thrown. */
  run(steps: PlanStep[], work: (step: PlanStep, ui: StepUi) => Promise<void>): Promise<void>;
  /** Tells the operator something at once (e.g. what Ctrl-C does), where the step list cannot draw over it. */
  notice(message: string): void;
}

/** Maps what the operator typed to a choice; undefined when it matches none. */
export function parseChoice<T extends string>(answer: string, choices: Choice<T>[]): T | undefined {
  const typed = answer.trim().toLowerCase();
  if (typed === '') return undefined;
  return choices.find((choice) => choice.key === typed || choice.value === typed || choice.label.toLowerCase() === typed)?.value;
}

/** `[y] run  [n] skip  …` */
export function describeChoices(choices: Choice<string>[]): string {
  return choices.map((choice) => `[${choice.key}] ${choice.label}`).join('  ');
}
