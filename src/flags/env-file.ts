/**
 * Env files (`~/work/infra/.env.infra`): where the note's feature flags live. Parsing and
 * path expansion are pure; `readFlagValue` reads the file through the injected file system.
 */

import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Io } from '../io.js';
import { compileSedPattern } from './sed-pattern.js';

/** `NAME=value` lines (optionally `export`ed and quoted); the last assignment wins, as in a shell. */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!match) continue;
    // A quoted value ends at its closing quote (a `# comment` may follow); an unquoted one at a comment.
    const quoted = /^(['"])(.*?)\1(?:\s+#.*)?$/.exec(match[2]!);
    values.set(match[1]!, quoted ? quoted[2]! : match[2]!.replace(/(?:^|\s+)#.*$/, ''));
  }
  return values;
}

/**
 * The absolute path of an env file as written in a note: `~` and `$HOME` from the given
 * environment, relative paths from the steps' working directory. Undefined when the path
 * uses other variables, which only the step's shell can expand.
 */
export function expandEnvFilePath(path: string, home: string | undefined, cwd: string): string | undefined {
  let expanded = path;
  if (expanded === '~' || expanded.startsWith('~/')) {
    if (!home) return undefined;
    expanded = home + expanded.slice(1);
  }
  expanded = expanded.replace(/\$\{HOME\}|\$HOME\b/g, () => home ?? '$HOME');
  if (expanded.includes('$') || expanded.startsWith('~')) return undefined;
  return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
}

/**
 * What the env file says about a flag now. `sedMatches` tells whether the step's `sed -i` pattern
 * finds a line of the file (false: the step would leave the file as it is); absent when there is
 * no pattern or it cannot be judged. `link` is where the env file really is when its path is a
 * symlink: `sed -i` would replace the link with a plain file and leave the target as it was.
 */
export type FlagReading = { state: 'set'; value: string; sedMatches?: boolean; link?: string } | { state: 'unset'; link?: string } | { state: 'no-file'; path: string } | { state: 'unknown'; reason: string };

/** Reads one flag's current value from its env file. Never throws: the reading says what happened. */
export async function readFlagValue(envFile: string, name: string, io: Pick<Io, 'fs' | 'env' | 'cwd'>, cwd = io.cwd, sedPattern?: string): Promise<FlagReading> {
  const unset = unsetVariable(envFile, io.env);
  if (unset) return { state: 'unknown', reason: `${envFile} uses $${unset}, which is not set` };
  const path = expandEnvFilePath(expandVariables(envFile, io.env), io.env.HOME, cwd);
  if (!path) return { state: 'unknown', reason: `${envFile} uses variables only the step's shell can expand` };
  let bytes: Uint8Array;
  try {
    bytes = await io.fs.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'no-file', path };
    return { state: 'unknown', reason: code === 'ENOTREG' || code === 'EFBIG' ? `${path} ${(error as Error).message}` : `${path} cannot be read (${code})` };
  }
  const text = new TextDecoder().decode(bytes);
  const value = parseEnvFile(text).get(name);
  const link = await symlinkTarget(path);
  const where = link === undefined ? {} : { link };
  if (value === undefined) return { state: 'unset', ...where };
  const pattern = sedPattern === undefined ? undefined : compileSedPattern(sedPattern);
  if (!pattern) return { state: 'set', value, ...where };
  return {
    state: 'set',
    value,
    sedMatches: text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .some((line) => pattern.test(line)),
    ...where,
  };
}

/** The real path of a symlink (resolved all the way), or undefined for anything else. */
async function symlinkTarget(path: string): Promise<string | undefined> {
  try {
    return (await lstat(path)).isSymbolicLink() ? await realpath(path) : undefined;
  } catch {
    return undefined;
  }
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The first `$NAME` of a path that the environment does not set (the step's shell would make it empty). */
function unsetVariable(path: string, env: Record<string, string | undefined>): string | undefined {
  for (const match of path.matchAll(VARIABLE)) {
    const name = match[1] ?? match[2]!;
    if (env[name] === undefined || env[name] === '') return name;
  }
  return undefined;
}

/** `$NAME` and `${NAME}` from the environment, as the step's shell would expand them. */
function expandVariables(path: string, env: Record<string, string | undefined>): string {
  return path.replace(VARIABLE, (_all, braced: string | undefined, bare: string | undefined) => env[braced ?? bare!] ?? '');
}
