/**
 * "Replace `SERVICE` with the name of the service.": a value the text tells the operator to
 * replace is a parameter of the command it follows (Google's and Microsoft's docs write bare
 * UPPERCASE placeholders this way). The sentences are notes of that command, not a checklist
 * to tick after it ran with the literal word.
 */

import type { ShellStep, Step } from './types.js';

/**
 * "Replace `SERVICE` with …", "… and `REVISION` with …": the values followed by "with" — a code
 * span, or (in text whose code spans were flattened) an UPPERCASE word. "Replace the URL with …"
 * names no value.
 */
function replacedValues(text: string): string[] | undefined {
  if (!/^\s*replace\b/i.test(text)) return undefined;
  const values = [...text.matchAll(/(?:`([A-Za-z][\w.-]*)`|\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*))\s+with\b/g)].map((match) => match[1] ?? match[2]!);
  const named = values.filter((value) => value !== 'URL' && value.length > 1);
  return named.length > 0 ? named : undefined;
}

/** The value as a whole word of a script line, not already a `<parameter>`. */
function wordPattern(value: string): RegExp {
  return new RegExp(`(?<![\\w<$.-])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w>-])`, 'g');
}

/** Rewrites `value` in a shell step's script to `<value>` and records it as a parameter. Returns whether it was there. */
function parameterise(step: ShellStep, value: string): boolean {
  const lines = step.script.split('\n');
  let found = false;
  const rewritten = lines.map((line, index) =>
    line.replace(wordPattern(value), () => {
      found = true;
      if (!step.parameters.some((parameter) => parameter.name === value && parameter.line === step.lineMap[index])) step.parameters.push({ name: value, line: step.lineMap[index]!, text: value });
      return `<${value}>`;
    }),
  );
  if (found) step.script = rewritten.join('\n');
  return found || step.parameters.some((parameter) => parameter.name === value);
}

/**
 * Applies "Replace `X` with …" sentences to the shell step they follow: in that step's notes,
 * or as the items of the manual step right after it (which then becomes notes of the shell
 * step). Steps are shared between paths, so this runs once per list and is idempotent.
 */
export function replaceNamedValues(steps: Step[]): Step[] {
  const result: Step[] = [];
  for (const step of steps) {
    if (step.kind === 'choice') {
      for (const option of step.options) option.steps = replaceNamedValues(option.steps);
      result.push(step);
      continue;
    }
    if (step.kind === 'shell') {
      for (const note of step.notes) for (const value of replacedValues(note) ?? []) parameterise(step, value);
      result.push(step);
      continue;
    }
    const previous = result.at(-1);
    const values = step.code === undefined && step.items.length > 0 ? step.items.map(replacedValues) : [];
    if (previous?.kind === 'shell' && values.length > 0 && values.every((list) => list !== undefined)) {
      const applied = values.flat().map((value) => parameterise(previous, value));
      if (applied.every(Boolean)) {
        for (const item of step.items) if (!previous.notes.includes(item)) previous.notes.push(item);
        continue;
      }
    }
    result.push(step);
  }
  return result;
}
