/**
 * The shell state the steps of one run share, as if typed into one terminal: the variables a
 * step exports (`export X=…`, `source venv/bin/activate`'s PATH and VIRTUAL_ENV) and the
 * folder it `cd`s to carry into every later step, also across `runbook resume`.
 *
 * Each step still runs in its own bash (process group, errexit, timeouts unchanged). Its script
 * gets a prefix on line 1 (so bash's line numbers stay the note's) that sets an EXIT trap, and a
 * last line: when the script exits 0, they write `$PWD` and every exported variable,
 * NUL-separated, to a dump file runbook created (0600). Only after the step succeeded does runbook read the dump, keep what differs from
 * the run's starting environment, and save it (mode 0600: it may hold secrets) next to the
 * journal. A failed, timed-out or interrupted step leaves the saved state as it was.
 *
 * Not carried: plain (unexported) shell variables, functions, aliases, `set` options, traps, and
 * runbook's own RUNBOOK_* variables, which runbook sets for every step itself.
 */

import { lstatSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_INPUT_BYTES, readRegularFileSync } from '../files/read-file-safely.js';
import { writeFileSafely } from '../files/write-file-safely.js';

/** What the steps so far changed, relative to the environment runbook starts each step with. */
export interface SessionState {
  /** The folder the last successful step ended in, when it `cd`'d away from the run's folder. */
  cwd?: string;
  /** Variables set or changed. */
  set: Record<string, string>;
  /** Variables of the starting environment a step unset. */
  unset: string[];
  /** Note lines the successful steps ran: a later step does not run them again (see `step`). */
  ran?: number[];
}

type Env = Record<string, string | undefined>;

/** Bash keeps these itself; runbook sets RUNBOOK_* for every step. */
const NOT_CARRIED = new Set(['PWD', 'OLDPWD', 'SHLVL', '_']);
const carried = (name: string) => !NOT_CARRIED.has(name) && !name.startsWith('RUNBOOK_') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

export function emptySession(): SessionState {
  return { set: {}, unset: [] };
}

/** The environment and folder of the next step: the run's, with what earlier steps changed. */
export function applySession(state: SessionState, env: Env, cwd: string): { env: Env; cwd: string } {
  const next: Env = { ...env };
  for (const [name, value] of Object.entries(state.set)) if (carried(name)) next[name] = value;
  for (const name of state.unset) if (carried(name)) delete next[name];
  return { env: next, cwd: state.cwd ?? cwd };
}

/**
 * The script with what dumps the shell state on success: an EXIT trap, set by a prefix that ends
 * in `;` on the script's first line (so errors still name the note's line numbers), and a last
 * line, for a step that replaces the trap with its own `trap … EXIT` and runs to its end. The last
 * line is left off where it could join the script's own (a trailing `\`, a here-document).
 */
