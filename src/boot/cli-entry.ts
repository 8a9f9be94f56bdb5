/**
 * The built CLI, `dist/cli.cjs`, as bin/runbook.js requires it. `npm run build` bundles the
 * command table (cli.ts, commander) with what the commands that only read need (io.ts,
 * `runs`, `log`) into one classic script, `dist/command-table.cjs`, run here with its V8 code
 * cache: one file compiled from a cache instead of a dozen ES modules compiled from source.
 * Every other command stays an ES module of its own (`dist/rollback.js`, …), imported by the
 * script through `importLazily` when it runs. The error classes are one CommonJS module both
 * halves share (`dist/errors.cjs`), so `instanceof` holds across them.
 */

import * as errors from '../errors.js';
import { requireCached } from './cached-script.js';

const bundle = new URL('./command-table.cjs', import.meta.url);

/** A command module of the ES module half, by its file name in dist/ (`./rollback.js`). */
const importLazily = (specifier: string): Promise<unknown> => import(new URL(specifier, bundle).href);

const cli = requireCached(bundle, { __importLazily: importLazily, __errors: errors }) as typeof import('../cli.js') | undefined;
if (!cli) throw new Error(`${bundle.pathname} is missing: run npm run build`);

export const main = cli.main;

// For the build, which writes the cache after running start-up, and the test that V8 takes it.
export { codeCachesAccepted, writeCodeCaches } from './cached-script.js';
