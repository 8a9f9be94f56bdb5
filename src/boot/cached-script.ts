/**
 * CommonJS bundles run as classic scripts with a V8 code cache. Node 20 compiles ES modules
 * from source on every start (no module compile cache before Node 22); a `vm.Script` given
 * `cachedData` skips parsing and compiling what the cache holds: the functions that ran when
 * `npm run build` wrote it. The CLI's command table runs this way (see boot/cli-entry.ts).
 * Without the cache, or when V8 rejects it (another Node version or V8 flags), the script still
 * runs, only compiled from source. Nothing here writes at run time: `writeCodeCaches` is a
 * build step.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** The scripts run so far, by the path of their bundle: what `writeCodeCaches` saves. */
const scripts = new Map<string, Script>();

/**
 * The exports of the CommonJS bundle at `bundle` (its cache: the same path, `.cache` for
 * `.cjs`), or undefined when there is no bundle. Besides CommonJS' own, the bundle sees
 * `__importMetaUrl` (its URL) and the names in `scope`, which must be the same on every call
 * for a bundle: the wrapper is part of the cached source.
 */
export function requireCached(bundle: URL, scope: Record<string, unknown> = {}): unknown {
  const path = fileURLToPath(bundle);
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const names = ['exports', 'require', 'module', '__filename', '__dirname', '__importMetaUrl', ...Object.keys(scope)];
  const script = new Script(`(function (${names.join(', ')}) {${source}\n})`, { filename: path, cachedData: readCache(cachePath(path)) });
  scripts.set(path, script);
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, path, fileURLToPath(new URL('.', bundle)), bundle.href, ...Object.values(scope));
  return module.exports;
}

/** Build step: saves the code cache of every script run so far (run what start-up runs first). */
export function writeCodeCaches(): { path: string; bytes: number }[] {
  return [...scripts].map(([path, script]) => {
    const data = script.createCachedData();
    writeFileSync(cachePath(path), data);
    return { path: cachePath(path), bytes: data.length };
  });
}

/** Whether V8 took the cache of every script run so far (the build checks the cache it wrote). */
export function codeCachesAccepted(): boolean {
  return scripts.size > 0 && [...scripts.values()].every((script) => script.cachedDataRejected === false);
}

const cachePath = (path: string) => path.replace(/\.cjs$/, '.cache');

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
