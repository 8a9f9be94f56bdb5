/**
 * `runbook verify <stage>`: the recovery check on its own, outside any rollback (during an
 * incident, or after a rollback done by hand). Reads the note's checks and Prometheus URL,
 * asks Prometheus until recovery shows or time runs out, prints the verdict, and exits 0
 * (verified) or 3 (failed or inconclusive, with different messages).
 */

import { VerificationError } from '../errors.js';
import type { Io } from '../io.js';
import type { Plan } from '../plan/types.js';
import { createPrometheusClient } from '../prometheus/client.js';
import { describeSelector } from '../prometheus/evaluate-targets.js';
import { verifyRecovery, type VerificationEvent, type VerificationReport } from '../prometheus/verify-recovery.js';
import { styleFor } from '../view/style.js';
import { verificationFailureMessage, formatVerification } from '../view/verification-text.js';
import { verificationToJson } from '../view/verification-json.js';
import { loadPlan } from './load-plan.js';
import { parseVerifyFlags, type VerifyFlags, type VerifySettings } from './verify-flags.js';

export interface VerifyCommandOptions {
  /** Stage id or path to a `.md` note. */
  reference: string;
  runbooks?: string;
  prometheusUrl?: string;
  json?: boolean;
  flags: VerifyFlags;
}

export async function verifyCommand(options: VerifyCommandOptions, io: Io): Promise<number> {
  // Bad options fail before anything is read or asked.
  const settings = parseVerifyFlags(options.flags, io.now());
  const plan = await loadPlan({ reference: options.reference, runbooks: options.runbooks, prometheusUrl: options.prometheusUrl }, io);
  const since = settings.since ?? io.now();
  const style = styleFor(io.stdout, io.env);
  const stage = plan.stage ?? options.reference;

  let onEvent: (event: VerificationEvent) => void = () => {};
  const client = createPrometheusClient({
    url: plan.prometheus.url,
    bearerToken: io.env.PROMETHEUS_BEARER_TOKEN,
    onRetry: (retry) => onEvent({ type: 'request-retry', at: io.now(), retry, message: `${retry.error.message}; retrying` }),
  });

  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let report: VerificationReport;
  try {
    const run = (listener: (event: VerificationEvent) => void) => {
      onEvent = listener;
      return verifyRecovery(
        { since, jobs: settings.jobs, targetLabels: settings.targetLabels, stable: settings.stable, recoveryTimeoutMs: settings.recoveryTimeoutMs, noData: settings.noData, checks: plan.checks },
        { client, now: () => io.now(), onEvent: listener, signal: controller.signal },
      );
    };
    if (options.json) report = await run(() => {});
    else {
      // Printed before the task list starts, so its renderer cannot overwrite it.
      io.stdout.write(`${style.bold(`Verifying recovery of stage ${stage}`)} — Prometheus ${client.url} ${style.dim(`(${describeUrlSource(plan)})`)}\n`);
      const { withVerifyProgress } = await import('../view/verify-progress.js');
      const sinceLabel = settings.since ? '--since' : 'the check started';
      report = await withVerifyProgress(io, plan.checks, { title: targetsTitle(settings, since), sinceLabel }, run);
    }
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }

  const warnings = await exportMetrics(report, stage, settings);
  if (options.json) io.stdout.write(`${JSON.stringify(verificationToJson(report, plan), null, 2)}\n`);
  else io.stdout.write(`\n${formatVerification(report, { style, stage })}`);
  for (const warning of warnings) io.stderr.write(`runbook: warning: ${warning}\n`);
  if (report.verdict !== 'verified') throw new VerificationError(verificationFailureMessage(report));
  return 0;
}

function targetsTitle(settings: VerifySettings, since: Date): string {
  const selector = describeSelector({ jobs: settings.jobs, labels: settings.targetLabels });
  return `targets${selector ? ` matching ${selector}` : ''}: up and scraped after ${since.toISOString()}, ${settings.stable} time${settings.stable === 1 ? '' : 's'} in a row`;
}

function describeUrlSource(plan: Plan): string {
  switch (plan.prometheus.source) {
    case 'option':
      return 'from --prometheus-url';
    case 'environment':
      return 'from PROMETHEUS_URL';
    case 'note':
      return `from the note, line ${plan.prometheus.line}`;
    case 'profile':
      return 'from the environment profile';
    case 'default':
      return 'the default';
  }
}

/** `--pushgateway` and `--metrics-file`: prom-client is loaded only when one is given. */
async function exportMetrics(report: VerificationReport, stage: string, settings: VerifySettings): Promise<string[]> {
  if (!settings.pushgateway && !settings.metricsFile) return [];
  const { Registry, createRunMetrics, pushMetrics, writeMetricsFile } = await import('../metrics/run-metrics.js');
  const registry = new Registry();
  const metrics = createRunMetrics(registry, stage);
  for (const check of report.checks) metrics.checkResult(check.metric, check.result);
  if (report.verdict === 'verified' && report.timeToRecoveryMs !== undefined) metrics.recovered(report.timeToRecoveryMs / 1000);
  metrics.runFinished(report.verdict === 'verified');
  const outcomes = await Promise.all([
    settings.pushgateway ? pushMetrics(settings.pushgateway, registry, stage) : undefined,
    settings.metricsFile ? writeMetricsFile(settings.metricsFile, registry) : undefined,
  ]);
  return outcomes.flatMap((outcome) => (outcome && !outcome.ok ? [outcome.warning] : []));
}
