/**
 * A command run with a preview flag (`--dry-run`, `--what-if`, `--noop`, …) before the same
 * command without it: the preview is there to be read, so the run stops after it for a
 * go/no-go before anything changes (unseen2 W9: Kafka's `--dry-run` then `--execute`).
 */

import { splitCommands, type SimpleCommand } from './shell-words.js';
import type { Step } from './types.js';
import { flattenSteps } from './walk-steps.js';

const PREVIEW_FLAG = /^(?:--dry-run(?:=\S+)?|--dryrun|--what-?if|-WhatIf|--preview|--noop|--check)$/i;

/** The path's steps, a preview that a later run of the same command follows given a gate (copied: paths share steps). */
export function gatePreviews(steps: readonly Step[]): Step[] {
  return steps.map((step, index) => {
    if (step.kind !== 'shell' || step.gate) return step;
    const previews = commandsOf(step.script).filter((command) => command.words.some((word) => PREVIEW_FLAG.test(word)));
    if (previews.length === 0) return step;
    const later = flattenSteps(steps.slice(index + 1));
    const next = later[0];
    // A go/no-go already stands between them.
    if (next?.gate) return step;
    const real = later.some((other) => other.kind === 'shell' && commandsOf(other.script).some((command) => previews.some((preview) => sameCommand(preview, command))));
    if (!real) return step;
    const flag = previews[0]!.words.find((word) => PREVIEW_FLAG.test(word))!;
    return { ...step, gate: `review what the preview (\`${flag}\`) printed: go on only if the change it shows is the one you want` };
  });
}

function commandsOf(script: string): SimpleCommand[] {
  return splitCommands(script).map((command) => ({ ...command, words: command.words.filter((word, at) => at > 0 || !/^\w+=/.test(word)) }));
}

/** The same program and sub-command (`kubectl apply`), run without a preview flag. */
function sameCommand(preview: SimpleCommand, command: SimpleCommand): boolean {
  if (command.words.some((word) => PREVIEW_FLAG.test(word))) return false;
  const [program, sub] = preview.words;
  if (program === undefined || command.words[0] !== program) return false;
  const other = command.words[1];
  return sub === undefined || other === undefined || (sub.startsWith('-') ? other.startsWith('-') : other === sub);
}
