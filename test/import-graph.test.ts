/**
 * `runbook --help` and `show` stay cheap: the static import graph (of the sources; the bundle
 * keeps `import()` as separate chunks) must not reach prom-client or listr2 — commands load
 * them with `import()` when they need them. `import type` does not count: it is erased.
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/run-cli.js';

const STATIC_IMPORT = /^\s*(?:import|export)\s(?!type\s)(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;

/** Every bare package name reachable through static imports from `entry` (a file in src/). */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(resolve(projectRoot, 'src', entry));
  return packages;
}

describe('static import graph of the CLI', () => {
  it('finds imports (the check itself works)', () => {
    expect(staticPackages('cli.ts')).toContain('commander');
    expect(staticPackages('metrics/run-metrics.ts')).toContain('prom-client');
    expect(staticPackages('view/verify-progress.ts')).toContain('listr2');
  });

  it.each([
    ['cli.ts (--help)', 'cli.ts', ['prom-client', 'listr2', 'execa', 'enquirer', 'micromark', 'mdast-util-from-markdown', 'remark-parse', 'unified']],
    ['commands/show.ts', 'commands/show.ts', ['prom-client', 'listr2', 'execa', 'enquirer']],
    ['commands/lint.ts', 'commands/lint.ts', ['prom-client', 'listr2', 'execa', 'enquirer']],
    ['commands/verify.ts (prom-client only with --pushgateway or --metrics-file, listr2 only without --json)', 'commands/verify.ts', ['prom-client', 'listr2']],
    ['commands/run-verification.ts (what rollback calls after its last step)', 'commands/run-verification.ts', ['prom-client', 'listr2']],
    ['commands/rollback.ts (prom-client only with --pushgateway or --metrics-file)', 'commands/rollback.ts', ['prom-client']],
  ])('%s does not load %j', (_name, entry, forbidden) => {
    const packages = staticPackages(entry);
    for (const name of forbidden) expect(packages, `${entry} reaches ${name}`).not.toContain(name);
  });
});
