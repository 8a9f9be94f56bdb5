/**
 * The world as commands see it: files, processes, output streams, environment and clock.
 * `createNodeIo()` gives the real one; tests pass their own directories, env and streams.
 */

import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { isatty } from 'node:tty';
import { readRegularFile } from './files/read-file-safely.js';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface DirectoryEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink?(): boolean;
}

export interface FileSystem {
  /** Regular files only, at most MAX_INPUT_BYTES (see files/read-file-safely.ts). */
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<DirectoryEntry[]>;
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean }>;
  /** Where a path really leads (symlinks followed); without it, paths are taken as they read. */
  realpath?(path: string): Promise<string>;
}

/** A syntax problem in one script, as `bash -n` reports it. */
export interface SyntaxProblem {
  /** 0-based line within the script. */
  line: number;
  message: string;
}

/** Checks scripts with `bash -n`; the result has one entry per script (undefined when it is fine). */
export type SyntaxChecker = (scripts: string[]) => Promise<(SyntaxProblem | undefined)[]>;

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface Io {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Whether a person can answer prompts: stdin is a terminal (stdout may be a pipe, as with `| tee`). */
  interactive: boolean;
  fs: FileSystem;
  checkSyntax: SyntaxChecker;
  now(): Date;
  random(): number;
  host: string;
  user: string;
  pid: number;
  processAlive(pid: number): boolean;
  /** Subscribes to a signal; returns the unsubscribe function. */
  onSignal(signal: SignalName, handler: () => void): () => void;
}

/**
 * Marks the signal listeners runbook's own code subscribed through `onSignal`: while one is
 * there, a signal is handled (the run stops gracefully); without one, the lock's exit
 * handler releases the lock and lets the signal end the process (see journal/lock.ts).
 */
export const HANDLES_SIGNAL = Symbol.for('runbook.handlesSignal');

/**
 * The real world. `checksPlans`: the command will check a plan's scripts with `bash -n`, so
 * its bash is started now, overlapping with reading the note; other commands (`runs`, `log`,
 * `list`) start no process and load no checker unless one is asked for.
 */
export async function createNodeIo(options: { checksPlans?: boolean } = {}): Promise<Io> {
  const checkSyntax: SyntaxChecker = options.checksPlans ? (await import('./execute/check-syntax.js')).createBashSyntaxChecker() : async (scripts) => (await import('./execute/check-syntax.js')).checkBashSyntax(scripts);
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    fs: { readFile: (path) => readRegularFile(path), readdir: (path) => fs.readdir(path, { withFileTypes: true }), stat: (path) => fs.stat(path), realpath: (path) => fs.realpath(path) },
    // isatty, not process.stdin: making the stdin stream costs start-up time that `runs` and `log` never need.
    interactive: isatty(0),
    checkSyntax,
    now: () => new Date(),
    random: Math.random,
    host: hostname(),
    user: process.env.USER || safeUserName(),
    pid: process.pid,
    processAlive,
    onSignal(signal, handler) {
      const listener = Object.assign(() => handler(), { [HANDLES_SIGNAL]: true });
      process.on(signal, listener);
      return () => process.off(signal, listener);
    },
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * `kill -0`: ESRCH means gone; EPERM means alive but someone else's. A zombie (killed, not
 * yet reaped — common in containers whose init does not reap) is gone too.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill -0 is all we know
  }
}