export function withSessionDump(script: string, dumpPath: string): string {
  const path = `'${dumpPath.replace(/'/g, `'\\''`)}'`;
  const prefix = [
    // No subshell (a fork per step): runbook creates the dump file 0600 beforehand; IFS stays the step's.
    '__runbook_session_dump() { local IFS=$\'\\n\' __rb_name; { printf \'%s\\0\' "$PWD"; for __rb_name in $(compgen -e); do [ -n "${!__rb_name+set}" ] && printf \'%s=%s\\0\' "$__rb_name" "${!__rb_name}"; done; } > ' +
      path +
      ' || true; }',
    '__runbook_session_save() { local __rb_status=$?; trap - EXIT; if [ "$__rb_status" -eq 0 ]; then __runbook_session_dump; fi; return "$__rb_status"; }',
    // The last line's: the script's status stays its last command's (`test -f x && …` may end it in 1).
    '__runbook_session_end() { if [ "$1" -eq 0 ]; then __runbook_session_dump; fi; return "$1"; }',
    'trap __runbook_session_save EXIT; ',
  ].join('; ');
  const last = /\\\s*$/.test(script) || script.includes('<<') ? '' : '\n__runbook_session_end "$?"';
  return prefix + script + last;
}

/** What a dump says, as the state relative to `base` (the run's environment, without the session). */
export function sessionFromDump(dump: string, base: Env, runCwd: string): SessionState | undefined {
  const records = dump.split('\0');
  // A complete dump ends with a NUL: the last record is empty. Anything else was cut short.
  if (records.length < 2 || records.pop() !== '') return undefined;
  const cwd = records.shift()!;
  const after = new Map<string, string>();
  for (const record of records) {
    const equals = record.indexOf('=');
    if (equals > 0) after.set(record.slice(0, equals), record.slice(equals + 1));
  }
  const set: Record<string, string> = {};
  for (const [name, value] of after) if (carried(name) && base[name] !== value) set[name] = value;
  const unset = Object.keys(base).filter((name) => base[name] !== undefined && carried(name) && !after.has(name));
  return { ...(cwd && cwd !== runCwd ? { cwd } : {}), set, unset };
}

/** Parses a saved state; anything that is not one (damaged, hand-edited) counts as no state. */
export function parseSession(text: string): SessionState | undefined {
  try {
    const value = JSON.parse(text) as Partial<SessionState>;
    const strings = (record: unknown) => typeof record === 'object' && record !== null && Object.values(record).every((item) => typeof item === 'string');
    if (!strings(value.set) || !Array.isArray(value.unset) || !value.unset.every((name) => typeof name === 'string')) return undefined;
    if (value.cwd !== undefined && typeof value.cwd !== 'string') return undefined;
    const ran = Array.isArray(value.ran) ? value.ran.filter((line) => Number.isInteger(line)) : [];
    return { ...(value.cwd !== undefined ? { cwd: value.cwd } : {}), set: value.set as Record<string, string>, unset: value.unset, ran };
  } catch {
    return undefined;
  }
}

/** One step's run inside the session: what to run, then `finish` once it is over. */
export interface SessionStep {
  script: string;
  cwd: string;
  env: Env;
  /** Saves the step's state when it succeeded; returns a warning when that was not possible. */
  finish(ok: boolean): string | undefined;
}

export interface ShellSession {
  /**
   * `env` is the run's environment for the step (RUNBOOK_STEP included); `cwd` the run's folder;
   * `lineMap` the note line of each script line.
   */
  step(script: string, cwd: string, env: Env, lineMap?: readonly number[]): SessionStep;
  /** The variables earlier steps set (a new object whenever they change): their secrets are masked. */
  variables(): Record<string, string>;
  /** Removes the saved state (a succeeded run is never resumed, and it may hold secrets). */
  discard(): void;
}

/** Where a run keeps its session: `<runs>/<run-id>.session.json`, next to its journal. */
export function sessionPath(runsDir: string, runId: string): string {
  return join(runsDir, `${runId}.session.json`);
}

/**
 * The session of a run, kept in `path`; a resume passes the same path and picks up the state the
 * last successful step left. Written whole (temp file, rename), mode 0600.
 */
export function openShellSession(path: string): ShellSession {
  let state = readSession(path);
  const dumpPath = `${path}.dump`;
  return {
    step(written, runCwd, env, lineMap = []) {
      const applied = applySession(state, env, runCwd);
      const script = withoutRepeatedSetup(written, lineMap, state.ran ?? []);
      rmSync(dumpPath, { force: true });
      // Created here, 0600 and new (never through a link): bash only fills it.
      let unwritable: string | undefined;
      try {
        writeFileSync(dumpPath, '', { mode: 0o600, flag: 'wx' });
      } catch (error) {
        unwritable = (error as Error).message;
      }
      const gone = missingFolder(applied.cwd);
      return {
        // The folder an earlier step moved to is gone: fail the step rather than run it elsewhere.
        script: gone ? `echo ${quote(`runbook: the folder an earlier step changed to, ${applied.cwd}, is gone (${gone}); the step did not run`)} >&2; exit 1` : unwritable ? script : withSessionDump(script, dumpPath),
        cwd: gone ? runCwd : applied.cwd,
        env: applied.env,
        finish(ok) {
          try {
            if (!ok) return undefined;
            if (unwritable) return `its exported variables and folder were not saved: ${unwritable}`;
            const base = Object.fromEntries(Object.entries(env).filter(([name]) => carried(name)));
            const dump = readFileSync(dumpPath, 'utf8');
            if (dump === '') {
              // `exec`, or the step's own `trap … EXIT` and an `exit`: nothing to carry from it.
              return 'its exported variables and folder were not saved (it replaced the shell with exec, or set its own EXIT trap): later steps see the state before it';
            }
            const next = sessionFromDump(dump, base, runCwd);
            if (!next) return 'its exported variables and folder were not saved (the dump was cut short): later steps see the state before it';
            // It may hold secrets: never written through a link to somewhere else.
            if (isLink(path)) return `its exported variables and folder were not saved: ${path} is a symlink, not runbook's file`;
            next.ran = [...new Set([...(state.ran ?? []), ...lineMap])];
            writeFileSafely(path, `${JSON.stringify(next)}\n`, { what: 'the shell session file', mode: 0o600 });
            state = next;
            return undefined;
          } catch (error) {
            return `its exported variables and folder were not saved: ${(error as Error).message}`;
          } finally {
            rmSync(dumpPath, { force: true });
          }
        },
      };
    },
    variables: () => state.set,
    discard() {
      rmSync(path, { force: true });
      rmSync(dumpPath, { force: true });
    },
  };
}

/**
 * A block split by `# 1. Title` markers repeats its setup lines (`cd build`, `export …`) at the
 * start of every marked step, so each can also run alone (`--from 2`). In one session they ran
 * already: a second relative `cd build` would fail. Leading lines whose note lines an earlier
 * successful step ran become blank (bash's line numbers stay the note's).
 */
function withoutRepeatedSetup(script: string, lineMap: readonly number[], ran: readonly number[]): string {
  if (ran.length === 0) return script;
  const done = new Set(ran);
  const lines = script.split('\n');
  let repeated = 0;
  while (repeated < lines.length && lineMap[repeated] !== undefined && done.has(lineMap[repeated]!)) repeated++;
  if (repeated === 0 || repeated === lines.length) return script;
  return [...lines.slice(0, repeated).map(() => ''), ...lines.slice(repeated)].join('\n');
}

function readSession(path: string): SessionState {
  try {
    // Never through a link, never a FIFO (it blocked resume for good, deaf to SIGTERM), bounded.
    return parseSession(readRegularFileSync(path, MAX_INPUT_BYTES).toString('utf8')) ?? emptySession();
  } catch {
    return emptySession();
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function missingFolder(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? undefined : 'not a folder';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'cannot be used';
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
