/**
 * `runbook show <stage>` and `runbook rollback <stage> --dry-run`: print the plan a real run
 * would follow. The same pipeline as a run, with the executor left out; nothing is written.
 */

import type { Io } from '../io.js';
import { planToJson } from '../view/plan-json.js';
import { formatPlan, type PlanTextOptions } from '../view/plan-text.js';
import { styleFor } from '../view/style.js';
import { loadPlan, type LoadPlanOptions } from './load-plan.js';

export interface ShowOptions extends LoadPlanOptions, Pick<PlanTextOptions, 'targetSelectors' | 'checkTargets' | 'verify' | 'window'> {
  json?: boolean;
  dryRun: boolean;
}

export async function showCommand(options: ShowOptions, io: Io): Promise<number> {
  const { plan } = await loadPlan(options, io);
  if (options.json) io.stdout.write(`${JSON.stringify(planToJson(plan), null, 2)}\n`);
  else io.stdout.write(formatPlan(plan, { style: styleFor(io.stdout, io.env), dryRun: options.dryRun, targetSelectors: options.targetSelectors, checkTargets: options.checkTargets, verify: options.verify, window: options.window }));
  return 0;
}
