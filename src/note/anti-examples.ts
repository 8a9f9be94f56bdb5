/**
 * Commands a note shows as the wrong way ("## Wrong: rollback without STEP", "# ❌ Don't do
 * this"): they illustrate a mistake and must never run (unseen3 D1), whether the label is a lead,
 * a heading or a comment inside the block. The part labelled "Right:" / "Correct:" is the step.
 */
import type { ScriptLines } from './shell-block.js';

/** "Wrong:", "Incorrect (empty downgrade):", "Bad —", "❌ …", "Don't do this", "Anti-pattern:". */
const ANTI_EXAMPLE = /^(?:[❌✗✘🚫]|(?:wrong|incorrect|bad|anti-?pattern)(?:\s+(?:way|example|usage))?\s*(?:[:(—–-]|$)|(?:don['’]t|do not|never) do (?:this|that)\b|not like this\b)/iu;

export function readsAsAntiExample(text: string): boolean {
  return ANTI_EXAMPLE.test(
    text
      .trim()
      .replace(/^\*+|\*+$/g, '')
      .trim(),
  );
}

/** A comment line's text ("## Wrong: …" → "Wrong: …"), or undefined for a command or a blank. */
function commentText(line: string): string | undefined {
  return /^\s*#(?!!)/.test(line) ? line.replace(/^\s*#+\s?/, '').trim() : undefined;
}

/**
 * The script without the commands under a "Wrong:" comment (up to the next comment or blank
 * line), and those commands with their label, to show as never run. A heredoc's body may hold
 * `#` lines that are data, not comments: such a block is left as it is.
 */
export function withoutAntiExamples(script: ScriptLines): { script: ScriptLines; held: { origin: number; label: string; command: string }[] } {
  if (!script.lines.some((line) => readsAsAntiExample(commentText(line) ?? '')) || script.lines.some((line) => /<<-?\s*['"]?\w/.test(line))) return { script, held: [] };
  const lines: string[] = [];
  const origins: number[] = [];
  const held: { origin: number; label: string; command: string }[] = [];
  let label: string | undefined;
  script.lines.forEach((line, index) => {
    const comment = commentText(line);
    if (comment !== undefined || line.trim() === '') label = comment !== undefined && readsAsAntiExample(comment) ? comment : undefined;
    if (label !== undefined && comment === undefined) {
      held.push({ origin: script.origins[index]!, label, command: line.trim() });
      return;
    }
    lines.push(line);
    origins.push(script.origins[index]!);
  });
  return { script: { ...script, lines, origins }, held };
}
