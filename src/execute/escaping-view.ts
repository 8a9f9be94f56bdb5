/**
 * A step view that shows untrusted text, never sends it: step titles, commands, output
 * lines, reasons and questions have their control characters escaped before any view (listr2
 * or a test's) draws them (issue #9: a step line ending in `# \e[8m` hid the next command at
 * "Run step 1?"), after the run's secret masker. The executor still runs the raw steps.
 */

import type { PlanStep } from '../plan/types.js';
import { escapeDeep, escapeText } from '../view/escape-text.js';
import type { StepUi, StepView } from './step-view.js';

export function escapingView(view: StepView, mask: (text: string) => string = (text) => text): StepView {
  // Masked first (a step title can name a secret too), then escaped.
  const safe = (text: string) => escapeText(mask(text));
  return {
    run(steps, work) {
      const raw = new Map(steps.map((step) => [step.number, step]));
      const shown: PlanStep[] = steps.map((step) => ({ ...escapeDeep(step), title: safe(step.title) }));
      return view.run(shown, (step, ui) => work(raw.get(step.number) ?? step, escapingUi(ui, safe)));
    },
    notice: (message) => view.notice(safe(message)),
  };
}

function escapingUi(ui: StepUi, safe: (text: string) => string): StepUi {
  return {
    show: (lines) => ui.show(lines.map(safe)),
    output: (line) => ui.output(safe(line)),
    title: (text) => ui.title(safe(text)),
    skip: (reason) => ui.skip(safe(reason)),
    choose: (question, choices) => ui.choose(safe(question), choices),
  };
}
