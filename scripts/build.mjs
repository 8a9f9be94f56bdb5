#!/usr/bin/env node
// `npm run build`: the CLI in dist/, as bin/runbook.js loads it. Two halves (see
// docs/development.md, "Start-up"):
//
// 1. The command table: src/cli.ts with commander and what the commands that only read need
//    (io.ts, commands/log.ts: `runs`, `log`) as one CommonJS file, `dist/command-table.cjs`,
//    which src/boot/cli-entry.ts (`dist/cli.cjs`, what bin/runbook.js requires) runs with a V8
//    code cache. Its `import()` of any other command is left for the second half:
//    `__importLazily('./rollback.js')`. Start-up of `runs` needs no ES module at all.
// 2. Every other command as an ES module (`dist/rollback.js`, …), with the lint worker and the
//    compiled parser; split into chunks so a command loads only what it
//    imports (see test/import-graph.test.ts). CommonJS dependencies get a `require` from the
//    banner.
// src/errors.ts is a CommonJS module of its own, `dist/errors.cjs`, that both halves use (ES
// modules import it by name), so an error a command throws is an `instanceof` the classes
// cli.ts knows.
// 3. The note parser as one CommonJS file, which lint workers load fast, and its cache for
//    the notes shipped in runbooks/.
// 4. The code cache of `dist/command-table.cjs`: written after running the CLI in this process as
//    start-up runs it (`--help`, `runs` and `log` over a state folder with a real run, usage
//    errors), so the cache holds what those compile. The same for the PromQL grammar
//    (`dist/lezer-promql.cjs`, see src/boot/lezer-promql.ts), after parsing sample queries.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
const ERRORS = resolve('src/errors.ts');
/** The lazily imported modules that go into the command table's script (the rest stay ES modules). */
const IN_SCRIPT = new Set([resolve('src/io.ts'), resolve('src/commands/log.ts')]);

rmSync('dist', { recursive: true, force: true });

// --- 1. the command table as a classic script -------------------------------------------------

