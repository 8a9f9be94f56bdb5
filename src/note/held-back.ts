/**
 * Blocks the note says are not part of an ordinary run: a reference list of "other commands you
 * can use to explore", "Do **not** run the following unless …", "Only if the volume is corrupt",
 * "Emergency only: …". Such a block is shown (a manual step with its code), never run by
 * runbook: running it unattended would do what the text reserves for a person's judgement.
 */

/** "Here are some other commands that help you explore …", "Useful commands:", "Cheat sheet". */
const REFERENCE =
  /\b(?:other|more|some|useful|handy|additional|extra|common)\s+(?:[\w-]+\s+){0,3}?commands?\b[^.]*?(?:\byou can use\b|\b(?:help|helps)\b|\bto\s+(?:understand|explore|inspect|learn|debug|troubleshoot|investigate|look around)\b)|\bcheat[- ]?sheet\b|\bcommands? for (?:your )?reference\b|\breference commands\b/i;
/** "Do not run the following unless …", "Never run this …", "Don't apply it unless …". */
const DO_NOT = /^(?:do not|don't|never)\s+(?:run|execute|apply|use|type|paste)\b/i;
/** "Only if the volume is corrupt, …", "Only when …", "Emergency only: …", "As a last resort, …". */
const ONLY_IF = /^(?:[\w-]+:\s*)?(?:only (?:if|when|in case|after)\b|emergency(?: use)? only\b|in an emergency\b|in emergencies\b|(?:only )?as a last resort\b|last resort\b)/i;

/** Why the text keeps the block out of a run, or undefined when it does not. */
export function heldBackReason(text: string): string | undefined {
  const trimmed = withoutLabel(text);
  if (DO_NOT.test(trimmed)) return 'the note says not to run it unless asked (read the condition, run it by hand only if it holds)';
  if (ONLY_IF.test(trimmed)) return 'only under the condition the note states (decide, and run it by hand only if it holds)';
  if (REFERENCE.test(trimmed)) return 'reference commands to explore with, not part of the rollback';
  return undefined;
}

/** "Warning: Only if …", "**Danger** Only when …": an admonition's label is not what it says. */
export function withoutLabel(text: string): string {
  return text.trim().replace(/^(?:warning|danger|caution|important|attention|note|tip|info)\b[:!]?\s*/i, '');
}
