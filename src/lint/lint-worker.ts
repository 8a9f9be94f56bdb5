/**
 * Worker thread entry for `prepare-notes.ts`: decodes, parses and lints batches of note
 * files. Parsing is CPU-bound (micromark), so a folder of notes is spread over the cores;
 * only the small `PreparedLint` goes back, not the whole note.
 */

import { parentPort } from 'node:worker_threads';
import { loadParseNote } from '../note/compiled-parser.js';
import { prepareFile, type PreparedFile, type ReadFile } from './prepare-notes.js';

const parse = await loadParseNote();

parentPort?.on('message', (files: ReadFile[]) => {
  parentPort!.postMessage(files.map((file): PreparedFile => prepareFile(file, parse)));
});
