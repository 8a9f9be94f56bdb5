/**
 * The verification report as JSON (`verify --json`), for other tools. Versioned by
 * `schemaVersion`; add fields, never rename them.
 */

import type { Plan } from '../plan/types.js';
import type { VerificationReport } from '../prometheus/verify-recovery.js';

export const VERIFICATION_SCHEMA_VERSION = 1;

export function verificationToJson(report: VerificationReport, plan: Pick<Plan, 'stage' | 'file' | 'prometheus'>): object {
  return {
    schemaVersion: VERIFICATION_SCHEMA_VERSION,
    stage: plan.stage ?? null,
    note: plan.file,
    prometheusUrlSource: plan.prometheus.source,
    ...report,
  };
}
