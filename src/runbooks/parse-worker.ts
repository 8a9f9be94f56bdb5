/**
 * Worker thread entry: parses batches of note files sent by `load-notes.ts`. Parsing is pure
 * and CPU-bound (micromark), so a folder of notes is spread over the machine's cores.
 */

import { parentPort } from 'node:worker_threads';
import { NoteError } from '../errors.js';
import { loadParseNote } from '../note/compiled-parser.js';
import type { LoadedNote, ParseJob } from './load-notes.js';
import { noteFromBytes } from './load-note.js';

const parse = await loadParseNote();

parentPort?.on('message', (jobs: ParseJob[]) => {
  const results: LoadedNote[] = jobs.map(({ file, bytes }) => {
    try {
      return { file, note: noteFromBytes(file, bytes, parse) };
    } catch (error) {
      if (error instanceof NoteError) return { file, problems: error.problems };
      throw error;
    }
  });
  parentPort!.postMessage(results);
});
