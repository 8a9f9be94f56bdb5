/**
 * `runbook list`: the notes in the runbooks folder, one line each: stage, component,
 * status, flags, file. A note that cannot be read is listed with the reason, not skipped.
 */

import { NoteError } from '../errors.js';
import type { Io } from '../io.js';
import { buildPlan } from '../plan/build-plan.js';
import { listNoteFiles, runbooksDir } from '../runbooks/find-note.js';
import { loadNote } from '../runbooks/load-note.js';
import { formatTable } from '../view/table.js';
import { escapeText } from '../view/escape-text.js';

export interface ListOptions {
  runbooks?: string;
  json?: boolean;
}

interface ListedNote {
  stage: string | null;
  component: string | null;
  status: string | null;
  flags: string[];
  file: string;
  error?: string;
}

export async function listCommand(options: ListOptions, io: Io): Promise<number> {
  const dir = runbooksDir(options.runbooks, io);
  const files = await listNoteFiles(dir, io, (path, reason) => io.stderr.write(`runbook: warning: skipped ${escapeText(path)}: ${reason}\n`));
  const notes = await Promise.all(files.map((file) => describe(file, io)));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(notes, null, 2)}\n`);
    return 0;
  }
  if (notes.length === 0) {
    io.stderr.write(`runbook: ${dir} has no .md notes\n`);
    return 0;
  }
  const rows = notes.map((note) => [note.stage ?? '-', note.component ?? '-', note.status ?? '-', note.error ? `(${note.error})` : note.flags.join(', ') || '-', note.file]);
  io.stdout.write(formatTable(['STAGE', 'COMPONENT', 'STATUS', 'FLAGS', 'FILE'], rows));
  return 0;
}

async function describe(file: string, io: Io): Promise<ListedNote> {
  try {
    const note = await loadNote(file, io);
    const flags = buildPlan(note).flags.map((flag) => `${flag.name}=${flag.rollbackValue}`);
    return { stage: note.stage ?? null, component: note.component ?? null, status: note.status ?? null, flags, file };
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    return { stage: null, component: null, status: null, flags: [], file, error: error.problems[0]?.message ?? error.message };
  }
}
