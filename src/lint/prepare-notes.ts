/**
 * The notes `runbook lint` checks, read through the injected file system, then decoded, parsed
 * and linted (all but `bash -n`) on worker threads, one per core, when there are enough notes
 * to pay for starting them; otherwise, and when the worker is not built (tests run from src/),
 * right here.
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NoteError, type NoteProblem } from '../errors.js';
import type { Io } from '../io.js';
import { loadParseNote, type ParseNote } from '../note/compiled-parser.js';
import { linkedPlanFiles, noteFromBytes, readNoteBytes } from '../runbooks/load-note.js';
import { prepareLint, type PreparedLint } from './lint-note.js';

export interface ReadFile {
  file: string;
  bytes: Uint8Array;
}
/** A note ready for `finishLint`, or a file that is not a usable note at all. */
export type PreparedFile = { file: string; lint: PreparedLint } | { file: string; problems: NoteProblem[] };

// Starting a worker and warming its parser costs about as much as parsing ~50 notes.
const MIN_FILES_PER_WORKER = 50;
const BATCH = 20;
// The worker entry sits next to the bundle's chunks in dist/ (see `build:esm` in package.json).
const WORKER_URL = new URL('./lint-worker.js', import.meta.url);

export async function prepareNotes(files: string[], io: Io): Promise<PreparedFile[]> {
  const read = await Promise.all(
    files.map(async (file): Promise<ReadFile | PreparedFile> => {
      try {
        return { file, bytes: await readNoteBytes(file, io) };
      } catch (error) {
        if (error instanceof NoteError) return { file, problems: error.problems };
        throw error;
      }
    }),
  );
  const jobs = read.filter((entry): entry is ReadFile => 'bytes' in entry);
  const workers = Math.min(availableParallelism(), Math.floor(jobs.length / MIN_FILES_PER_WORKER));
  let prepared: PreparedFile[];
  if (workers >= 2 && existsSync(fileURLToPath(WORKER_URL))) prepared = await prepareInWorkers(jobs, workers);
  else {
    const parse = await loadParseNote();
    prepared = jobs.map((job) => prepareFile(job, parse));
  }
  await Promise.all(prepared.map((entry) => ('lint' in entry ? checkLinks(entry.lint, io) : undefined)));
  const byFile = new Map(prepared.map((entry) => [entry.file, entry]));
  return read.map((entry) => ('bytes' in entry ? byFile.get(entry.file)! : entry));
}

/** A pointer to a plan that is not there: the path stays a manual step, and lint says so. */
async function checkLinks(lint: PreparedLint, io: Io): Promise<void> {
  for (const link of lint.links) {
    const candidates = await linkedPlanFiles(lint.file, link.target, io);
    const found = await Promise.all(
      candidates.map((candidate) =>
        io.fs.stat(candidate).then(
          (stat) => stat.isFile(),
          () => false,
        ),
      ),
    );
    if (found.some(Boolean)) continue;
    lint.problems.push({
      file: lint.file,
      line: link.line,
      message: `points at ${link.target}, which is not next to the note, in the runbooks folder or at the repository root: add it or fix the path (until then this path is a manual step)`,
    });
  }
}

export function prepareFile({ file, bytes }: ReadFile, parse: ParseNote): PreparedFile {
  try {
    return { file, lint: prepareLint(noteFromBytes(file, bytes, parse)) };
  } catch (error) {
    if (error instanceof NoteError) return { file, problems: error.problems };
    throw error;
  }
}

/** Hands out small batches so a slow worker does not leave the other idle at the end. */
async function prepareInWorkers(jobs: ReadFile[], count: number): Promise<PreparedFile[]> {
  const results: PreparedFile[] = [];
  let next = 0;
  const run = () =>
    new Promise<void>((resolve, reject) => {
      // Parsing makes much short-lived garbage: with the workers' default young generation, GC
      // took ~2.2 s of ~8.8 s per worker over 500 notes; with 64 MB, about half that.
      const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      const send = () => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(jobs.slice(next, next + BATCH));
        next += BATCH;
      };
      worker.on('message', (batch: PreparedFile[]) => {
        results.push(...batch);
        send();
      });
      worker.on('error', reject);
      send();
    });
  await Promise.all(Array.from({ length: count }, run));
  return results;
}
