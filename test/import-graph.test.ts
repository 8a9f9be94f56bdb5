/**
 * `runbook --help` and `show` stay cheap: the static import graph of the built CLI must not
 * reach prom-client or listr2 (commands load them with `import()` when they need them).
 */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/run-cli.js';

const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;

/** Every bare package name reachable through static imports from `entry` (a file in dist/). */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(resolve(projectRoot, 'dist', entry));
  return packages;
}

describe('static import graph of the built CLI', () => {
  it('finds imports (the check itself works)', () => {
    expect(staticPackages('cli.js')).toContain('commander');
    expect(staticPackages('metrics/run-metrics.js')).toContain('prom-client');
    expect(staticPackages('view/verify-progress.js')).toContain('listr2');
  });

  it.each([
    ['cli.js (--help)', 'cli.js', ['prom-client', 'listr2', 'unified']],
    ['commands/show.js', 'commands/show.js', ['prom-client', 'listr2']],
    ['commands/verify.js (prom-client only with --pushgateway or --metrics-file, listr2 only without --json)', 'commands/verify.js', ['prom-client', 'listr2']],
    ['commands/run-verification.js (what rollback calls after its last step)', 'commands/run-verification.js', ['prom-client', 'listr2']],
  ])('%s does not load %j', (_name, entry, forbidden) => {
    const packages = staticPackages(entry);
    for (const name of forbidden) expect(packages, `${entry} reaches ${name}`).not.toContain(name);
  });
});
