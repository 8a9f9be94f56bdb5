/**
 * `runbook --help` and `show` stay cheap: the static import graph of the built CLI must not
 * reach prom-client or listr2 (commands load them with `import()` when they need them).
 *
 * The build is an esbuild bundle with code splitting: packages are inlined into chunks, and
 * esbuild marks each inlined module with a `// node_modules/<package>/…` (or `// src/…`)
 * comment. A package is reached when a chunk reached through static imports holds it, or a
 * CommonJS bundle such a file runs at load (`new URL('./x.cjs', import.meta.url)`): the command
 * table, `dist/command-table.cjs`, with commander and the commands that only read, which the
 * entry `dist/cli.cjs` runs (see scripts/build.mjs), and the note parser.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/run-cli.js';

const dist = join(projectRoot, 'dist');
const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const SCRIPT_RUN = /\bnew URL\(['"](\.\/[^'"]+\.cjs)['"], (?:import\.meta\.url|__importMetaUrl)\)/g;
const BUNDLED_MODULE = /^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm;

/** The dist file that holds a source module (`src/commands/show.ts`), or a dist file by name. */
function distFile(entry: string): string {
  if (!entry.startsWith('src/')) return join(dist, entry);
  const marker = `\n// ${entry}\n`;
  const file = readdirSync(dist).find((name) => name.endsWith('.js') && readFileSync(join(dist, name), 'utf8').includes(marker));
  if (!file) throw new Error(`no file in dist/ holds ${entry}: was it renamed?`);
  return join(dist, file);
}

/**
 * Every package reachable through static imports from `entry`: imported by name or bundled in.
 * `modulesOnly`: not following the CommonJS bundles run at load (what loads as ES modules).
 */
function staticPackages(entry: string, { modulesOnly = false } = {}): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(BUNDLED_MODULE)) packages.add(match[1]!);
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
    if (!modulesOnly) for (const match of source.matchAll(SCRIPT_RUN)) visit(resolve(dirname(file), match[1]!));
  };
  visit(distFile(entry));
  return packages;
}

describe('static import graph of the built CLI', () => {
  it('finds imports (the check itself works)', () => {
    expect(staticPackages('cli.cjs')).toContain('commander');
    expect(staticPackages('src/metrics/run-metrics.ts')).toContain('prom-client');
    expect(staticPackages('src/view/verify-progress.ts')).toContain('listr2');
  });

  it.each([
    // Start-up of --help and of the commands that only read (`runs`, `log`: the command table's
    // script holds them): no executor, no process library, no metrics, no markdown.
    ['cli.cjs (--help, runs, log)', 'cli.cjs', ['prom-client', 'listr2', 'execa', 'unified', '@prometheus-io/lezer-promql']],
    ['commands/show.js', 'src/commands/show.ts', ['prom-client', 'listr2']],
    ['commands/verify.js (prom-client only with --pushgateway or --metrics-file, listr2 only without --json)', 'src/commands/verify.ts', ['prom-client', 'listr2']],
    ['run/run-verification.js (what rollback calls after its last step)', 'src/run/run-verification.ts', ['prom-client', 'listr2']],
    ['commands/export.js', 'src/commands/export.ts', ['prom-client', 'listr2']],
    ['commands/list.js', 'src/commands/list.ts', ['prom-client', 'listr2', 'execa']],
  ])('%s does not load %j', (_name, entry, forbidden) => {
    const packages = staticPackages(entry);
    for (const name of forbidden) expect(packages, `${entry} reaches ${name}`).not.toContain(name);
  });

  // A dry run loads no executor (the pipeline imports it for a run), and the note parser runs
  // from dist/note-parser.cjs with its code cache: no second copy of micromark as ES modules.
  it.each([['src/commands/rollback.ts'], ['src/commands/show.ts']])('%s loads no executor and no ES module copy of the markdown parser', (entry) => {
    const packages = staticPackages(entry, { modulesOnly: true });
    for (const name of ['execa', 'listr2', 'unified', 'micromark', 'remark-parse']) expect(packages, `${entry} reaches ${name}`).not.toContain(name);
    expect(staticPackages(entry)).toContain('unified');
  });

  // `runs` and `log` load nothing but the script: io.ts (without the bash -n checker) and the
  // journal readers are in it, and every import() it keeps names another command.
  it('the command table holds io.ts and the log command; the rest is imported lazily', () => {
    const script = readFileSync(join(dist, 'command-table.cjs'), 'utf8');
    for (const module of ['src/cli.ts', 'src/io.ts', 'src/commands/log.ts', 'src/journal/read-journal.ts']) expect(script).toContain(`\n// ${module}\n`);
    expect(script).not.toContain('\n// src/execute/check-syntax.ts\n');
    const lazy = [...script.matchAll(/__importLazily\("\.\/([\w-]+)\.js"\)/g)].map((match) => match[1]);
    expect(lazy).toEqual(expect.arrayContaining(['rollback', 'show', 'check-syntax', 'list']));
    expect(lazy).not.toContain('log');
    expect(script).not.toMatch(/\bimport\(/);
  });

  // Prometheus' PromQL parser, where queries are read: lint, show and --dry-run, verify, rollback and rehearse.
  it.each([['src/commands/lint.ts'], ['lint-worker.js'], ['src/commands/show.ts'], ['src/commands/verify.ts'], ['src/commands/rollback.ts'], ['src/commands/rehearse.ts']])('%s loads the PromQL parser', (entry) => {
    expect(staticPackages(entry)).toContain('@prometheus-io/lezer-promql');
  });
});
