/**
 * Stage id → note file. `21_01a` is `runbooks/21_01a_*.md`, or else the note whose
 * `**Stage**:` field says `21_01a`; a path ending in `.md` is taken as it is.
 */

import { join, relative } from 'node:path';
import { NoteError, UsageError } from '../errors.js';
import type { DirectoryEntry, Io } from '../io.js';
import { isStageId } from '../note/stage-id.js';
import { loadNote, resolvePath } from './load-note.js';

export { runbooksDir } from './runbooks-dir.js';

/**
 * Markdown notes under a folder and its sub-folders, sorted. README.md is documentation,
 * not a note; hidden folders and node_modules are skipped. A symlink is followed when it
 * leads to a regular file; anything else that cannot be used (a link to a folder or a
 * device, a sub-folder that cannot be read) is left out and told to `onSkip`, never fatal.
 */
export async function listNoteFiles(dir: string, io: Io, onSkip: (path: string, reason: string) => void = () => {}): Promise<string[]> {
  let entries;
  try {
    entries = await io.fs.readdir(resolvePath(dir, io));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'not found' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code})`;
    throw new UsageError(`runbooks folder ${dir} ${reason}: give --runbooks DIR or set RUNBOOK_DIR, or pass a path to a .md note`);
  }
  return walkNotes(dir, entries, io, onSkip, 0);
}

/** Deeper than this is a loop or a mistake, not a folder of notes. */
const MAX_FOLDER_DEPTH = 16;

async function walkNotes(dir: string, entries: DirectoryEntry[], io: Io, onSkip: (path: string, reason: string) => void, depth: number): Promise<string[]> {
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    const isNote = entry.name.toLowerCase().endsWith('.md') && entry.name.toLowerCase() !== 'readme.md';
    if (entry.isDirectory()) {
      if (depth >= MAX_FOLDER_DEPTH) {
        onSkip(path, `folders nested deeper than ${MAX_FOLDER_DEPTH}: not searched`);
        continue;
      }
      try {
        files.push(...(await walkNotes(path, await io.fs.readdir(resolvePath(path, io)), io, onSkip, depth + 1)));
      } catch (error) {
        onSkip(path, `a folder that cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    } else if (entry.isFile()) {
      if (isNote) files.push(path);
    } else if (isNote && entry.isSymbolicLink?.()) {
      // Followed only to a regular file: a link to a folder could loop, one to a device never ends.
      try {
        const target = await io.fs.stat(resolvePath(path, io));
        if (target.isFile()) files.push(path);
        else onSkip(path, `a symlink to ${target.isDirectory() ? 'a folder' : 'something that is not a regular file'}`);
      } catch (error) {
        onSkip(path, (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'a symlink loop' : 'a symlink to a missing file');
      }
    } else if (entry.isSymbolicLink?.()) {
      // A linked folder is not searched (it could loop back here), but said so.
      const target = await io.fs.stat(resolvePath(path, io)).catch(() => undefined);
      if (target?.isDirectory()) onSkip(path, 'a symlink to a folder: not searched (it could loop); link the notes themselves');
    } else if (isNote) {
      onSkip(path, 'not a regular file (a FIFO, a socket or a device)');
    }
  }
  return files;
}

/** Resolves what the user typed (stage id or `.md` path) to a note file path. */
export async function findNote(reference: string, dir: string, io: Io): Promise<string> {
  if (reference.toLowerCase().endsWith('.md')) return reference;
  if (!isStageId(reference)) {
    throw new UsageError(
      // JSON quoting shows control characters as escapes, so the message stays one line.
      `${JSON.stringify(reference)} is not a stage id: use letters, digits, "_", "-" and "." only (e.g. 21_01a), or give a path ending in .md`,
    );
  }
  const skipped: string[] = [];
  const files = await listNoteFiles(dir, io, (path, reason) => skipped.push(`${path} (${reason})`));
  const byName = files.filter((file) => {
    const name = file.slice(file.lastIndexOf('/') + 1);
    return name === `${reference}.md` || name.startsWith(`${reference}_`);
  });
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw ambiguous(reference, byName);

  const stages = await readStages(files, io);
  const byField = stages.filter((entry) => entry.stage === reference).map((entry) => entry.file);
  if (byField.length === 1) return byField[0]!;
  if (byField.length > 1) throw ambiguous(reference, byField);
  const known = stages.map((entry) => entry.stage ?? `(no stage: ${entry.file})`);
  const left = skipped.length > 0 ? `; skipped: ${skipped.join(', ')}` : '';
  throw new UsageError(known.length === 0 ? `no note for stage "${reference}": ${dir} has no .md notes${left}` : `no note for stage "${reference}" in ${dir}; known stages: ${known.join(', ')}${left}`);
}

function ambiguous(reference: string, files: string[]): UsageError {
  return new UsageError(`stage "${reference}" matches ${files.length} notes: ${files.join(', ')}; pass the path of the one you mean`);
}

/** Each note's stage (from its Stage field or title); unreadable notes are listed without one. */
export async function readStages(files: string[], io: Io): Promise<{ file: string; stage?: string }[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        return { file, stage: (await loadNote(file, io)).stage };
      } catch (error) {
        if (error instanceof NoteError) return { file };
        throw error;
      }
    }),
  );
}

/** A path as the user should see it: relative to the working directory when inside it. */
export function displayPath(path: string, io: Pick<Io, 'cwd'>): string {
  const rel = relative(io.cwd, resolvePath(path, io));
  return rel.startsWith('..') ? path : rel;
}
