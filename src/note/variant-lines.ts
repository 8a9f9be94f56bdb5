/**
 * A block that lists one command and then the same command with more arguments
 * (`rails db:rollback` / `rails db:rollback STEP=3`, `helm rollback web` / `helm rollback web 3`)
 * reads as a list of variants — "run one of these" — and running it as a script would do the
 * rollback twice (unseen3 D1). runbook cannot tell which one is meant, so the step is flagged:
 * pointed out, never run unattended, asked for on its own.
 */
import type { CommandHazard } from './types.js';
import { stripComment } from './shell-words.js';

/** Programs whose repetition with more words is an ordinary script (`cd x`, `echo …`, `sleep 5`). */
const PLAIN = new Set(['cd', 'echo', 'printf', 'sleep', 'export', 'set', 'unset', 'test', 'true', 'false', 'source', '.', 'read', 'local', 'wait']);

/** The words of each whole command line (not a comment, not part of a `\` continuation or a compound). */
function commandWords(lines: string[]): (string[] | undefined)[] {
  return lines.map((text, index) => {
    const previous = index > 0 ? lines[index - 1]! : '';
    const command = stripComment(text).trim();
    if (command === '' || /\\$/.test(command) || /\\$/.test(previous.trimEnd()) || /[;&|<>(){}`]|\$\(/.test(command)) return undefined;
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
