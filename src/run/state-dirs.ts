/**
 * Where a runbooks folder keeps its runs, locks and reports: `.runbook/` next to the folder
 * (`<runbooks>/../.runbook`), so every working directory on the machine sees the same lock and
 * the same runs of a stage. With the default `./runbooks` that is `./.runbook`.
 * A note given by a path outside that folder counts as a folder of its own (its directory).
 * `--state-dir` or `RUNBOOK_STATE_DIR` put it elsewhere; `--journal-dir` moves only the runs.
 */

import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Io } from '../io.js';
import { runbooksDir } from '../runbooks/runbooks-dir.js';

export interface StateDirs {
  root: string;
  runsDir: string;
  locksDir: string;
  reportsDir: string;
}

export interface StateDirOptions {
  stateDir?: string;
  journalDir?: string;
  /** `--runbooks`; `RUNBOOK_DIR`, then `./runbooks` when not given. */
  runbooks?: string;
  /** The note a run is of: a note outside the runbooks folder keeps its state next to its own folder. */
  noteFile?: string;
}

export function stateDirs(io: Pick<Io, 'cwd' | 'env'>, options: StateDirOptions): StateDirs {
  const explicit = options.stateDir ?? (io.env.RUNBOOK_STATE_DIR || undefined);
  const root = explicit ? resolve(io.cwd, explicit) : join(dirname(notesFolder(io, options)), '.runbook');
  return {
    root,
    runsDir: options.journalDir ? resolve(io.cwd, options.journalDir) : join(root, 'runs'),
    locksDir: join(root, 'locks'),
    reportsDir: join(root, 'reports'),
  };
}

function notesFolder(io: Pick<Io, 'cwd' | 'env'>, options: StateDirOptions): string {
  const folder = resolve(io.cwd, runbooksDir(options.runbooks, io));
  if (options.noteFile === undefined) return folder;
  const note = resolve(io.cwd, options.noteFile);
  const inside = relative(folder, note);
  return inside.startsWith('..') || isAbsolute(inside) ? dirname(note) : folder;
}
