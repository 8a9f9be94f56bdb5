/**
 * Order the text states rather than the order it is written in. Notes often name a
 * precondition after the command it guards: "Turn off every service … before you run
 * `downgrade`" below the downgrade example, "In this case you must first reinstall the
 * gateways" below `istioctl uninstall`. Such an item is done before the step that does what
 * it names, so it becomes a manual step there; an item that says "after …" stays where it is.
 * And "after any downgrade check the databases …" in the notes before the paths prescribes a
 * last step for each path that does a downgrade. Pure: words in, positions out.
 */

import type { Step } from './types.js';

export interface StatedBefore {
  /** Words naming what the item must precede ("downgrade", "uninstall canary"); none: the step it follows. */
  target?: string[];
  /** The action as a step title ("Turn off every service that connects to the databases"). */
  title: string;
  /** "make sure … before …": the go/no-go the operator confirms, as written. */
  gate?: string;
}

const BEFORE = /\bbefore\s+(?:you\s+|we\s+)?(?:can\s+)?(?:(?:run|start|execut|us|perform|begin|do|apply|try)(?:e|s|ing|ning)?\s+)?([^,;:.!?()]+)/i;
const FIRST = /\b(?:must|need to|have to|should)\s+first\b,?\s*([^;]+)/i;
/** "before proceeding", "before you go on": the next step, the place the item already has. */
const NEXT = /^(?:proceed|continu|go(?:ing)? on|mov(?:e|ing) on|doing so|that|this|then|the next)|^(?:you\s+)?(?:start|begin|anything)(?:ing|ning)?(?:\s+(?:else|the procedure|the rollback|this))?\s*$/i;
const CHECK = /\b(?:make sure|ensure|verify|check|confirm)\b/i;
const LABEL = /^(?:tip|note|warning|caution|important|info|attention)\s*[:!]\s*/i;
const STOP_WORDS = new Set([
  'the',
  'you',
  'your',
  'all',
  'any',
  'every',
  'each',
  'its',
  'their',
  'and',
  'for',
  'with',
  'from',
  'this',
  'that',
  'these',
  'those',
  'them',
  'they',
  'it',
  'command',
  'commands',
  'step',
  'steps',
  'again',
]);

/** Reads "… before you run X" / "you must first …" as an item that goes before an earlier step. */
export function readsAsStatedBefore(text: string): StatedBefore | undefined {
  const body = text.replace(LABEL, '').trim();
  // "apply them again only after `downgrade` has finished": stays after what it names.
  if (/\bafter\b/i.test(body)) return undefined;
  const first = FIRST.exec(body);
  if (first) {
    const action = first[1]!.split(/[,;]\s|\s+because\b|\s+so that\b|\.(?:\s|$)/)[0]!.trim();
    if (action === '') return undefined;
    return { title: capitalise(action), gate: CHECK.test(body) ? body : undefined };
  }
  const before = BEFORE.exec(body);
  if (!before) return undefined;
  const named = before[1]!.trim();
  if (NEXT.test(named)) return undefined;
  const target = words(named);
  if (target.length === 0) return undefined;
  const sentence = body.split(/(?<=[.!?])\s+/).find((part) => /\bbefore\b/i.test(part)) ?? body;
  const action = sentence
    .slice(0, sentence.search(/\bbefore\b/i))
    .replace(/[\s,;:]+$/, '')
    .trim();
  return { target, title: capitalise(action === '' ? body : action), gate: CHECK.test(sentence) ? sentence : undefined };
}

/**
 * "As a precaution, after any downgrade check the databases with …": an action prescribed
 * after something a path does. Only a check-like instruction counts ("after a restore the
 * index is rebuilt" describes, it does not prescribe).
 */
export function readsAsStatedAfter(text: string): { target: string[]; title: string } | undefined {
  const body = text.replace(LABEL, '').trim();
  const match = /\bafter\s+(?:(?:any|every|each|the|a|an)\s+)?([\w-]+(?:\s+[\w-]+)?)\s*,?\s+((?:check|verify|confirm|run|inspect|review|compare|make sure|ensure)\b(?:[^.;]|\.(?!\s|$))*)/i.exec(body);
  if (!match) return undefined;
  const target = words(match[1]!);
  if (target.length === 0) return undefined;
  // "… drift command to find migrations that did not reverse": the purpose is no part of the title.
  const action = match[2]!.split(/\s+(?:to|so that|in order to)\s+(?=\w)/)[0]!.trim();
  return { target, title: capitalise(action.split(/\s+/).length >= 3 ? action : match[2]!.trim()) };
}

/** Does the step (its title, commands, code or items; at any depth) name every word? */
export function stepMentions(step: Step, target: readonly string[]): boolean {
  const text = stepText(step);
  return target.every((word) => new RegExp(`(?<![\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i').test(text));
}

function stepText(step: Step): string {
  if (step.kind === 'choice') return [step.title, ...step.options.flatMap((option) => [option.title, ...option.steps.map(stepText)])].join('\n');
  if (step.kind === 'shell') return `${step.title}\n${step.script}`;
  return [step.title, ...step.items, step.code?.text ?? ''].join('\n');
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\w-]+/)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
