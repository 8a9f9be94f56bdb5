/**
 * Blocks the note says are not part of an ordinary run:
 * - a **condition** ("Do **not** run the following unless …", "Only if the volume is corrupt",
 *   "Emergency only: …", "If the API is reachable, drain …"): the block is a runnable step
 *   that runs only when the operator confirms the condition holds — asked on its own, default
 *   no, never run unattended (docs/note-format.md, "Conditional steps");
 * - a **reference list** ("other commands you can use to explore"): shown, never run;
 * - an **anti-example** ("Wrong:", "Incorrect (…):", "❌"): the mistake the text warns about;
 * - a **roll-forward** ("Forward again", "Roll forward", "Upgrade again"): the way back out of the
 *   rollback, which would undo it if run as part of it (unseen3 D2): shown, never run.
 */
import { readsAsAntiExample } from './anti-examples.js';

/** "Here are some other commands that help you explore …", "Useful commands:", "Cheat sheet". */
const REFERENCE =
  /\b(?:other|more|some|useful|handy|additional|extra|common)\s+(?:[\w-]+\s+){0,3}?commands?\b[^.]*?(?:\byou can use\b|\b(?:help|helps)\b|\bto\s+(?:understand|explore|inspect|learn|debug|troubleshoot|investigate|look around)\b)|\bcheat[- ]?sheet\b|\bcommands? for (?:your )?reference\b|\breference commands\b/i;
/** "Forward again", "Roll forward", "Rolling forward", "Migrate up again", "Upgrade again": it undoes the rollback. */
const ROLL_FORWARD = /^(?:(?:then|and|to|later)\s+)?(?:(?:go|move|migrate|roll|rolling|upgrade)\s+)?forward\s+again\b|^roll(?:s|ing|ed)?[- ]forward\b|^(?:upgrade|migrate(?:\s+up)?)\s+again\b/i;

/** "Do not run the following unless …", "Never run this …", "Don't apply it unless …". */
const DO_NOT = /^(?:do not|don't|never)\s+(?:run|execute|apply|use|type|paste)\b/i;
/** "Only if the volume is corrupt, …", "Only when …", "Emergency only: …", "As a last resort, …". */
const ONLY_IF = /^(?:[\w-]+:\s*)?(?:only (?:if|when|in case|after)\b|emergency(?: use)? only\b|in an emergency\b|in emergencies\b|(?:only )?as a last resort\b|last resort\b)/i;
/** "If the cluster is running and the API is reachable, stop …", "If needed, then run:": a leading condition clause. */
const LEADING_IF = /^(?:if|in case|only if|only when)\s+([^,;:—–]{3,160}?)\s*(?:,\s*(?:then\s+)?|\s+then\s+|\s+[—–]\s+)(?=\S)/i;

/** What is left after the clause only points at the block: "here's the command", "— losing all data — run:". */
const POINTS_AT_BLOCK = /^(?:[^—–]*[—–]\s*)?(?:here(?:'s|’s| is) (?:the|a) command|run(?: this| the following)?|use(?: this)?|do this)\s*:?$/i;

/** "you want to unapply all migrations" → "Unapply all migrations": the clause says what the step does. */
function actionOf(clause: string): string | undefined {
  const action = /^(?:you|we)\s+(?:want|need|would like|wish|have)\s+to\s+(.{3,})$/i.exec(clause.trim())?.[1];
  return action && action[0]!.toUpperCase() + action.slice(1);
}

/** "you haven't already", "not already done", "it is not yet running". */
const ALREADY = /(?:\bnot|n['’]t|\bnever)\b.*\b(?:already|yet)\b|\balready\b.*\bnot\b/i;

/** "Optional.", "Optional:", "(Optional)", "Optionally," opening a step. */
const OPTIONAL = /^(?:\(optional\)|optional(?:ly)?\b)\s*[.:,)-]?\s*/i;

/** Why the text keeps a block out of every run: a reference list, never run. */
export function heldBackReason(text: string): string | undefined {
  if (readsAsAntiExample(text)) return 'shown as the wrong way to do it: never run';
  if (ROLL_FORWARD.test(withoutLabel(text))) return 'rolls the change forward again: it would undo the rollback, not part of it';
  return REFERENCE.test(withoutLabel(text)) && conditionOf(text) === undefined ? 'reference commands to explore with, not part of the rollback' : undefined;
}

/**
 * The condition a block is reserved for, as the note words it ("only if the volume is corrupt",
 * "unless the database team asks for it", "emergency only"), or undefined when the text states none.
 */
export function conditionOf(text: string): string | undefined {
  const trimmed = withoutLabel(text);
  if (DO_NOT.test(trimmed)) {
    const unless = /\bunless\b\s*([^.,;:!?]*)/i.exec(trimmed);
    return unless && unless[1]!.trim() !== '' ? `unless ${unless[1]!.trim()}` : firstClause(trimmed);
  }
  if (ONLY_IF.test(trimmed)) return firstClause(trimmed.replace(/^[\w-]+:\s*(?=only\b|emergency\b|in\b|as\b|last\b)/i, ''));
  return undefined;
}

/**
 * A step's lead that starts with a condition clause ("If the cluster is running and the API is
 * reachable, stop the workloads …"): the condition and the instruction after it.
 */
export function leadingCondition(text: string): { condition: string; rest: string } | undefined {
  // "Optional. If you have existing job logs, pause …": the if-clause says when; "Optional: …" alone leaves it to the operator.
  const optional = OPTIONAL.exec(withoutLabel(text));
  const body = optional ? withoutLabel(text).slice(optional[0].length) : withoutLabel(text);
  const match = LEADING_IF.exec(body);
  // "If you haven't already, stop the service": a required step that is harmless to repeat, not a condition.
  if (match && ALREADY.test(match[1]!)) return undefined;
  if (!match) return optional && body.trim() !== '' ? { condition: 'optional', rest: body.trim()[0]!.toUpperCase() + body.trim().slice(1) } : undefined;
  const rest = body.slice(match[0].length).trim();
  if (rest === '') return undefined;
  const keyword = /^(only if|only when|in case)/i.exec(match[0])?.[1]?.toLowerCase() ?? 'if';
  // "If you want to unapply all migrations — losing all its data — here's the command:": the clause is the title.
  const action = POINTS_AT_BLOCK.test(rest) ? actionOf(match[1]!) : undefined;
  return { condition: `${keyword} ${match[1]!.trim()}`, rest: action ?? rest[0]!.toUpperCase() + rest.slice(1) };
}

/** "Only if the volume is corrupt, wipe it" → "only if the volume is corrupt". */
function firstClause(text: string): string {
  const clause = text.split(/[,;:.!?](?:\s|$)/)[0]!.trim();
  return clause.charAt(0).toLowerCase() + clause.slice(1);
}

/** "Warning: Only if …", "**Danger** Only when …": an admonition's label is not what it says. */
export function withoutLabel(text: string): string {
  return text.trim().replace(/^(?:warning|danger|caution|important|attention|note|tip|info)\b[:!]?\s*/i, '');
}
