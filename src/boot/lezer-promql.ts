/**
 * Prometheus' PromQL grammar (@prometheus-io/lezer-promql with @lezer/*, ~150 KB), as the built
 * CLI loads it: `npm run build` aliases the package to this module and bundles the package as
 * `dist/lezer-promql.cjs`, run with its V8 code cache (see cached-script.ts), which the build
 * writes after parsing sample queries. A dry run, `show`, `verify` and every lint worker load
 * it. Without the bundle (a build without it), the package itself. Only what src/ imports from
 * the package is re-exported: the build fails on a name missing here.
 */

import type * as LezerPromql from '@prometheus-io/lezer-promql';
import { createRequire } from 'node:module';
import { requireCached } from './cached-script.js';

const promql = (requireCached(new URL('./lezer-promql.cjs', import.meta.url)) ?? createRequire(import.meta.url)('@prometheus-io/lezer-promql')) as typeof LezerPromql;

export const { parser } = promql;

// For the build, which writes the cache after parsing, and the test that V8 takes it.
export { codeCachesAccepted, writeCodeCaches } from './cached-script.js';
