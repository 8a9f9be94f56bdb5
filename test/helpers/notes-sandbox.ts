/**
 * Throw-away directories for end-to-end tests: a runbooks folder with chosen notes, a HOME
 * with `work/infra/.env.infra`, and stand-in commands (`test/fixtures/bin/`) first on PATH that
 * record any call. `snapshot()` proves a command wrote nothing.
 */

import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from './run-cli.js';

export interface Sandbox {
  root: string;
  runbooks: string;
  home: string;
  /** Where the stand-in commands write what they were called with. */
  stubLog: string;
  /** Environment for `runCli`: HOME and PATH set up for the sandbox. */
  env: Record<string, string>;
  cleanup(): void;
}

/** `notes` maps a file name in `runbooks/` to a fixture path (relative to test/fixtures) or to text. */
export function createSandbox(options: { notes?: Record<string, string | { text: string } | { bytes: Uint8Array }>; envFile?: string } = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'runbook-e2e-'));
  const runbooks = join(root, 'runbooks');
  const home = join(root, 'home');
  mkdirSync(runbooks);
  mkdirSync(join(home, 'work', 'infra'), { recursive: true });
  for (const [name, source] of Object.entries(options.notes ?? {})) {
    const target = join(runbooks, name);
    mkdirSync(join(target, '..'), { recursive: true });
    if (typeof source === 'string') cpSync(join(fixturesDir, source), target);
    else if ('text' in source) writeFileSync(target, source.text);
    else writeFileSync(target, source.bytes);
  }
  if (options.envFile !== undefined) writeFileSync(join(home, 'work', 'infra', '.env.infra'), options.envFile);
  const stubLog = join(root, 'stub-calls.log');
  return {
    root,
    runbooks,
    home,
    stubLog,
    env: { HOME: home, PATH: `${join(fixturesDir, 'record-bin')}:${process.env.PATH}`, RUNBOOK_STUB_LOG: stubLog },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Every file and folder under `dir` with its size, mode, mtime and content hash. */
export function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (current: string, prefix: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      const stat = statSync(path);
      const key = `${prefix}${name}`;
      if (stat.isDirectory()) {
        entries[`${key}/`] = `dir ${stat.mode.toString(8)}`;
        walk(path, `${key}/`);
      } else {
        entries[key] = `${stat.size} ${stat.mode.toString(8)} ${stat.mtimeMs} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
      }
    }
  };
  walk(dir, '');
  return entries;
}
