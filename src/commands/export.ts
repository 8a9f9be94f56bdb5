/**
 * `runbook export <stage> --format ansible`: the plan for other engines to run at fleet scale.
 */

import { UsageError } from '../errors.js';
import { planToAnsible } from '../export/ansible.js';
import type { Io } from '../io.js';
import { loadPlan, type LoadPlanOptions } from '../run/load-plan.js';

export const EXPORT_FORMATS = ['ansible'] as const;

export async function exportCommand(options: LoadPlanOptions & { format: string }, io: Io): Promise<number> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`--format ${options.format}: not a known format; known: ${EXPORT_FORMATS.join(', ')}`);
  }
  const { plan } = await loadPlan(options, io);
  io.stdout.write(planToAnsible(plan));
  return 0;
}
