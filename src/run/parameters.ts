/**
 * Parameters not given with --set: asked once, before the first step (and so recorded in
 * the run-started event), or refused at once when nobody can answer (--yes).
 */

import { InterruptedError, UsageError } from '../errors.js';
import { isSecretName } from '../journal/mask-secrets.js';
import { applyParameters, checkParameterValue } from '../plan/parameters.js';
import { isOnChosenPath } from '../plan/choose.js';
import type { Plan } from '../plan/types.js';
import { promptStream } from './confirm.js';

/** With --yes nobody can answer: every parameter must have come with --set. */
export function requireParameters(plan: Plan): void {
  // Parameters only in text the operator pastes by hand (a chat message), or only in options
  // the run does not take, are never required.
  const used = parametersOnChosenPath(plan);
  const missing = plan.parameters.filter((parameter) => parameter.value === undefined && !parameter.manualOnly && used.has(parameter.name));
  if (missing.length === 0) return;
  throw new UsageError(
    `the steps need ${missing.map((parameter) => `<${parameter.name}>`).join(', ')}: give ${missing.map((parameter) => (/\s/.test(parameter.name) ? `--set "${parameter.name}=VALUE"` : `--set ${parameter.name}=VALUE`)).join(' ')}`,
  );
}

function parametersOnChosenPath(plan: Plan): Set<string> {
  const steps = plan.paths[plan.selectedPath]?.steps ?? [];
  return new Set(steps.flatMap((step) => (step.kind === 'shell' && isOnChosenPath(step, steps) ? step.parameters : [])));
}

/** Asks the operator for each parameter without a value; Ctrl-C at the question stops the run (130). */
export async function askParameters(plan: Plan): Promise<Plan> {
  const missing = plan.parameters.filter((parameter) => parameter.value === undefined && !parameter.manualOnly);
  if (missing.length === 0) return plan;
  const { default: Enquirer } = await import('enquirer');
  const values = new Map(plan.parameters.filter((parameter) => parameter.value !== undefined).map((parameter) => [parameter.name, parameter.value!]));
  for (const parameter of missing) {
    let answer: { value: string };
    try {
      answer = await new Enquirer<{ value: string }>().prompt({
        // A secret is not echoed (and masked everywhere after).
        type: isSecretName(parameter.name) ? 'password' : 'input',
        stdout: promptStream(),
        name: 'value',
        message: `Value for <${parameter.name}> (used at line ${parameter.lines.join(', ')})`,
        validate: (value: string) => {
          try {
            checkParameterValue(parameter.name, value);
            return true;
          } catch (error) {
            return (error as Error).message;
          }
        },
      });
    } catch {
      // Enquirer rejects only when the prompt is closed: Ctrl-C (or Escape).
      throw new InterruptedError(`stopped at the question for <${parameter.name}>: nothing was run`);
    }
    values.set(parameter.name, answer.value);
  }
  return applyParameters(plan, values);
}
