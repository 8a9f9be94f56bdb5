/**
 * `runbook show <stage>` and `runbook rollback <stage> --dry-run`: print the plan a real run
 * would follow. The same pipeline as a run, with the executor left out; nothing is written.
 */

import type { Io } from '../io.js';
import { planToJson } from '../view/plan-json.js';
import { formatPlan, type PlanTextOptions } from '../view/plan-text.js';
import { styleFor } from '../view/style.js';
import { loadPlan, type LoadPlanOptions } from './load-plan.js';
import { alertingJson, alertingSettings, describeAlerting, type AlertingFlags } from './run-alerting.js';

export interface ShowOptions extends LoadPlanOptions, Pick<PlanTextOptions, 'targetSelectors' | 'checkTargets' | 'verify'> {
  json?: boolean;
  dryRun: boolean;
  /** A dry run's notification and silence options: shown as the run would use them. */
  alerting?: AlertingFlags;
}

export async function showCommand(options: ShowOptions, io: Io): Promise<number> {
  const { plan, environment } = await loadPlan(options, io);
  const alerting = options.dryRun ? alertingSettings(options.alerting ?? {}, io.env, environment) : undefined;
  if (options.json) io.stdout.write(`${JSON.stringify({ ...planToJson(plan), ...(alerting ? { alerting: alertingJson(alerting) } : {}) }, null, 2)}\n`);
  else io.stdout.write(formatPlan(plan, { style: styleFor(io.stdout, io.env), dryRun: options.dryRun, targetSelectors: options.targetSelectors, checkTargets: options.checkTargets, verify: options.verify, around: alerting && describeAlerting(alerting) }));
  return 0;
}
