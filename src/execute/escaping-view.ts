/**
 * A step view that shows untrusted text, never sends it: step titles, commands, output
 * lines, reasons and questions have their control characters escaped before any view (listr2
 * or a test's) draws them (issue #9: a step line ending in `# \e[8m` hid the next command at
 * "Run step 1?"). The executor still runs the raw steps.
 */

import type { PlanStep } from '../plan/types.js';
import { escapeDeep, escapeText } from '../view/escape-text.js';
import type { StepUi, StepView } from './step-view.js';

export function escapingView(view: StepView): StepView {
  return {
    run(steps, work) {
      const raw = new Map(steps.map((step) => [step.number, step]));
      const shown: PlanStep[] = steps.map((step) => escapeDeep(step));
      return view.run(shown, (step, ui) => work(raw.get(step.number) ?? step, escapingUi(ui)));
    },
    notice: (message) => view.notice(escapeText(message)),
  };
}

function escapingUi(ui: StepUi): StepUi {
  return {
    show: (lines) => ui.show(lines.map(escapeText)),
    output: (line) => ui.output(escapeText(line)),
    title: (text) => ui.title(escapeText(text)),
    skip: (reason) => ui.skip(escapeText(reason)),
    choose: (question, choices) => ui.choose(escapeText(question), choices),
  };
}
