/**
 * Many notes at once (`runbook lint` over a folder): files are read through the injected file
 * system, then decoded and parsed on worker threads, one per core, when there are enough of
 * them to pay for starting the threads; otherwise, and when the worker is not built, here.
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NoteError, type NoteProblem } from '../errors.js';
import type { Io } from '../io.js';
import { loadParseNote, type ParseNote } from '../note/compiled-parser.js';
import type { Note } from '../note/types.js';
import { noteFromBytes, readNoteBytes } from './load-note.js';

export type LoadedNote = { file: string; note: Note } | { file: string; problems: NoteProblem[] };
export interface ParseJob {
  file: string;
  bytes: Uint8Array;
}

// Starting a worker and warming its parser costs about as much as parsing ~50 notes.
const MIN_FILES_PER_WORKER = 50;
const BATCH = 20;
// The worker entry sits next to the bundle's chunks in dist/ (see `build` in package.json).
const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

/** Reads and parses every file; a file that cannot be used is returned with its problems, not thrown. */
export async function loadNotes(files: string[], io: Io): Promise<LoadedNote[]> {
  const read = await Promise.all(
    files.map(async (file): Promise<ParseJob | LoadedNote> => {
      try {
        return { file, bytes: await readNoteBytes(file, io) };
      } catch (error) {
        if (error instanceof NoteError) return { file, problems: error.problems };
        throw error;
      }
    }),
  );
  const jobs = read.filter((entry): entry is ParseJob => 'bytes' in entry);
  const workers = Math.min(availableParallelism(), Math.floor(jobs.length / MIN_FILES_PER_WORKER));
  const parsed = workers >= 2 && existsSync(fileURLToPath(WORKER_URL)) ? await parseInWorkers(jobs, workers) : jobs.map(parseHere(await loadParseNote()));
  const byFile = new Map(parsed.map((entry) => [entry.file, entry]));
  return read.map((entry) => ('bytes' in entry ? byFile.get(entry.file)! : entry));
}

const parseHere =
  (parse: ParseNote) =>
  ({ file, bytes }: ParseJob): LoadedNote => {
    try {
      return { file, note: noteFromBytes(file, bytes, parse) };
    } catch (error) {
      if (error instanceof NoteError) return { file, problems: error.problems };
      throw error;
    }
  };

/** Hands out small batches so a slow worker does not leave the other idle at the end. */
async function parseInWorkers(jobs: ParseJob[], count: number): Promise<LoadedNote[]> {
  const results: LoadedNote[] = [];
  let next = 0;
  const run = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_URL);
      const send = () => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(jobs.slice(next, next + BATCH));
        next += BATCH;
      };
      worker.on('message', (batch: LoadedNote[]) => {
        results.push(...batch);
        send();
      });
      worker.on('error', reject);
      send();
    });
  await Promise.all(Array.from({ length: count }, run));
  return results;
}
