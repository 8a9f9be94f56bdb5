/**
 * Feature flags: `NAME=false` assignments in rollback scripts, inline code and
 * `Feature flag:` bullets, and which file a step edits to set them.
 */

import { PARAMETER } from './placeholders.js';
import { splitCommands, type SimpleCommand } from './shell-words.js';
import type { FlagMention } from './types.js';

/** Names that say they are feature flags. */
const FLAG_NAME = /^(?:USE_|ENABLE_|DISABLE_|FEATURE_|FF_|FLAG_)|_(?:ENABLED|DISABLED|FLAG|FEATURE)$/;

/** Commands whose `NAME=value` arguments set a variable that outlives them. */
const SETTERS = new Set(['export', 'declare', 'typeset', 'readonly', 'local', 'set']);

const FLAG_ASSIGNMENT = /(?<![\w$])([A-Z][A-Z0-9_]*[A-Z0-9])=(true|false|on|off|0|1)(?![\w.-])/gi;

/** Every `NAME=value` flag assignment in a piece of text. */
export function findFlagAssignments(text: string): { name: string; value: string }[] {
  return [...text.matchAll(FLAG_ASSIGNMENT)].filter((match) => match[1] === match[1]!.toUpperCase()).map((match) => ({ name: match[1]!, value: match[2]! }));
}

/**
 * Flag mentions in a step's script. `lineMap[i]` is the note line of script line `i`.
 * A flag set by `sed -i` or `>>`/`tee` names the file edited; the value is the one the
 * command leaves in place (the replacement side of `s/…/…/`).
 */
export function findScriptFlags(script: string, lineMap: number[], step: string): FlagMention[] {
  // `<name>` parameters are values, not redirections, to the lexer too.
  const commands = splitCommands(script.replace(PARAMETER, (whole) => whole.replace(/[<>]/g, '_')));
  const mentions: FlagMention[] = [];
  for (const command of commands) {
    const line = lineMap[command.line] ?? lineMap[0] ?? 0;
    const name = command.words[0] ?? '';
    if (name === 'sed' || name === 'gsed') {
      mentions.push(...sedFlags(command, line, step));
      continue;
    }
    const fileTargets = writtenFiles(command, commands);
    // `INSTALL_K3S_SKIP_START=true sh -`: the environment of one command, and
    // `rails db:rollback STEP=1`: an argument to it; neither sets a flag that outlives the
    // command, unless its name says it is one (USE_NEW_X, X_ENABLED, FEATURE_X) or the
    // command writes it somewhere (`echo X=0 >> .env`, `export X=0`).
    const runsProgram = command.words.some((word) => !/^[A-Za-z_]\w*=/.test(word)) && !SETTERS.has(command.words[0]!);
    for (const word of command.words) {
      for (const { name: flag, value } of findFlagAssignments(word)) {
        if (runsProgram && fileTargets.length === 0 && !FLAG_NAME.test(flag)) continue;
        const envFile = fileTargets[0];
        mentions.push(envFile ? { name: flag, value, line, source: 'append', envFile, step } : { name: flag, value, line, source: 'assignment', step });
      }
    }
  }
  return mentions;
}

/** Files a command writes its output to: `>`/`>>` redirects, or a `tee` later in its pipeline. */
function writtenFiles(command: SimpleCommand, commands: SimpleCommand[]): string[] {
  const redirected = command.redirects.filter((redirect) => redirect.op !== '<').map((redirect) => redirect.target);
  if (redirected.length > 0) return redirected;
  const tee = commands.find((other) => other.pipeline === command.pipeline && other !== command && other.words[0] === 'tee');
  return tee ? tee.words.slice(1).filter((word) => !word.startsWith('-')) : [];
}

function sedFlags(command: SimpleCommand, line: number, step: string): FlagMention[] {
  const scripts: string[] = [];
  const files: string[] = [];
  let inPlace = false;
  let extended = false;
  const words = command.words.slice(1);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-e' || word === '--expression') scripts.push(words[++i] ?? '');
    else if (word.startsWith('--expression=')) scripts.push(word.slice('--expression='.length));
    else if (word === '-f' || word === '--file') i += 1;
    else if (word === '-i' || /^-i\S/.test(word) || word.startsWith('--in-place')) inPlace = true;
    else if (/^-[a-zA-Z]+$/.test(word)) {
      inPlace ||= word.includes('i');
      extended ||= /[Er]/.test(word);
    } else if (word === '--regexp-extended') extended = true;
    else if (word.startsWith('--')) continue;
    else if (scripts.length === 0) scripts.push(word);
    else files.push(word);
  }
  const mentions: FlagMention[] = [];
  for (const script of scripts) {
    for (const { name, value, pattern } of sedReplacements(script)) {
      // Only a basic regular expression is judged against the file later (`-E` patterns are not).
      const sedPattern = pattern && !extended ? { sedPattern: pattern } : {};
      mentions.push(inPlace && files[0] ? { name, value, line, source: 'sed', envFile: files[0], step, ...sedPattern } : { name, value, line, source: 'assignment', step });
    }
  }
  return mentions;
}

/**
 * Flag assignments a sed script writes: those on the replacement side of each `s` command
 * (`s/X=true/X=false/` → X=false). `/X/s/=true/=false/` names the flag in its address.
 */
function sedReplacements(script: string): { name: string; value: string; pattern?: string }[] {
  const found: { name: string; value: string; pattern?: string }[] = [];
  const substitution = /s(.)((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1([a-zA-Z0-9]*)/g;
  for (const match of script.matchAll(substitution)) {
    const [, , pattern = '', replacement = '', options = ''] = match;
    const direct = findFlagAssignments(replacement);
    if (direct.length > 0) {
      // With one flag in `s/X=true/X=false/`, the pattern is what must be in the file for the edit to happen.
      const judged = direct.length === 1 && !/[iIM]/.test(options); // case-insensitive or multi-line matches are not judged
      found.push(...direct.map((assignment) => (judged ? { ...assignment, pattern: unescapeDelimiter(pattern, match[1]!) } : assignment)));
      continue;
    }
    const value = /^=(true|false|on|off|0|1)$/i.exec(replacement)?.[1];
    const name = /([A-Z][A-Z0-9_]*[A-Z0-9])/.exec(pattern)?.[1] ?? /([A-Z][A-Z0-9_]*[A-Z0-9])/.exec(script.slice(0, match.index))?.[1];
    if (value && name) found.push({ name, value });
  }
  return found;
}

/** `s|a\|b|…|` → `a|b`: the delimiter escaped inside the pattern is a plain character. */
function unescapeDelimiter(pattern: string, delimiter: string): string {
  return pattern.replaceAll(`\\${delimiter}`, delimiter);
}
