/**
 * Operator parameters (`<incident-id>` in a step) and their values from `--set name=value`.
 * Values are pasted into commands, so only characters that cannot change a command's shape
 * are accepted.
 */

import { UsageError } from '../errors.js';
import { PARAMETER } from '../note/placeholders.js';
import type { Plan } from './types.js';

/** As the note spells them: `incident-id`, `SNAPSHOT.db`, `x.y.z`, `Issue or doc link`. */
const NAME = /^[A-Za-z][\w.-]*(?: [\w.-]+)*$/;
// No `~`: bash expands it at the start of a word and after `=` or `:` in an assignment.
const SAFE_VALUE = /^[A-Za-z0-9._:@%+=,/-]+$/;
const PARENT_SEGMENT = /(^|\/)\.\.(\/|$)/;

/** Parses `--set` options (`name=value`, repeatable) into a map; malformed ones are usage errors. */
export function parseSetOptions(options: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const option of options) {
    const equals = option.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set ${option}: write it as --set name=value, e.g. --set incident-id=INC-42`);
    const name = option.slice(0, equals);
    const value = option.slice(equals + 1);
    if (!NAME.test(name)) throw new UsageError(`--set ${option}: "${name}" is not a parameter name (letters, digits, ".", "-", "_" and single spaces)`);
    values.set(name, checkParameterValue(name, value));
  }
  return values;
}

/**
 * Rejects values that would change the command they are pasted into: spaces, quotes, `;`, `$`,
 * `~` (issue #9: `--set dir=~root` expanded), a leading `-` (`--set pod=--all` turned
 * `kubectl delete pod <pod>` into `kubectl delete pod --all`) and `..` path segments (which
 * leave the folder a command names).
 */
export function checkParameterValue(name: string, value: string): string {
  if (value === '') throw new UsageError(`parameter ${name} is empty: give a value, e.g. --set ${name}=INC-42`);
  // JSON quoting shows control characters as escapes: the message stays one line.
  const shown = JSON.stringify(value);
  if (!SAFE_VALUE.test(value)) {
    throw new UsageError(`parameter ${name}=${shown} has characters that could change the command it is pasted into; use letters, digits and . _ : @ % + = , / -`);
  }
  if (value.startsWith('-')) throw new UsageError(`parameter ${name}=${shown} starts with "-": the command would take it for an option; give the value itself`);
  if (PARENT_SEGMENT.test(value)) throw new UsageError(`parameter ${name}=${shown} has a ".." path segment: it could leave the folder the command names; give the path itself`);
  return value;
}

/** The script with `<name>` replaced by each given value; parameters without a value stay as written. */
export function fillParameters(script: string, valueOf: (name: string) => string | undefined): string {
  return script.replace(PARAMETER, (whole, name: string) => valueOf(name) ?? whole);
}

/** The environment variable a parameter is also exported as: incident-id → RUNBOOK_PARAM_INCIDENT_ID. */
export function parameterEnvName(name: string): string {
  return `RUNBOOK_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The plan's shell steps with parameter values filled in (after the operator typed missing ones). */
export function applyParameters(plan: Plan, values: ReadonlyMap<string, string>): Plan {
  return {
    ...plan,
    parameters: plan.parameters.map((parameter) => ({ ...parameter, value: values.get(parameter.name) ?? parameter.value })),
    paths: plan.paths.map((path) => ({
      ...path,
      steps: path.steps.map((step) => (step.kind === 'shell' ? { ...step, script: fillParameters(step.source, (name) => values.get(name)) } : step)),
    })),
  };
}
