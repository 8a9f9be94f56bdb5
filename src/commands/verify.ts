/**
 * `runbook verify <stage>`: the recovery check on its own, outside any rollback (during an
 * incident, or after a rollback done by hand). Reads the note's checks and Prometheus URL,
 * asks Prometheus until recovery shows or time runs out, prints the verdict, and exits 0
 * (verified) or 3 (failed or inconclusive, with different messages).
 */

import { VerificationError } from '../errors.js';
import type { Io } from '../io.js';
import type { VerificationReport } from '../prometheus/verify-recovery.js';
import { styleFor } from '../view/style.js';
import { verificationToJson } from '../view/verification-json.js';
import { formatVerification, verificationFailureMessage } from '../view/verification-text.js';
import { loadPlan } from '../run/load-plan.js';
import { recoverySettings } from '../run/verify.js';
import { runVerification } from '../run/run-verification.js';
import { parseVerifyFlags, type VerifyFlags, type VerifySettings } from './verify-flags.js';
import { escapeText } from '../view/escape-text.js';

export interface VerifyCommandOptions {
  /** Stage id or path to a `.md` note. */
  reference: string;
  runbooks?: string;
  prometheusUrl?: string;
  json?: boolean;
  /** `--env NAME`: Prometheus URL and target selectors from the environment profile. */
  environment?: string;
  flags: VerifyFlags;
}

export async function verifyCommand(options: VerifyCommandOptions, io: Io): Promise<number> {
  // Bad options fail before anything is read or asked.
  parseVerifyFlags(options.flags, io.now());
  const { plan } = await loadPlan({ reference: options.reference, runbooks: options.runbooks, prometheusUrl: options.prometheusUrl, environment: options.environment }, io);
  // Target selectors not given on the command line come from the environment profile.
  const settings = recoverySettings(options.flags, plan, io.now());
  const stage = plan.stage ?? options.reference;

  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let report: VerificationReport;
  try {
    report = await runVerification(
      {
        plan,
        settings,
        since: settings.since ?? io.now(),
        window: settings.window ?? (settings.since ? 'since-rollback' : 'note'),
        quiet: options.json,
        sinceLabel: settings.since ? '--since' : 'the check started',
        signal: controller.signal,
      },
      io,
    );
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }

  const warnings = await exportMetrics(report, stage, settings);
  if (options.json) io.stdout.write(`${JSON.stringify(verificationToJson(report, plan), null, 2)}\n`);
  else io.stdout.write(`\n${formatVerification(report, { style: styleFor(io.stdout, io.env), stage })}`);
  for (const warning of warnings) io.stderr.write(`runbook: warning: ${escapeText(warning)}\n`);
  if (report.verdict !== 'verified') throw new VerificationError(verificationFailureMessage(report));
  return 0;
}

/** `--pushgateway` and `--metrics-file`: prom-client is loaded only when one is given. */
async function exportMetrics(report: VerificationReport, stage: string, settings: VerifySettings): Promise<string[]> {
  if (!settings.pushgateway && !settings.metricsFile) return [];
  const { Registry, createRunMetrics, exportRunMetrics, recordVerification } = await import('../metrics/run-metrics.js');
  const registry = new Registry();
  const metrics = createRunMetrics(registry, stage);
  recordVerification(metrics, report);
  metrics.runFinished(report.verdict === 'verified');
  return exportRunMetrics(registry, stage, settings);
}
