/**
 * `parseNote`, loaded the fastest way Node 20 allows. `npm run build` bundles the parser
 * (src/note + micromark, ~250 KB) as a classic script, `dist/note-parser.cjs`, and writes a
 * V8 code cache for it after parsing sample notes, `dist/note-parser.cache`. Compiling the
 * script with that cache skips parsing and compiling micromark, about a fifth of a dry run
 * (ESM modules get no code cache before Node 22, hence `vm.Script`). Without the files (tests
 * run from src/), or when V8 rejects the cache (another Node version), the parser still
 * loads, only slower. Nothing here writes at run time.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { parseNote } from './parse-note.js';

export type ParseNote = typeof parseNote;

const SOURCE = new URL('./note-parser.cjs', import.meta.url);
const CACHE = new URL('./note-parser.cache', import.meta.url);

let loaded: Promise<ParseNote> | undefined;

/** The parser: the compiled bundle next to this file when there is one, else the module. */
export function loadParseNote(): Promise<ParseNote> {
  loaded ??= Promise.resolve(compileParser(readCache())?.parseNote ?? import('./parse-note.js').then((module) => module.parseNote));
  return loaded;
}

/**
 * Build step: parses the notes in `sampleDir` (if it exists) so V8 compiles what a parse runs,
 * then saves the code cache next to the parser.
 */
export function writeParserCache(sampleDir: string): { bytes: number; samples: number } {
  const compiled = compileParser(undefined);
  if (!compiled) throw new Error(`${fileURLToPath(SOURCE)} is missing: bundle the parser first`);
  const samples = existsSync(sampleDir) ? readdirSync(sampleDir).filter((name) => name.endsWith('.md')) : [];
  for (const name of samples) compiled.parseNote(readFileSync(join(sampleDir, name), 'utf8'), name);
  const data = compiled.script.createCachedData();
  writeFileSync(CACHE, data);
  return { bytes: data.length, samples: samples.length };
}

function readCache(): Buffer | undefined {
  try {
    return readFileSync(CACHE);
  } catch {
    return undefined;
  }
}

function compileParser(cachedData: Buffer | undefined): { script: Script; parseNote: ParseNote } | undefined {
  let source: string;
  try {
    source = readFileSync(SOURCE, 'utf8');
  } catch {
    return undefined;
  }
  // The wrapper is part of the cached source: keep it identical for writing and reading the cache.
  const script = new Script(`(function (exports, require, module) {${source}\n})`, { filename: fileURLToPath(SOURCE), cachedData });
  const module = { exports: {} as { parseNote?: ParseNote } };
  (script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object) => void)(module.exports, createRequire(SOURCE), module);
  return module.exports.parseNote ? { script, parseNote: module.exports.parseNote } : undefined;
}
