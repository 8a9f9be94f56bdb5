/**
 * The step list on screen, drawn by listr2: a live task list with prompts on a terminal, plain
 * lines (listr2's simple renderer) in CI logs. Prompts go through listr2's enquirer adapter
 * so they appear under the step they are about.
 */

import { ListrEnquirerPromptAdapter } from '@listr2/prompt-adapter-enquirer';
import { Listr, PRESET_TIMER, type DefaultRenderer, type ListrTaskWrapper, type SimpleRenderer } from 'listr2';
import { InterruptedError, UsageError } from '../errors.js';
import type { PlanStep } from '../plan/types.js';
import { describeChoices, parseChoice, type Choice, type StepUi, type StepView } from './step-view.js';

const OUTPUT_LINES = 12;

export interface ListrViewOptions {
  /** A person at a terminal: live redrawn list and prompts. Otherwise plain lines, no prompts. */
  interactive: boolean;
  /** Where notices go while no step is on screen. */
  stderr: { write(text: string): unknown };
}

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

export function createListrView(options: ListrViewOptions): StepView {
  // The step on screen: notices go under it, since listr2 holds back (and then prints late)
  // anything written to stdout or stderr while its live renderer runs.
  let current: StepUi | undefined;
  return {
    notice(message) {
      if (current) current.output(`⚠ ${message}`);
      else options.stderr.write(`\n${message}\n`);
    },
    async run(steps: PlanStep[], work: (step: PlanStep, ui: StepUi) => Promise<void>) {
      const list = new Listr<unknown, 'default', 'simple'>(
        steps.map((step) => ({
          title: `${step.number}. ${step.title}${step.kind === 'manual' ? ' (manual)' : ''}`,
          task: async (_context: unknown, task: Task) => {
            current = stepUi(task, options);
            try {
              await work(step, current);
            } finally {
              current = undefined;
            }
          },
          // One output entry on screen, which stepUi keeps as a window of the last lines:
          // listr2 counts entries, not lines, so each update replaces what was shown.
          rendererOptions: { outputBar: 1, persistentOutput: false },
        })),
        {
          concurrent: false,
          exitOnError: true,
          registerSignalListeners: false, // runbook handles Ctrl-C itself: stop the step, then ask
          renderer: 'default',
          fallbackRenderer: 'simple',
          // Without a person at a terminal, plain lines that read well in a CI log.
          fallbackRendererCondition: !options.interactive,
          rendererOptions: { timer: PRESET_TIMER, collapseErrors: false, showErrorMessage: true, removeEmptyLines: false, suffixSkips: true, collapseSkips: false },
          fallbackRendererOptions: { timer: PRESET_TIMER },
        },
      );
      await list.run();
    },
  };
}

function stepUi(task: Task, options: ListrViewOptions): StepUi {
  const recent: string[] = [];
  return {
    show(lines) {
      recent.splice(0, recent.length, ...lines.slice(-OUTPUT_LINES));
      task.output = lines.join('\n');
    },
    output(line) {
      if (!options.interactive) {
        task.output = line; // the simple renderer prints each update as one line
        return;
      }
      recent.push(line);
      if (recent.length > OUTPUT_LINES) recent.shift();
      task.output = recent.join('\n');
    },
    title(text) {
      task.title = text;
    },
    skip(reason) {
      task.skip(reason);
    },
    async choose<T extends string>(question: string, choices: Choice<T>[]): Promise<T> {
      if (!options.interactive) throw new UsageError(`cannot ask "${question}" without a terminal: run with --yes, or from a terminal`);
      let hint = '';
      for (;;) {
        let answer: string;
        const adapter = task.prompt(ListrEnquirerPromptAdapter);
        try {
          answer = await adapter.run<string>({ type: 'input', message: `${question} ${describeChoices(choices)}${hint}` });
        } catch {
          // Ctrl-C (or Escape) at a prompt ends the run; a closed prompt is never a yes.
          throw new InterruptedError('prompt closed (Ctrl-C): rollback stopped');
        } finally {
          // The adapter keeps listening after its prompt is answered and, on a later
          // task.skip(), "cancels" the finished prompt, which puts the task back to running.
          (adapter as unknown as { prompt?: unknown }).prompt = undefined;
        }
        const choice = parseChoice(answer ?? '', choices);
        if (choice !== undefined) return choice;
        hint = ` (type one of ${choices.map((c) => c.key).join('/')})`;
      }
    },
  };
}
