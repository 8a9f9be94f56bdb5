/**
 * `--choose <step>=<option>`: which option a choice step takes. The step is its number or part
 * of its title; the option its letter (`b`), number (`2`) or part of its title (`docker`).
 */

import { UsageError } from '../errors.js';
import type { PlanChoiceStep, PlanStep } from './types.js';

/** Letter of an option: a, b, c, … */
export function optionLetter(index: number): string {
  return index < 26 ? String.fromCharCode(97 + index) : String(index + 1);
}

/** Sets `chosen` on the choices `--choose` names; every mistake is a usage error naming the choices. */
export function applyChoices(steps: PlanStep[], selectors: readonly string[]): void {
  const choices = steps.filter((step): step is PlanChoiceStep => step.kind === 'choice');
  const list = () => (choices.length === 0 ? 'the path has no choice steps' : `its choices: ${choices.map(describeChoice).join('; ')}`);
  for (const selector of selectors) {
    const equals = selector.lastIndexOf('=');
    if (equals <= 0 || equals === selector.length - 1) throw new UsageError(`--choose ${selector}: write it as --choose <step>=<option>, e.g. --choose 2=b; ${list()}`);
    const stepPart = selector.slice(0, equals).trim();
    const optionPart = selector.slice(equals + 1).trim();
    const step = findChoice(choices, stepPart);
    if (!step) throw new UsageError(`--choose ${selector}: no choice step "${stepPart}"; ${list()}`);
    const option = findOption(step, optionPart);
    if (option === undefined) throw new UsageError(`--choose ${selector}: step ${step.number} has no option "${optionPart}"; ${describeChoice(step)}`);
    step.chosen = option;
    step.chosenBy = 'option';
  }
}

function findChoice(choices: PlanChoiceStep[], text: string): PlanChoiceStep | undefined {
  if (/^\d+$/.test(text)) return choices.find((step) => step.number === Number(text));
  const wanted = text.toLowerCase();
  const matches = choices.filter((step) => step.title.toLowerCase().includes(wanted));
  return matches.length === 1 ? matches[0] : undefined;
}

function findOption(step: PlanChoiceStep, text: string): number | undefined {
  const wanted = text.toLowerCase();
  if (/^[a-z]$/.test(wanted)) {
    const index = wanted.charCodeAt(0) - 97;
    if (index < step.options.length) return index;
  }
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted) - 1;
    return index >= 0 && index < step.options.length ? index : undefined;
  }
  const matches = step.options.flatMap((option, index) => (option.title.toLowerCase().includes(wanted) ? [index] : []));
  return matches.length === 1 ? matches[0] : undefined;
}

function describeChoice(step: PlanChoiceStep): string {
  return `${step.number}. ${step.title} (${step.options.map((option, index) => `${optionLetter(index)}) ${option.title}`).join(', ')})`;
}

/** For each step, whether a run with the plan's choices reaches it (every choice it sits in takes its option). */
export function isOnChosenPath(step: PlanStep, steps: readonly PlanStep[]): boolean {
  return step.within.every(({ choice, option }) => {
    const owner = steps.find((candidate) => candidate.number === choice);
    return owner?.kind === 'choice' && owner.chosen === option;
  });
}
