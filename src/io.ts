/**
 * The world as commands see it: files, processes, output streams, environment and clock.
 * `createNodeIo()` gives the real one; tests pass their own directories, env and streams.
 */

import * as fs from 'node:fs/promises';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface DirectoryEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<DirectoryEntry[]>;
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean }>;
}

/** A syntax problem in one script, as `bash -n` reports it. */
export interface SyntaxProblem {
  /** 0-based line within the script. */
  line: number;
  message: string;
}

/** Checks scripts with `bash -n`; the result has one entry per script (undefined when it is fine). */
export type SyntaxChecker = (scripts: string[]) => Promise<(SyntaxProblem | undefined)[]>;

export interface Io {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
  fs: FileSystem;
  checkSyntax: SyntaxChecker;
  now(): Date;
}

export async function createNodeIo(): Promise<Io> {
  const { createBashSyntaxChecker } = await import('./execute/check-syntax.js');
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    fs: { readFile: (path) => fs.readFile(path), readdir: (path) => fs.readdir(path, { withFileTypes: true }), stat: (path) => fs.stat(path) },
    checkSyntax: createBashSyntaxChecker(),
    now: () => new Date(),
  };
}
