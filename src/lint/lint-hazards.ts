/**
 * What would make a rollback hang, wait on a terminal or do the wrong thing when it is run as
 * written: never-exiting and interactive commands, per-OS variants in one block, `$?` checks
 * errexit never reaches, empty fences, commands left in text, and `yaml`/`text` fences that
 * hold a command. Each with the note line and what to do. Pure.
 */

import type { NoteProblem } from '../errors.js';
import { classifyBlock } from '../note/shell-block.js';
import { stripComment } from '../note/shell-words.js';
import type { ForeignBlock, Note, Step } from '../note/types.js';
import { flattenSteps } from '../note/walk-steps.js';
import { findCrossStepVariables, findUnsetVariables } from '../plan/unset-variables.js';

export function lintHazards(note: Note): NoteProblem[] {
  const problems = [...stepHazards(note, true)];
  const add = (line: number, message: string) => problems.push({ file: note.file, line, message });
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

/**
 * The hazards of the steps themselves. The dry run shows them too (`withShown: false` leaves out
 * what its step list already shows: flagged commands and mislabelled fences).
 */
export function stepHazards(note: Note, withShown = false): NoteProblem[] {
  const file = note.file;
  const problems: NoteProblem[] = [];
  const add = (line: number, message: string) => problems.push({ file, line, message });
  const steps = [...new Set(flattenSteps(note.rollback?.paths.flatMap((path) => path.steps) ?? []))];
  for (const step of steps) {
    if (step.kind === 'shell') {
      if (withShown) for (const hazard of step.hazards) add(hazard.line, `step "${step.title}": \`${hazard.command}\` ${hazard.reason}: ${hazard.fix}`);
      for (const pasted of pastedCharacters(step.script, step.lineMap)) add(pasted.line, `step "${step.title}" has ${pasted.message}`);
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
      if (withShown && step.mislabelled)
        add(step.mislabelled.line, `step "${step.title}": the \`${step.mislabelled.language}\` block holds a shell command, so it is never run: label the fence \`bash\` if it should run`);
      if (withShown && step.foreign) add(step.foreign.line, foreignProblem(step.title, step.foreign));
      if (step.emptyBlock) add(step.line, `step "${step.title}" is an empty fence: add the commands or remove it`);
      for (const command of step.commandsInText ?? []) add(step.line, `step "${step.title}" names the command \`${command}\` in its text: runbook does not run it; put it in a bash block if the rollback should run it`);
      const titled = step.code || step.emptyBlock || step.commandsInText ? undefined : commandInTitle(step.title);
      if (titled) add(step.line, `step "${step.title}": the command \`${titled}\` is only in the heading, so runbook does not run it: put it in a bash block under the heading`);
    }
  }
  return problems;
}

/**
 * "Run kubectl rollout undo deployment/probe" with no block: the command, else undefined. Only
 * after a verb that says to run it: a checklist line ("terraform plan shows no changes") is not one.
 */
function commandInTitle(title: string): string | undefined {
  const match = /^(?:run|execute|type|enter|issue)\s+(?:the\s+command\s+)?(.+)$/i.exec(title);
  if (!match) return undefined;
  const command = match[1]!.replace(/^[`"']|[`"'.:]$/g, '').trim();
  return /\s/.test(command) && classifyBlock(null, command) === 'shell' ? command : undefined;
}

/**
 * Characters a copy from a web page or a word processor leaves in a command, which bash reads
 * as something else: the step fails only when it runs. One problem per line, the first found.
 */
const PASTED: [RegExp, string][] = [
  [/\u00a0/, 'a no-break space (U+00A0), which bash does not take as a space (it becomes part of a word): replace it with a space'],
  [/[\u200b-\u200d\u2060\ufeff]/, 'an invisible zero-width character, which becomes part of a word: delete it'],
  [/[\u2018\u2019\u201c\u201d]/, 'curly quotes (‘ ’ “ ”), which are not shell quotes (they become part of the words): use \' or "'],
  [/(^|\s)[\u2013\u2014]\p{L}/u, "a dash (– or —) where an option's -- or - belongs: type it as --"],
];

function pastedCharacters(script: string, lineMap: number[]): { line: number; message: string }[] {
  return script.split('\n').flatMap((text, index) => {
    const found = PASTED.find(([pattern]) => pattern.test(text));
    return found ? [{ line: lineMap[index] ?? lineMap[0] ?? 0, message: found[1] }] : [];
  });
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
