/**
 * The folder of notes: `--runbooks DIR`, else `RUNBOOK_DIR`, else `./runbooks`. On its own so
 * that `runs` and `log`, which only need to know where the state folder is, load no note reader.
 */

import type { Io } from '../io.js';

export function runbooksDir(option: string | undefined, io: Pick<Io, 'env'>): string {
  return option ?? (io.env.RUNBOOK_DIR || 'runbooks');
}
