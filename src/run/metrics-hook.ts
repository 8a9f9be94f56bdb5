/**
 * The run's own metrics (prom-client), when --pushgateway or --metrics-file asks for them: a
 * hook that counts the run's events and, when it ends, records the verdict and exports.
 * Failing to export is a warning, never a failed rollback. prom-client loads only when asked.
 */

import { ExitCode } from '../errors.js';
import { checkWritablePath } from '../files/write-file-safely.js';
import type { StepResult } from '../journal/events.js';
import type { RunHooks } from './hooks.js';

const RESULTS: Record<StepResult, 'success' | 'failed' | 'skipped' | 'aborted'> = {
  done: 'success',
  acknowledged: 'success',
  failed: 'failed',
  'timed-out': 'failed',
  interrupted: 'aborted',
  skipped: 'skipped',
  'needs-person': 'skipped',
  'not-selected': 'skipped',
};

export async function createMetricsHook(stage: string, targets: { pushgateway?: string; metricsFile?: string }): Promise<RunHooks | undefined> {
  if (!targets.pushgateway && !targets.metricsFile) return undefined;
  // Checked before the run: `--metrics-file /dev/null` must not become a regular file after it.
  if (targets.metricsFile) checkWritablePath(targets.metricsFile, { what: '--metrics-file' });
  const { Registry, createRunMetrics, exportRunMetrics, recordVerification } = await import('../metrics/run-metrics.js');
  const registry = new Registry();
  const metrics = createRunMetrics(registry, stage);
  return {
    onEvent(event) {
      if (event.type === 'step-finished') metrics.stepFinished({ step: `${event.step} ${event.title}`, result: RESULTS[event.result] ?? 'failed', durationSeconds: event.durationMs / 1000 });
    },
    async afterRun(_run, outcome) {
      if (outcome.verification) recordVerification(metrics, outcome.verification);
      metrics.runFinished(outcome.exitCode === ExitCode.ok);
      return exportRunMetrics(registry, stage, targets);
    },
  };
}
