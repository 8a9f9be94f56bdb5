/**
 * Creates a folder runbook keeps state in (`--state-dir`, `--journal-dir`, a report's folder)
 * one level at a time, bounded: `mkdir -p` semantics, but a path through a file is a
 * one-line error naming it (exit 2, not 70), and a path where mkdir keeps failing — under
 * /proc, Node's recursive mkdir loops forever (issue #9) — fails at once.
 */

import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { describeFileKind } from './file-kind.js';

/** `what` names the option in messages: `--state-dir`, `the journal folder`. */
export function makeFolder(path: string, what: string): void {
  const absolute = resolve(path);
  const missing: string[] = [];
  let current = absolute;
  // Walk up to the first folder that exists (bounded by the path's depth).
  for (;;) {
    try {
      const stats = statSync(current);
      if (!stats.isDirectory()) throw new UsageError(`${what} ${path}: ${current} is ${describeFileKind(stats)}, not a folder: give a folder runbook can create or use`);
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UsageError(`${what} ${path}: ${current} cannot be used (${code ?? String(error)})`);
      const parent = dirname(current);
      if (parent === current) break;
      missing.unshift(current);
      current = parent;
    }
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue; // made meanwhile
      throw new UsageError(`${what} ${path}: cannot create ${folder} (${code === 'EACCES' ? 'permission denied' : (code ?? String(error))}): give a folder runbook can write`);
    }
  }
}
