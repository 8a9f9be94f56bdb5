/**
 * A part of a name the text says to replace is the same part in every command of the path.
 * "(Replace with gitlab-ce if …)" sits above two of GitLab's blocks, so `gitlab-<ee>` is a
 * parameter there; the block that removes the package says `gitlab-ee` with no comment, and
 * a CE operator who set `ee=ce` would still remove `gitlab-ee`. Pure: steps in, steps out
 * (copies where they change: steps before the paths are shared by every path).
 */

import type { ChoiceStep, CommandHazard, ParameterMention, ShellStep, Step } from './types.js';
import { flattenSteps } from './walk-steps.js';

/** `gitlab-<ee>`: a parameter kept under its own spelling (`ee`) after a prefix ending in `-` or `_`. */
const NAMED_PART = /([\w.+]*[-_])<([A-Za-z]\w{0,7})>/g;

/** Every `gitlab-ee` of the path's shell steps spelled `gitlab-<ee>` once one step does. */
export function spreadNamedParts(steps: readonly Step[]): Step[] {
  const parts = new Map<string, string>();
  for (const step of flattenSteps(steps)) {
    if (step.kind !== 'shell') continue;
    const kept = new Set(step.parameters.filter((parameter) => parameter.text === parameter.name).map((parameter) => parameter.name));
    for (const match of step.script.matchAll(NAMED_PART)) if (kept.has(match[2]!) && match[1]!.length > 1) parts.set(`${match[1]}${match[2]}`, match[2]!);
  }
  if (parts.size === 0) return [...steps];
  return steps.map((step) => spread(step, parts));
}

function spread(step: Step, parts: ReadonlyMap<string, string>): Step {
  if (step.kind === 'choice') {
    const options = step.options.map((option) => ({ ...option, steps: option.steps.map((inner) => spread(inner, parts)) }));
    const changed = options.some((option, index) => option.steps.some((inner, at) => inner !== step.options[index]!.steps[at]));
    return changed ? ({ ...step, options } satisfies ChoiceStep) : step;
  }
  if (step.kind !== 'shell') return step;
  const added: ParameterMention[] = [];
  const lines = step.script.split('\n').map((line, index) => {
    let text = line;
    for (const [whole, name] of parts) {
      const prefix = whole.slice(0, -name.length);
      text = text.replace(new RegExp(`(?<![\\w.+-])${escape(whole)}(?![\\w])`, 'g'), () => {
        added.push({ name, line: step.lineMap[index] ?? step.line, text: name });
        return `${prefix}<${name}>`;
      });
    }
    return text;
  });
  if (added.length === 0) return step;
  const rename = (hazard: CommandHazard): CommandHazard => ({ ...hazard, command: renameAll(hazard.command, parts) });
  return { ...step, script: lines.join('\n'), parameters: [...step.parameters, ...added], hazards: step.hazards.map(rename), destructive: step.destructive.map(rename) } satisfies ShellStep;
}

function renameAll(text: string, parts: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [whole, name] of parts) out = out.replace(new RegExp(`(?<![\\w.+-])${escape(whole)}(?![\\w])`, 'g'), `${whole.slice(0, -name.length)}<${name}>`);
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
