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

/**
 * Bracketed names the migration notes template itself uses: left in a runnable step, they mean
 * the note was never filled in. Any other bracketed name there (`[filename]`) is a parameter.
 */
const TEMPLATE_FIELDS = new Set([
  'component',
  'component_name',
  'service',
  'name',
  'names',
  'value',
  'use case',
  'another use case',
  'date',
  'owner',
  'stage',
  'stage_id',
  'placeholder',
  'placeholders',
  'metric 1',
  'metric 2',
]);

/** Template markers in one line of a script; comments are ignored since bash never runs them. */
export function findScriptMarkers(line: string): TextMatch[] {
  return findMarkers(stripComment(line), { sentencesAreMarkers: false }).filter((match) => isTemplateField(match.text.slice(1, -1)));
}

/** Shouted names (`[COMPONENT]`, `[YYYY-MM-DD]`), the template's own fields, sentences and `e.g.` stay template markers. */
function isTemplateField(inner: string): boolean {
  return SHOUTED.test(inner) || TEMPLATE_FIELDS.has(inner.toLowerCase()) || !WORDS.test(inner);
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

/**
 * `<incident-id>`, `<SNAPSHOT.db>`, `<x.y.z>`, `<Issue or doc link>`: a value the operator gives
 * at run time, also inside a file name after `_`, `-` or `+` (`pkg_<version>+<codename>1.deb`).
 * Never `<<EOF`, `< file` or `a<b>c`.
 */
export const PARAMETER = /(?<![<A-Za-z0-9])<([A-Za-z][\w.-]*(?: [\w.-]+)*)>/g;

/** `<incident-id>` style parameters in one script line (comments ignored). */
export function findParameters(line: string): TextMatch[] {
  return [...stripComment(line).matchAll(PARAMETER)].map((match) => ({ text: match[1]!, column: match.index }));
}

/** Other spellings of a parameter, rewritten to `<name>` so bash never reads them. */
const SPELLINGS: { pattern: RegExp; name: (match: (string | undefined)[]) => string }[] = [
  // `$YOUR_INSTANCE`, `${YOUR_TOKEN}`, `YOUR_API_KEY`: the text says to put your own value there.
  { pattern: /\$\{(YOUR_[A-Z0-9_]+)\}|\$(YOUR_[A-Z0-9_]+)\b|(?<![\w$])(YOUR_[A-Z0-9_]+)\b/g, name: (match) => match[1] ?? match[2] ?? match[3]! },
  // `vX.Y.Z`, `X.Y.Z`, `vX.Y.Zk3s1`: a version to fill in.
  { pattern: /(?<![\w.<])(v?X\.Y\.Z[\w.+-]*)(?![\w>])/g, name: (match) => match[1]! },
];

export interface NormalisedLine {
  line: string;
  /** Names of the parameters rewritten, with the spelling they had. */
  rewritten: { name: string; text: string }[];
}

/**
 * A script line with every parameter spelled `<name>`: `[filename]` (a bracketed name that is
 * not a template field), `$YOUR_X`, `vX.Y.Z`, and the example values the text names
 * (`examples`: "for example 15.0.5", "replace `1.3.0` accordingly"). Comments stay as written.
 */
export function normaliseParameters(line: string, examples: ReadonlyMap<string, string> = new Map()): NormalisedLine {
  const code = stripComment(line);
  const comment = line.slice(code.length);
  const rewritten: NormalisedLine['rewritten'] = [];
  let text = code;
  for (const match of findMarkers(code, { sentencesAreMarkers: false })) {
    const inner = match.text.slice(1, -1);
    if (isTemplateField(inner)) continue;
    text = text.replace(match.text, `<${inner}>`);
    rewritten.push({ name: inner, text: match.text });
  }
  for (const { pattern, name } of SPELLINGS) {
    text = text.replace(pattern, (whole: string, ...groups: unknown[]) => {
      const parameter = name([whole, ...(groups.slice(0, -2) as (string | undefined)[])]);
      rewritten.push({ name: parameter, text: whole });
      return `<${parameter}>`;
    });
  }
  // `yum install gitlab-ee-15.0.5-ee.0.el8`: an RPM dist tag names the operator's OS release, which may not be the note's.
  if (RPM_TOOL.test(text)) {
    text = text.replace(DIST_TAG, (tag: string) => {
      rewritten.push({ name: tag, text: tag });
      return `<${tag}>`;
    });
  }
  for (const [example, parameter] of examples) {
    const escaped = example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // `py3_1.3.0+stretch1_amd64`: inside a file name too, but not inside a longer number or word.
    const after = /^v?\d/.test(example) ? '(?![\\d]|\\.\\d)' : '(?![a-z])';
    text = text.replace(new RegExp(`(?<![A-Za-z0-9.<])${escaped}${after}`, 'g'), () => {
      rewritten.push({ name: parameter, text: example });
      return `<${parameter}>`;
    });
  }
  return { line: text + comment, rewritten };
}

const RPM_TOOL = /(?:^|[\s;&|(])(?:sudo\s+)?(?:yum|dnf|microdnf|rpm|zypper)\s/;
const DIST_TAG = /(?<=\.)(?:el\d{1,2}|fc\d{2}|amzn\d{1,4})(?![A-Za-z0-9])/g;

/**
 * Example values a step's text says to replace: "for example, to GitLab 15.0.5", "# replace
 * `1.3.0` and `stretch` accordingly". Versions become `version`; other values keep their text.
 * "(Replace with gitlab-ce if …)" names the other value of a part of a name the commands
 * (`lines`) use: `gitlab-ee` there makes `ee` the parameter, wherever it is a part of a name
 * (`gitlab-ee=15.0.5-ee.0`).
 */
export function findExampleValues(texts: readonly string[], lines: readonly string[] = []): Map<string, string> {
  const examples = new Map<string, string>();
  const code = lines.map((line) => stripComment(line)).join('\n');
  for (const text of texts) {
    const other = /\breplace\s+(?:it\s+|this\s+|that\s+)?with\s+`?([\w.+]+(?:[-_][\w.+]+)+)`?/i.exec(text);
    const cut = other ? other[1]!.search(/[-_][^-_]+$/) : -1;
    if (other && cut > 0) {
      const prefix = other[1]!.slice(0, cut + 1);
      const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      for (const match of code.matchAll(new RegExp(`(?<![\\w.-])${escaped}([A-Za-z]\\w{0,7})(?![\\w])`, 'g'))) {
        if (match[1] !== other[1]!.slice(cut + 1)) examples.set(match[1]!, match[1]!);
      }
    }
    for (const match of text.matchAll(/\b(?:for example|e\.g\.|such as)\b[^.;\n]*?\b(v?\d+\.\d+\.\d+)\b/gi)) examples.set(match[1]!, 'version');
    const replace = /\breplace\s+((?:`[^`]+`(?:\s*(?:,|and|or)\s*)?)+)\s*(?:accordingly|with your|as needed)/i.exec(text);
    if (replace) {
      for (const value of replace[1]!.matchAll(/`([^`]+)`/g)) examples.set(value[1]!, /^v?\d+\.\d+/.test(value[1]!) ? 'version' : value[1]!);
    }
  }
  return examples;
}
