/**
 * `runbook rollback <stage>` (and `--dry-run`): the run pipeline (src/run/pipeline.ts) on a
 * note, confirming each step on a terminal or running all with --yes.
 */

import type { Io } from '../io.js';
import type { LoadPlanOptions } from '../run/load-plan.js';
import type { RunOptions } from '../run/options.js';
import { runPipeline } from '../run/pipeline.js';

export interface RollbackOptions extends LoadPlanOptions, RunOptions {
  dryRun?: boolean;
  json?: boolean;
}

export async function rollbackCommand(options: RollbackOptions, io: Io): Promise<number> {
  const { reference, runbooks, path, set, choose, withDataRollback, prometheusUrl, cwd, environment, ...run } = options;
  const report = await runPipeline({ mode: options.dryRun ? 'dry-run' : 'run', note: { reference, runbooks, path, set, choose, withDataRollback, prometheusUrl, cwd, environment }, options: run, json: options.json }, io);
  return report.exitCode;
}
