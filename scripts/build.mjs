#!/usr/bin/env node
// `npm run build`: the CLI bundle in dist/, as bin/runbook.js loads it.
//
// 1. The ESM bundle: the CLI, the lint worker and the compiled parser as entries, split into
//    chunks so a command loads only what it imports (`runbook --help` stays cheap; see
//    test/import-graph.test.ts). CommonJS dependencies get a `require` from the banner.
// 2. The note parser as one CommonJS file, which lint workers load fast, and its cache for
//    the notes shipped in runbooks/.
// 3. commander as a CommonJS file the CLI runs with a V8 code cache (src/boot/commander.ts),
//    written after building the command table, parsing and printing help as start-up does.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

// commander requires `node:child_process` at load for subcommands run as separate programs,
// which runbook has none of; loading it (and `node:net` with it) costs every start-up.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.namespace === 'lazy' ? { path: 'node:child_process', external: true } : { path: 'child_process', namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });

await build({
  ...common,
  entryPoints: ['src/cli.ts', 'src/lint/lint-worker.ts', 'src/note/compiled-parser.ts', 'src/boot/cached-script.ts'],
  alias: { commander: './src/boot/commander.ts' },
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

await build({ ...common, entryPoints: ['node_modules/commander/index.js'], format: 'cjs', outfile: 'dist/commander.cjs', plugins: [lazyChildProcess] });
await writeStartupCache();

/** Runs the CLI in this process as start-up runs it (output discarded), then saves what V8 compiled. */
async function writeStartupCache() {
  const { main } = await import(new URL('../dist/cli.js', import.meta.url).href);
  const { writeCodeCaches } = await import(new URL('../dist/cached-script.js', import.meta.url).href);
  const empty = mkdtempSync(join(tmpdir(), 'runbook-build-'));
  try {
    const sink = { write: () => true };
    const io = { cwd: empty, env: {}, stdout: sink, stderr: sink, interactive: false, fs: { readdir: async () => [] }, processAlive: () => false, host: 'build', user: 'build', pid: 0 };
    for (const args of [['--help'], ['runs'], ['log'], ['list', '--help'], ['rollback', '--help'], ['rollback', '21_01a', '--no-such-option'], ['no-such-command'], ['-v']]) {
      await main(['node', 'runbook', ...args, ...(args[0] === 'runs' || args[0] === 'log' ? ['--state-dir', empty] : [])], io);
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  writeCodeCaches();
}
