/**
 * Template markers (`[COMPONENT]`, `[service]`, `[YYYY-MM-DD]`) and operator parameters
 * (`<incident-id>`) in text. Markers mean the note was copied from the template and not
 * filled in; parameters are values the operator gives at run time.
 */

import { stripComment } from './shell-words.js';

// A bracketed word or phrase. The checks below tell markers from bash's own brackets:
// `[ -f x ]` (space inside), `[[ … ]]`, `${arr[0]}` (after a name), `[a-z]`, `[^=]`.
const BRACKETED = /\[([^\][\n]+)\]/g;
const SHOUTED = /^[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*$/; // COMPONENT, STAGE_ID, YYYY-MM-DD
const WORDS = /^[A-Za-z][a-z]+(?:[ _-][A-Za-z][a-z0-9]+)*$/; // service, Name, Use Case
// Log tags scripts print (`echo "[WARN] …"`); they look like markers but are meant.
const LOG_TAGS = new Set(['INFO', 'WARN', 'WARNING', 'ERROR', 'ERR', 'DEBUG', 'OK', 'FAIL', 'FAILED', 'DONE', 'PASS', 'SKIP', 'NOTICE']);

/** Is the bracketed text a template marker rather than shell or regex syntax? */
export function isTemplateMarker(inner: string): boolean {
  if (inner !== inner.trim()) return false;
  if (/^e\.g\./i.test(inner) || inner.includes('...') || inner.includes('…')) return true;
  if (LOG_TAGS.has(inner.toUpperCase())) return false;
  if (/^\^?(?:[A-Za-z0-9]-[A-Za-z0-9])+$/.test(inner)) return false; // `tr '[a-z]' '[A-Z]'`, `[A-Za-z0-9]`
  if (SHOUTED.test(inner)) return inner.length >= 3;
  if (WORDS.test(inner)) return inner.length >= 4;
  // "Planning | In Progress | Complete", "2-3 sentence overview of …"
  return /\s\|\s/.test(inner) || (inner.split(/\s+/).length >= 3 && /^[\w.,'()/-]+(?:\s+[\w.,'()/-]+)+$/.test(inner) && /[a-z]{3}/.test(inner));
}

export interface TextMatch {
  text: string;
  /** 0-based column. */
  column: number;
}

/** Template markers in one line of a script; comments are ignored since bash never runs them. */
export function findScriptMarkers(line: string): TextMatch[] {
  return findMarkers(stripComment(line), { sentencesAreMarkers: false });
}

/**
 * Word-like template markers (`[Name]`, `[service]`) in the text of a manual step. Bracketed
 * sentences are left alone there: the template's own advice ("[Follow full rollback plan
 * from …]") is often kept as written in filled-in notes, and it reads fine.
 */
export function findStepTextMarkers(text: string): TextMatch[] {
  return findMarkers(text, { sentencesAreMarkers: false });
}

/** Template markers in prose (titles, metadata values). */
export function findTextMarkers(text: string): TextMatch[] {
  return findMarkers(text, { sentencesAreMarkers: true });
}

function findMarkers(text: string, options: { sentencesAreMarkers: boolean }): TextMatch[] {
  const found: TextMatch[] = [];
  for (const match of text.matchAll(BRACKETED)) {
    const inner = match[1]!;
    const index = match.index;
    const before = index > 0 ? text[index - 1]! : '';
    const after = text[index + match[0].length] ?? '';
    if (before === '[' || after === ']' || /[A-Za-z0-9$]/.test(before)) continue;
    const isSentence = inner.trim().split(/\s+/).length >= 3 && !/\s\|\s/.test(inner) && !/^e\.g\./i.test(inner);
    if (isSentence && !options.sentencesAreMarkers) continue;
    if (isTemplateMarker(inner)) found.push({ text: match[0], column: index });
  }
  return found;
}

/** `<incident-id>`: a value the operator gives at run time. */
export const PARAMETER = /(?<![<\w])<([A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*)>/g;

/** `<incident-id>` style parameters in one script line (comments ignored). */
export function findParameters(line: string): TextMatch[] {
  return [...stripComment(line).matchAll(PARAMETER)].map((match) => ({ text: match[1]!, column: match.index }));
}
