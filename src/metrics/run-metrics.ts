/**
 * Metrics of a rollback run itself, in a prom-client `Registry` the caller owns (never the
 * global one): how long each step took, how the run ended, how long recovery took, how each
 * recovery check came out. The executor calls the small API below as things happen; at the
 * end the registry goes to a Pushgateway (`--pushgateway`) and/or a file for node_exporter's
 * textfile collector (`--metrics-file`).
 *
 * Only commands that were asked for metrics import this module: prom-client stays out of
 * `--help` and `show`.
 */

import { Counter, Gauge, Histogram, Pushgateway, Registry } from 'prom-client';
import { writeFileSafely } from '../files/write-file-safely.js';
import { maskUrl } from '../prometheus/url.js';
import type { VerificationReport } from '../prometheus/verify-recovery.js';

export { Registry } from 'prom-client';

export type StepResult = 'success' | 'failed' | 'skipped' | 'aborted';
export type CheckResultLabel = 'pass' | 'fail' | 'inconclusive' | 'error' | 'skipped';

export interface RunMetrics {
  readonly registry: Registry;
  /** A step ended; `step` is its label, e.g. `1 Disable feature flag`. */
  stepFinished(step: { step: string | number; result: StepResult; durationSeconds: number }): void;
  /** The run ended: `runbook_run_result` is 1 for success, 0 otherwise. */
  runFinished(success: boolean): void;
  /** Recovery was verified this long after the last step finished. */
  recovered(seconds: number): void;
  /** A recovery check's final result: 1 when it passed, 0 otherwise, labelled with the result. */
  checkResult(check: string, result: CheckResultLabel): void;
}

/** Step durations from a second to half an hour. */
const STEP_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Registers runbook's metrics in `registry` for one stage. */
export function createRunMetrics(registry: Registry, stage: string): RunMetrics {
  const registers = [registry];
  const stepDuration = new Histogram({
    name: 'runbook_step_duration_seconds',
    help: 'Duration of each rollback step.',
    labelNames: ['stage', 'step', 'result'] as const,
    buckets: STEP_BUCKETS,
    registers,
  });
  const steps = new Counter({ name: 'runbook_steps_total', help: 'Rollback steps finished, by result.', labelNames: ['stage', 'result'] as const, registers });
  const runResult = new Gauge({ name: 'runbook_run_result', help: 'Result of the last run of the stage: 1 success, 0 failure.', labelNames: ['stage'] as const, registers });
  const timeToRecovery = new Gauge({
    name: 'runbook_time_to_recovery_seconds',
    help: 'Seconds from the end of the last rollback step until Prometheus showed recovery.',
    labelNames: ['stage'] as const,
    registers,
  });
  const checks = new Gauge({
    name: 'runbook_recovery_checks',
    help: 'Recovery checks of the last run: 1 passed, 0 did not; the result label says how it ended.',
    labelNames: ['stage', 'check', 'result'] as const,
    registers,
  });
  // One series per check: a check reported again (after a retry) replaces its old result.
  const checkResults = new Map<string, CheckResultLabel>();

  return {
    registry,
    stepFinished({ step, result, durationSeconds }) {
      stepDuration.observe({ stage, step: String(step), result }, durationSeconds);
      steps.inc({ stage, result });
    },
    runFinished(success) {
      runResult.set({ stage }, success ? 1 : 0);
    },
    recovered(seconds) {
      timeToRecovery.set({ stage }, seconds);
    },
    checkResult(check, result) {
      const previous = checkResults.get(check);
      if (previous !== undefined && previous !== result) checks.remove({ stage, check, result: previous });
      checkResults.set(check, result);
      checks.set({ stage, check, result }, result === 'pass' ? 1 : 0);
    },
  };
}

/**
 * Records a recovery verification: each check's result, and the time to recovery when it
 * was verified. (`runFinished` stays the caller's: a rollback succeeds only if its steps did.)
 */
export function recordVerification(metrics: RunMetrics, report: Pick<VerificationReport, 'verdict' | 'checks' | 'timeToRecoveryMs'>): void {
  for (const check of report.checks) metrics.checkResult(check.metric, check.result);
  if (report.verdict === 'verified' && report.timeToRecoveryMs !== undefined) metrics.recovered(report.timeToRecoveryMs / 1000);
}

/**
 * `--pushgateway` and `--metrics-file` at the end of a run: both, concurrently. Resolves to
 * the warnings to show (empty when all went well); never rejects.
 */
export async function exportRunMetrics(registry: Registry, stage: string, targets: { pushgateway?: string; metricsFile?: string }): Promise<string[]> {
  const outcomes = await Promise.all([targets.pushgateway ? pushMetrics(targets.pushgateway, registry, stage) : undefined, targets.metricsFile ? writeMetricsFile(targets.metricsFile, registry) : undefined]);
  return outcomes.flatMap((outcome) => (outcome && !outcome.ok ? [outcome.warning] : []));
}

/** How pushing or writing the metrics went; never an exception. */
export type PushOutcome = { ok: true } | { ok: false; warning: string };

/**
 * PUTs the registry to a Pushgateway as job `runbook`, grouped by stage (so each stage's
 * last run replaces its previous one). Resolves with a warning instead of rejecting: a
 * Pushgateway that is down must never fail a rollback.
 */
export async function pushMetrics(pushgatewayUrl: string, registry: Registry, stage: string, options: { timeoutMs?: number } = {}): Promise<PushOutcome> {
  try {
    const url = new URL(pushgatewayUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the URL must start with http:// or https://');
    const gateway = new Pushgateway(pushgatewayUrl, { timeout: options.timeoutMs ?? 5_000 }, registry);
    await gateway.push({ jobName: 'runbook', groupings: { stage } });
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = /ECONNREFUSED/.test(message) ? 'connection refused' : message.replace(/\s+/g, ' ').trim();
    return { ok: false, warning: maskUrl(`could not push metrics to the Pushgateway at ${pushgatewayUrl}: ${reason}`) };
  }
}

/**
 * Writes the registry in Prometheus' text format for node_exporter's textfile collector:
 * to a temp file in the same directory, then renamed over `path`, so the collector never
 * reads half a file (the temp name does not end in `.prom`, so the collector skips it);
 * never over a device or a folder (see files/write-file-safely.ts).
 * Like `pushMetrics`, a failure is a warning, not an exception.
 */
export async function writeMetricsFile(path: string, registry: Registry): Promise<PushOutcome> {
  try {
    writeFileSafely(path, await registry.metrics(), { what: '--metrics-file' });
    return { ok: true };
  } catch (error) {
    return { ok: false, warning: error instanceof Error ? error.message : String(error) };
  }
}
