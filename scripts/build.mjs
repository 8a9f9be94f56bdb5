#!/usr/bin/env node
// `npm run build`: the CLI bundle in dist/, as bin/runbook.js loads it.
//
// 1. The ESM bundle: the CLI, the lint worker and the compiled parser as entries, split into
//    chunks so a command loads only what it imports (`runbook --help` stays cheap; see
//    test/import-graph.test.ts). CommonJS dependencies get a `require` from the banner.
// 2. The note parser as one CommonJS file, which lint workers load fast, and its cache for
//    the notes shipped in runbooks/.

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });

await build({
  ...common,
  entryPoints: ['src/cli.ts', 'src/lint/lint-worker.ts', 'src/note/compiled-parser.ts'],
  splitting: true,
  format: 'esm',
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

await build({ ...common, entryPoints: ['src/note/parse-note.ts'], format: 'cjs', outfile: 'dist/note-parser.cjs' });

const { writeParserCache } = await import(new URL('../dist/compiled-parser.js', import.meta.url).href);
await writeParserCache('runbooks');
