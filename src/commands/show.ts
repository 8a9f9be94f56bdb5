/**
 * `runbook show <stage>`: the plan of a note, as a run would load it. No run options: for
 * what a particular run would do (its --from, its failures to expect), use `rollback --dry-run`.
 */

import type { Io } from '../io.js';
import { loadPlan, type LoadPlanOptions } from '../run/load-plan.js';
import { predictFailures } from '../run/predict.js';
import { planToJson } from '../view/plan-json.js';
import { formatPlan } from '../view/plan-text.js';
import { styleFor } from '../view/style.js';
import { alertingJson, alertingSettings, describeAlerting } from '../run/alerting.js';

export interface ShowOptions extends LoadPlanOptions {
  json?: boolean;
}

export async function showCommand(options: ShowOptions, io: Io): Promise<number> {
  const { plan, environment } = await loadPlan(options, io);
  // The notifications and silence a run would have from the environment (and RUNBOOK_NOTIFY_URL / ALERTMANAGER_URL).
  const alerting = alertingSettings({}, io.env, environment);
  const around = alerting.webhooks.length > 0 || alerting.silence ? alerting : undefined;
  if (options.json) io.stdout.write(`${JSON.stringify({ ...planToJson(plan), ...(around ? { alerting: alertingJson(around) } : {}) }, null, 2)}\n`);
  else io.stdout.write(formatPlan(plan, { style: styleFor(io.stdout, io.env), dryRun: false, predicted: predictFailures(plan), around: around && describeAlerting(around) }));
  return 0;
}
