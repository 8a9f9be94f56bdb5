/**
 * Steps at every depth: a choice's options hold steps of their own (and choices in turn).
 */

import type { Step } from './types.js';

/** Every step, depth first, choices included before their options' steps. */
export function flattenSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => (step.kind === 'choice' ? [step, ...step.options.flatMap((option) => flattenSteps(option.steps))] : [step]));
}
