/**
 * Reads a note file from disk and parses it. Every way reading can fail becomes a one-line
 * `NoteError` naming the file and what to do.
 */

import { dirname, join, relative, resolve } from 'node:path';
import { formatProblem, NoteError, type NoteProblem } from '../errors.js';
import type { Io } from '../io.js';
import { decodeNote } from '../note/decode.js';
import { checkNoteLimits } from '../note/limits.js';
import { loadParseNote, type ParseNote } from '../note/compiled-parser.js';
import { findLinks, isInside, linkCandidates, linkRoots, spliceLinkedPlan } from '../note/linked-plans.js';
import type { Note } from '../note/types.js';
import { runbooksDir } from './find-note.js';

/** `path` is shown in messages as given (relative paths stay relative). */
export async function loadNote(path: string, io: Io): Promise<Note> {
  const [bytes, parse] = await Promise.all([readNoteBytes(path, io), loadParseNote()]);
  const note = noteFromBytes(path, bytes, parse);
  await linkPlans(note, io, parse);
  return note;
}

/**
 * Paths that only point at another plan take its steps when the file exists next to the note,
 * in the runbooks folder or at the repository root; otherwise the pointer stays a manual step
 * (lint reports it).
 */
async function linkPlans(note: Note, io: Io, parse: ParseNote): Promise<void> {
  for (const request of findLinks(note)) {
    for (const candidate of await linkedPlanFiles(note.file, request.target, io)) {
      const bytes = await io.fs.readFile(candidate).catch(() => undefined);
      if (!bytes) continue;
      const decoded = decodeNote(bytes);
      if (!decoded.ok || checkNoteLimits(decoded.text)) break;
      const shown = relative(io.cwd, candidate) || candidate;
      const linked = parse(decoded.text, shown, { wholeFile: true });
      spliceLinkedPlan(request, linked, shown, []);
      // The flags the linked steps set are the plan's flags too (a run checks them at the end).
      note.rollback?.flagMentions.push(...(linked.rollback?.flagMentions ?? []).map((mention) => ({ ...mention, file: shown })));
      break;
    }
  }
}

/**
 * The files a pointer may name, in order, each still inside one of its folders once symlinks are
 * followed: a `linked.md` in the runbooks folder that links to `/etc/…` or out of the repository
 * is no candidate (docs/security.md). Devices and FIFOs are refused later, by `io.fs.readFile`.
 */
export async function linkedPlanFiles(noteFile: string, target: string, io: Io): Promise<string[]> {
  const dirs = { cwd: io.cwd, runbooks: runbooksDir(undefined, io), repoRoot: await findRepoRoot(dirname(resolvePath(noteFile, io)), io) };
  const real = (path: string) => (io.fs.realpath ? io.fs.realpath(path).catch(() => undefined) : Promise.resolve(path));
  const roots = (await Promise.all(linkRoots(noteFile, dirs).map(real))).filter((root) => root !== undefined);
  const files: string[] = [];
  for (const candidate of linkCandidates(noteFile, target, dirs)) {
    const path = await real(candidate);
    if (path !== undefined && roots.some((root) => isInside(path, root))) files.push(candidate);
  }
  return files;
}

/** The nearest folder up from `start` that holds `.git`. */
export async function findRepoRoot(start: string, io: Pick<Io, 'fs'>): Promise<string | undefined> {
  let dir = start;
  for (;;) {
    const found = await io.fs.stat(join(dir, '.git')).then(
      () => true,
      () => false,
    );
    if (found) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The bytes of a note file; a file that cannot be read is a `NoteError` saying why. */
export async function readNoteBytes(path: string, io: Io): Promise<Uint8Array> {
  try {
    return await io.fs.readFile(resolvePath(path, io));
  } catch (error) {
    throw unreadable({ file: path, message: readFailure(error) });
  }
}

/** Decodes and parses a note's bytes (pure); binary or non-UTF-8 bytes are a `NoteError`. */
export function noteFromBytes(path: string, bytes: Uint8Array, parse: ParseNote): Note {
  const decoded = decodeNote(bytes);
  if (!decoded.ok) throw unreadable({ file: path, line: decoded.line, message: decoded.reason });
  // Before the parser: over a limit, parsing itself could take minutes or overflow the stack.
  const overLimit = checkNoteLimits(decoded.text);
  if (overLimit) throw unreadable({ file: path, ...overLimit });
  return parse(decoded.text, path);
}

function unreadable(problem: NoteProblem): NoteError {
  return new NoteError(formatProblem(problem), [problem]);
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file: check the path, or give a stage id such as 21_01a';
    case 'EISDIR':
      return 'is a directory, not a note: give a .md file or a stage id';
    case 'ENOTREG':
      return `${(error as Error).message}: give the .md note itself`;
    case 'EFBIG':
      return `${(error as Error).message}: is it really a note?`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: make the note readable for this user';
    default:
      return `cannot be read (${code ?? String(error)})`;
  }
}

/** Relative paths are relative to the injected working directory, not the process's. */
export function resolvePath(path: string, io: Pick<Io, 'cwd'>): string {
  return resolve(io.cwd, path);
}
