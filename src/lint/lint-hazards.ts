/**
 * What would make a rollback hang, wait on a terminal or do the wrong thing when it is run as
 * written: never-exiting and interactive commands, per-OS variants in one block, `$?` checks
 * errexit never reaches, empty fences, commands left in text, and `yaml`/`text` fences that
 * hold a command. Each with the note line and what to do. Pure.
 */

import type { NoteProblem } from '../errors.js';
import { stripComment } from '../note/shell-words.js';
import type { ForeignBlock, Note, Step } from '../note/types.js';
import { flattenSteps } from '../note/walk-steps.js';
import { findCrossStepVariables, findUnsetVariables } from '../plan/unset-variables.js';

export function lintHazards(note: Note): NoteProblem[] {
  const file = note.file;
  const problems: NoteProblem[] = [];
  const add = (line: number, message: string) => problems.push({ file, line, message });
  const steps = [...new Set(flattenSteps(note.rollback?.paths.flatMap((path) => path.steps) ?? []))];
  for (const step of steps) {
    if (step.kind === 'shell') {
      for (const hazard of step.hazards) add(hazard.line, `step "${step.title}": \`${hazard.command}\` ${hazard.reason}: ${hazard.fix}`);
      const errexit = statusCheck(step.script, step.lineMap);
      if (errexit !== undefined) {
        add(errexit, `step "${step.title}" tests \`$?\` after a command, but runbook runs steps with errexit: a failing command ends the step before the test; write \`if ! command; then …; fi\``);
      }
    } else if (step.kind === 'choice') {
      if (step.fromComments) {
        add(
          step.line,
          `step "${step.title}" holds per-OS variants in one block (${step.options.map((option) => option.title).join(', ')}): runbook reads them as a choice; give each its own block under a lead such as "On ${step.options[0]!.title}:"`,
        );
      }
    } else {
      if (step.mislabelled) add(step.mislabelled.line, `step "${step.title}": the \`${step.mislabelled.language}\` block holds a shell command, so it is never run: label the fence \`bash\` if it should run`);
      if (step.foreign) add(step.foreign.line, foreignProblem(step.title, step.foreign));
      if (step.emptyBlock) add(step.line, `step "${step.title}" is an empty fence: add the commands or remove it`);
      for (const command of step.commandsInText ?? []) add(step.line, `step "${step.title}" names the command \`${command}\` in its text: runbook does not run it; put it in a bash block if the rollback should run it`);
    }
  }
  const crossed = new Set<string>();
  for (const path of note.rollback?.paths ?? []) {
    for (const variable of findCrossStepVariables(planLike(path.steps))) {
      if (crossed.has(`${variable.name}:${variable.line}`)) continue;
      crossed.add(`${variable.name}:${variable.line}`);
      add(
        variable.line,
        variable.why === 'not-exported'
          ? `$${variable.name} is set by the step at ${variable.setBy} without \`export\`, and only exported variables carry into later steps, so it is empty here: write \`export ${variable.name}=…\` there`
          : `$${variable.name} is set only by a later step (at ${variable.setBy}), so it is empty here: set it in this step or an earlier one`,
      );
    }
    const variables = findUnsetVariables(planLike(path.steps));
    for (const variable of variables) {
      if (problems.some((problem) => problem.message.startsWith(`$${variable.name} `))) continue;
      add(variable.lines[0]!, `$${variable.name} is used but no step sets it: set it in an earlier step, give it with --env, or make it a <${variable.name}> parameter`);
    }
  }
  return problems;
}

/** Line of a `$?` test (`if [ $? -ne 0 ]`, `[[ $? != 0 ]]`, `rc=$?`), which errexit makes dead code. */
function statusCheck(script: string, lineMap: number[]): number | undefined {
  const lines = script.split('\n');
  if (lines.some((line) => /^\s*set\s+\+e\b/.test(line))) return undefined;
  const index = lines.findIndex((line, position) => position > 0 && /\$\?/.test(stripComment(line)) && !/\|\|/.test(lines[position - 1] ?? ''));
  return index === -1 ? undefined : lineMap[index];
}

/** The shape `findUnsetVariables` reads, from note steps (scripts as written). */
function planLike(steps: readonly Step[]) {
  return flattenSteps(steps).flatMap((step) => (step.kind === 'shell' ? [{ kind: 'shell' as const, source: step.script, lineMap: step.lineMap, line: step.line }] : []));
}

/** What to say about a shell-labelled block typed into another console (`127.0.0.1:6379> SAVE`, `DELETE my-index`). */
function foreignProblem(title: string, foreign: ForeignBlock): string {
  const block = foreign.language === '' ? 'the unlabelled block' : `the \`${foreign.language}\` block`;
  return foreign.kind === 'prompt'
    ? `step "${title}": ${block} has \`${foreign.text}\`, a line typed at another program's prompt: bash would take the \`>\` for a redirection and overwrite a file, so runbook never runs it; pass the commands to that program (\`redis-cli SAVE\`, \`mysql -e '…'\`) or do it by hand`
    : `step "${title}": ${block} has \`${foreign.text}\`, an HTTP console request (Kibana Dev Tools), not a shell command, so it is never run: label the fence \`console\`, or write it as \`curl -X ${foreign.text.split(/\s+/)[0]} <url>/…\``;
}