/** The modules the script imports lazily and leaves to the ES module half, by output name. */
const lazyEntries = new Map();
const commandTable = await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  format: 'cjs',
  outfile: 'dist/command-table.cjs',
  write: false,
  define: { 'import.meta.url': '__importMetaUrl' },
  plugins: [
    lazyChildProcess(),
    {
      name: 'two-halves',
      setup(build) {
        build.onResolve({ filter: /^\./ }, (args) => {
          if (args.namespace !== 'file') return undefined;
          const source = resolve(dirname(args.importer), args.path.replace(/\.js$/, '.ts'));
          if (source === ERRORS) return { path: 'errors', namespace: 'shared' };
          if (args.kind !== 'dynamic-import' || IN_SCRIPT.has(source)) return undefined;
          const name = basename(source, '.ts');
          if (lazyEntries.has(name) && lazyEntries.get(name) !== source) throw new Error(`${source} and ${lazyEntries.get(name)} would both be dist/${name}.js`);
          lazyEntries.set(name, source);
          return { path: `./${name}.js`, external: true };
        });
        build.onLoad({ filter: /^errors$/, namespace: 'shared' }, () => ({ contents: 'module.exports = __errors;', loader: 'js' }));
      },
    },
  ],
});
// esbuild keeps `import()` of an external module as it is; a classic script has no module
// loader of its own, so the entry passes one in (src/boot/cli-entry.ts).
const script = commandTable.outputFiles[0].text;
const lazyImports = script.match(/\bimport\(/g)?.length ?? 0;
const rewritten = script.replace(/\bimport\("\.\/([\w-]+)\.js"\)/g, '__importLazily("./$1.js")');
if (/\bimport\(/.test(rewritten) || lazyImports === 0) throw new Error(`dist/command-table.cjs: ${lazyImports} import() calls, not all of them to a command of the other half`);
mkdirSync('dist');
writeFileSync('dist/command-table.cjs', rewritten);

// --- 2. the ES module half ---------------------------------------------------------------------

await build({
  ...common,
  entryPoints: {
    'promql-grammar': 'src/boot/lezer-promql.ts',
    'lint-worker': 'src/lint/lint-worker.ts',
    'compiled-parser': 'src/note/compiled-parser.ts',
    ...Object.fromEntries(lazyEntries),
  },
  splitting: true,
  format: 'esm',
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  alias: { '@prometheus-io/lezer-promql': './src/boot/lezer-promql.ts' },
  plugins: [sharedErrors()],
});
await build({ ...common, entryPoints: ['src/errors.ts'], format: 'cjs', outfile: 'dist/errors.cjs' });
await build({ ...common, entryPoints: ['@prometheus-io/lezer-promql'], format: 'cjs', outfile: 'dist/lezer-promql.cjs' });
// The entry on its own: start-up loads bin/runbook.js, cli.cjs and errors.cjs, then the script.
await build({
  ...common,
  entryPoints: ['src/boot/cli-entry.ts'],
  format: 'cjs',
  outfile: 'dist/cli.cjs',
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [sharedErrors()],
});

// --- 3. the note parser ------------------------------------------------------------------------

await build({ ...common, entryPoints: ['src/note/parse-note.ts'], format: 'cjs', outfile: 'dist/note-parser.cjs' });
const { writeParserCache } = await import(new URL('../dist/compiled-parser.js', import.meta.url).href);
await writeParserCache('runbooks');

// --- 4. the code caches of the command table and the PromQL grammar ------------------------------

await writeStartupCache();
await writePromqlCache();

/** Parses queries of the shapes notes use (and walks their trees, as src/prometheus does), then saves what V8 compiled. */
async function writePromqlCache() {
  const { parser, writeCodeCaches } = await import(new URL('../dist/promql-grammar.js', import.meta.url).href);
  const queries = [
    'up{job="butler"} == 0',
    'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > 0.01',
    'histogram_quantile(0.99, sum by (le) (rate(request_duration_seconds_bucket[5m]))) * 1000',
    'max_over_time(queue_depth[10m:1m] offset 5m) >= bool 100 unless on(instance) absent(up)',
    'count(up == 1) < 3 or vector(0)',
    'rate(foo[5m',
  ];
  for (const query of queries) {
    const cursor = parser.parse(query).cursor();
    do cursor.node.type.name;
    while (cursor.next());
  }
  writeCodeCaches();
}

/** Runs the CLI in this process as start-up runs it (output discarded), then saves what V8 compiled. */
async function writeStartupCache() {
  const state = mkdtempSync(join(tmpdir(), 'runbook-build-'));
  try {
    // A real run to read: a one-step note, rolled back by the CLI just built (without a cache yet).
    const notes = join(state, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, '99_bench.md'), readFileSync('bench/one-step-note.md', 'utf8'));
    const run = spawnSync(process.execPath, ['bin/runbook.js', 'rollback', '99_bench', '--yes', '--no-verify', '--runbooks', notes], { env: { ...process.env, RUNBOOK_STATE_DIR: state }, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`build: the run the code cache is written from failed (exit ${run.status}): ${run.stderr}`);

    const { main, writeCodeCaches } = createRequire(import.meta.url)('../dist/cli.cjs');
    const sink = { write: () => true };
    const io = {
      cwd: root,
      env: { RUNBOOK_STATE_DIR: state },
      stdout: sink,
      stderr: sink,
      interactive: false,
      fs: { readFile, readdir: (path) => readdir(path, { withFileTypes: true }), stat, realpath },
      processAlive: () => false,
      host: 'build',
      user: 'build',
      pid: process.pid,
      now: () => new Date(),
    };
    for (const args of [['--help'], ['runs'], ['runs', '--json'], ['log'], ['rollback', '--help'], ['rollback', '99_bench', '--no-such-option'], ['no-such-command'], ['-v']]) {
      await main(['node', 'runbook', ...args], io);
    }
    writeCodeCaches();
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

/** src/errors.ts as the one module both halves use; every output file sits in dist/, next to it. */
function sharedErrors() {
  return {
    name: 'shared-errors',
    setup(build) {
      build.onResolve({ filter: /errors\.js$/ }, (args) => (resolve(dirname(args.importer), args.path.replace(/\.js$/, '.ts')) === ERRORS ? { path: './errors.cjs', external: true } : undefined));
    },
  };
}

/**
 * commander requires `node:child_process` at load for subcommands run as separate programs,
 * which runbook has none of; loading it (and `node:net` with it) costs every start-up.
 */
function lazyChildProcess() {
  return {
    name: 'lazy-child-process',
    setup(build) {
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : args.namespace === 'lazy' ? { path: 'node:child_process', external: true } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
        contents: "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
        loader: 'js',
      }));
    },
  };
}
