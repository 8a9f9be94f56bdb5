/**
 * The step list on screen, drawn by listr2's simple renderer: one line per event, never
 * redrawn. That is what makes the screen trustworthy: no spinner turns while a question waits,
 * resizing the window cannot repeat lines, a 20-row pane scrolls like any log (the failure and
 * its last lines stay right above the question), and `runbook rollback … | tee log` reads the
 * same as the terminal. Questions are asked with node:readline on stdin, written to the
 * terminal (stdout, or stderr when stdout is a pipe).
 */

import { createInterface } from 'node:readline';
import { Listr, type ListrTaskWrapper, type SimpleRenderer } from 'listr2';
import { InterruptedError, UsageError } from '../errors.js';
import type { PlanStep } from '../plan/types.js';
import { formatMs } from '../prometheus/duration.js';
import { describeChoices, parseChoice, type Choice, type StepUi, type StepView } from './step-view.js';

/** Marks a long line continued on the next one: the command is shown whole, and seen to go on. */
export const CONTINUED = ' ↩';

export interface ListrViewOptions {
  /** Someone can answer questions: stdin is a terminal. Otherwise asking is refused. */
  interactive: boolean;
  /** Where notices go while no step is on screen. */
  stderr: { write(text: string): unknown };
  /** Where questions are written: a terminal (stdout when it is one, else stderr). */
  promptOutput?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Terminal width now (it changes on resize), when stdout is a terminal: long lines are wrapped with a mark. */
  columns?: () => number | undefined;
  now?: () => number;
}

type Task = ListrTaskWrapper<unknown, typeof SimpleRenderer, typeof SimpleRenderer>;

export function createListrView(options: ListrViewOptions): StepView {
  let current: StepUi | undefined;
  return {
    notice(message) {
      if (current) current.output(`⚠ ${message}`);
      else options.stderr.write(`\n${message}\n`);
    },
    async run(steps: PlanStep[], work: (step: PlanStep, ui: StepUi) => Promise<void>) {
      // Once a step stops the run without having run (quit, Ctrl-C at its question), the
      // list ends there: that step and the rest are shown skipped as "not run".
      let stopped: unknown;
      const list = new Listr<unknown, 'simple', 'simple'>(
        steps.map((step) => ({
          title: `${step.number}. ${step.title}${step.kind === 'manual' ? ' (manual)' : ''}`,
          skip: () => (stopped === undefined ? false : 'not run'),
          task: async (_context: unknown, task: Task) => {
            const ui = stepUi(task, options, step.kind === 'shell');
            current = ui.ui;
            try {
              await work(step, ui.ui);
              ui.finish();
            } catch (error) {
              // The executor marks a step it stops before running (quit, Ctrl-C at its question) skipped as "not run".
              if (!ui.skipped()) throw error;
              stopped = error;
            } finally {
              current = undefined;
            }
          },
        })),
        { concurrent: false, exitOnError: true, registerSignalListeners: false, renderer: 'simple', rendererOptions: {} },
      );
      await list.run();
      if (stopped !== undefined) throw stopped;
    },
  };
}

function stepUi(task: Task, options: ListrViewOptions, timed: boolean) {
  const now = options.now ?? Date.now;
  const baseTitle = task.title;
  // The step's own time: from its last answer (or its start) on, never time at a question.
  let since = now();
  let skipped = false;
  const wrap = (lines: string[]) => lines.flatMap((line) => wrapLine(line, options.columns?.()));
  const ui: StepUi = {
    show(lines) {
      task.output = wrap(lines).join('\n');
    },
    output(line) {
      task.output = wrap([line]).join('\n');
    },
    title(text) {
      task.title = text;
    },
    skip(reason) {
      skipped = true;
      task.skip(reason);
    },
    async choose<T extends string>(question: string, choices: Choice<T>[]): Promise<T> {
      if (!options.interactive) throw new UsageError(`cannot ask "${question}" without a terminal: run with --yes, or from a terminal`);
      let hint = '';
      try {
        for (;;) {
          const answer = await ask(`? ${question} ${describeChoices(choices)}${hint} › `, options.promptOutput ?? (process.stdout.isTTY ? process.stdout : process.stderr));
          const choice = parseChoice(answer, choices);
          if (choice !== undefined) return choice;
          hint = ` (type one of ${choices.map((c) => c.key).join('/')})`;
        }
      } finally {
        since = now();
      }
    },
  };
  return {
    ui,
    skipped: () => skipped,
    finish() {
      if (!skipped && timed) task.title = `${task.title ?? baseTitle} [${formatMs(now() - since)}]`;
    },
  };
}

/**
 * One question on the terminal. The line is read as the terminal gives it (cooked mode, not
 * readline's own editing), so nothing redraws it when the window is resized. Ctrl-C (or a
 * closed stdin) is an interrupt, never a yes.
 */
function ask(prompt: string, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output, terminal: false });
    let answered = false;
    const interrupted = () => rl.close();
    process.on('SIGINT', interrupted);
    rl.on('close', () => {
      process.off('SIGINT', interrupted);
      if (!answered) {
        output.write('\n');
        reject(new InterruptedError('prompt closed (Ctrl-C): rollback stopped'));
      }
    });
    output.write(prompt);
    rl.once('line', (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

/**
 * A line longer than the terminal, cut where it can be (at a space) with a mark at the end of
 * each piece, so a long command reads whole and the eye sees where it goes on. Not wrapped
 * when the width is unknown (a pipe, a log).
 */
export function wrapLine(line: string, columns: number | undefined): string[] {
  // The renderer puts "› " before each line; keep room for the mark.
  const width = columns === undefined ? Infinity : Math.max(20, columns - 2 - CONTINUED.length);
  if ([...line].length <= width + CONTINUED.length) return [line];
  const pieces: string[] = [];
  let rest = line;
  while ([...rest].length > width) {
    const head = [...rest].slice(0, width).join('');
    const space = head.lastIndexOf(' ');
    const cut = space > width / 2 ? space + 1 : head.length;
    pieces.push(`${rest.slice(0, cut).trimEnd()}${CONTINUED}`);
    rest = `  ${rest.slice(cut)}`;
  }
  pieces.push(rest);
  return pieces;
}
