/**
 * The checks between a valid plan and a run: someone to answer the questions, a working
 * directory that exists, and production never run by accident.
 */

import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

/** Questions need a person: a terminal on stdin (stdout may be a pipe, as with `| tee`). */
export function requireTerminal(unattended: boolean, io: Pick<Io, 'interactive'>, resuming: boolean): void {
  if (unattended || io.interactive) return;
  throw new UsageError(
    resuming ? 'no terminal to confirm steps on: run with --yes to resume unattended' : 'no terminal to confirm steps on: run with --yes to run every step unattended, or --dry-run to only see the plan',
  );
}

/** The steps' working directory (from --cwd or the environment) must exist. */
export async function checkDirectory(cwd: string, option: string | undefined, io: Pick<Io, 'fs'>): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await io.fs.stat(cwd)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`${option === undefined ? 'working directory' : `--cwd ${option}:`} ${cwd} is not a directory: give the folder the steps should run in`);
}

/** An unattended run against production needs `--i-know-this-is-production` as well as `--yes`. */
export function refuseUnattendedProduction(environment: { name: string; production: boolean } | undefined, unattended: boolean, iKnowThisIsProduction: boolean | undefined): void {
  if (environment?.production && unattended && !iKnowThisIsProduction) {
    throw new UsageError(`--env ${environment.name} is production: --yes alone will not run it; add --i-know-this-is-production, or run interactively and type the stage id`);
  }
}
