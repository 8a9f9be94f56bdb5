/**
 * A block that lists one command and then the same command with more arguments
 * (`rails db:rollback` / `rails db:rollback STEP=3`, `helm rollback web` / `helm rollback web 3`)
 * reads as a list of variants — "run one of these" — and running it as a script would do the
 * rollback twice (unseen3 D1). runbook cannot tell which one is meant, so the step is flagged:
 * pointed out, never run unattended, asked for on its own.
 */
import type { CommandHazard, Step } from './types.js';
import { stripComment } from './shell-words.js';

/** Programs whose repetition with more words is an ordinary script (`cd x`, `echo …`, `sleep 5`). */
const PLAIN = new Set(['cd', 'echo', 'printf', 'sleep', 'export', 'set', 'unset', 'test', 'true', 'false', 'source', '.', 'read', 'local', 'wait']);

/** The words of each whole command line (not a comment, not part of a `\` continuation or a compound). */
function commandWords(lines: string[]): (string[] | undefined)[] {
  return lines.map((text, index) => {
    const previous = index > 0 ? lines[index - 1]! : '';
    const command = stripComment(text).trim();
    if (command === '' || /\\$/.test(command) || /\\$/.test(previous.trimEnd()) || /[;&|<>(){}`]|\$\(/.test(command.replace(/<[A-Za-z][\w.-]*>/g, 'P'))) return undefined;
    const words = command.split(/\s+/);
    return PLAIN.has(words[0]!) ? undefined : words;
  });
}

export function findVariantLines(lines: string[], lineMap: number[]): CommandHazard[] {
  const words = commandWords(lines);
  for (let first = 0; first < words.length; first++) {
    const shorter = words[first];
    if (!shorter || shorter.length < 2) continue;
    for (let later = first + 1; later < words.length; later++) {
      const longer = words[later];
      if (!longer || longer.length <= shorter.length || !shorter.every((word, index) => longer[index] === word)) continue;
      return [
        {
          line: lineMap[first]!,
          command: `${shorter.join(' ')} / ${longer.join(' ')}`,
          reason: `line ${lineMap[later]} repeats the command of line ${lineMap[first]} with more arguments: it reads like variants to pick from, and runbook would run both`,
          fix: 'keep only the one the rollback needs in the block; put the other under "Alternatively, …" (runbook then asks which)',
        },
      ];
    }
  }
  return [];
}

/** "Rollback one revision", "Roll back to a revision", "Revert …", "Downgrade …": a title naming the rollback itself. */
const ROLLBACK_VERB = /^(?:roll(?:ing)?[ -]?back|revert(?:ing)?|downgrad(?:e|ing)|undo(?:ing)?)\b/i;

/** The one command line of a shell step, as words, or undefined when it holds more (or a compound). */
function soleCommand(step: Step): string[] | undefined {
  if (step.kind !== 'shell') return undefined;
  const lines = step.script.split('\n').filter((text) => stripComment(text).trim() !== '');
  return lines.length === 1 ? commandWords(lines)[0] : undefined;
}

/**
 * Two steps in a row, each titled by the rollback verb ("Rollback one revision" / "Rollback to
 * specific revision") over one run of the same program and subcommand with other arguments
 * (`alembic downgrade -1` / `alembic downgrade <revision_id>`): two ways of doing one rollback,
 * which run one after the other would roll back twice (unseen3 D2). The second is flagged. Pure:
 * steps in, steps out (copies where they change).
 */
export function flagRepeatedRollbacks(steps: readonly Step[]): Step[] {
  return steps.map((step, index) => {
    if (step.kind === 'choice') return { ...step, options: step.options.map((option) => ({ ...option, steps: flagRepeatedRollbacks(option.steps) })) };
    const previous = steps[index - 1];
    if (step.kind !== 'shell' || !previous || !ROLLBACK_VERB.test(step.title) || !ROLLBACK_VERB.test(previous.title)) return step;
    const verb = (title: string) => ROLLBACK_VERB.exec(title)![0]!.toLowerCase().replace(/[ -]/g, '');
    const [now, before] = [soleCommand(step), soleCommand(previous)];
    if (!now || !before || verb(step.title) !== verb(previous.title) || now.length < 2 || before.length < 2) return step;
    if (now[0] !== before[0] || now[1] !== before[1] || now.join(' ') === before.join(' ')) return step;
    const hazard: CommandHazard = {
      line: step.line,
      command: `${before.join(' ')} / ${now.join(' ')}`,
      reason: `runs \`${now.slice(0, 2).join(' ')}\` again right after "${previous.title}": the two read like two ways of doing one rollback, and runbook would run both`,
      fix: 'if only one applies, put the other under "Alternatively, …" (runbook then asks which); if both apply, say so in the step',
    };
    return { ...step, hazards: [...step.hazards, hazard] };
  });
}
