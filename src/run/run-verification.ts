/**
 * The recovery check as a command runs it, shared by `verify` and by `rollback` after its
 * last step: builds the Prometheus client from the plan's URL and `PROMETHEUS_BEARER_TOKEN`,
 * prints a header, shows live progress (listr2, loaded only when shown), and resolves to the
 * report. Printing the summary and choosing the exit code stay with the caller.
 */

import type { Io } from '../io.js';
import type { Plan } from '../plan/types.js';
import { createPrometheusClient } from '../prometheus/client.js';
import { formatMs } from '../prometheus/duration.js';
import { describeSelector } from '../prometheus/evaluate-targets.js';
import { verifyRecovery, type CheckWindow, type VerificationEvent, type VerificationReport } from '../prometheus/verify-recovery.js';
import { describeUrlSource } from '../view/plan-text.js';
import { styleFor } from '../view/style.js';
import type { VerifySettings } from '../commands/verify-flags.js';
import { escapeText } from '../view/escape-text.js';

export interface RunVerificationOptions {
  plan: Plan;
  settings: VerifySettings;
  /** When the last step finished (or `--since`): scrapes before it do not count. */
  since: Date;
  /** No header, no progress: the caller prints JSON. */
  quiet?: boolean;
  /** How `since` reads in progress lines: "the last step finished" (default), "--since". */
  sinceLabel?: string;
  /** Ranges of the checks: since `since` (after a rollback) or as the note wrote them. */
  window: CheckWindow;
  /** Also told every event (the journal records them). */
  onEvent?: (event: VerificationEvent) => void;
  /** Ctrl-C: the check stops with an `InterruptedError`. */
  signal?: AbortSignal;
}

export async function runVerification(options: RunVerificationOptions, io: Io): Promise<VerificationReport> {
  const { plan, settings, since } = options;
  const style = styleFor(io.stdout, io.env);
  let show: (event: VerificationEvent) => void = () => {};
  const tell = (event: VerificationEvent) => {
    show(event);
    options.onEvent?.(event);
  };
  const client = createPrometheusClient({
    url: plan.prometheus.url,
    bearerToken: io.env.PROMETHEUS_BEARER_TOKEN,
    onRetry: (retry) => tell({ type: 'request-retry', at: io.now(), retry, message: `${retry.error.message}; retrying` }),
  });
  const run = (listener: (event: VerificationEvent) => void) => {
    show = listener;
    return verifyRecovery(
      {
        since,
        jobs: settings.jobs,
        targetLabels: settings.targetLabels,
        stable: settings.stable,
        recoveryTimeoutMs: settings.recoveryTimeoutMs,
        noData: settings.noData,
        checks: plan.checks,
        checkTargets: settings.checkTargets,
        window: options.window,
      },
      { client, now: () => io.now(), onEvent: tell, signal: options.signal },
    );
  };
  if (options.quiet) return run(() => {});

  // Printed before the task list starts, so its renderer cannot overwrite it.
  io.stdout.write(`${style.bold(escapeText(`Verifying recovery of stage ${plan.stage ?? plan.file}`))} — Prometheus ${escapeText(client.url)} ${style.dim(`(${escapeText(describeUrlSource(plan))})`)}\n`);
  const deadline = new Date(io.now().getTime() + settings.recoveryTimeoutMs);
  io.stdout.write(
    style.dim(
      `  gives up at ${deadline.toISOString().slice(11, 19)} UTC (--recovery-timeout ${formatMs(settings.recoveryTimeoutMs)}); ${options.window === 'since-rollback' ? "the checks' ranges are measured since " + (options.sinceLabel ?? 'the last step finished') : "the checks' ranges as the note wrote them"}\n`,
    ),
  );
  const { withVerifyProgress } = await import('../view/verify-progress.js');
  return withVerifyProgress(io, plan.checks, { title: targetsTitle(settings, since), sinceLabel: options.sinceLabel, deadline }, run);
}

function targetsTitle(settings: VerifySettings, since: Date): string {
  if (!settings.checkTargets) return 'targets: not checked (--no-targets)';
  const selector = describeSelector({ jobs: settings.jobs, labels: settings.targetLabels });
  return `targets${selector ? ` matching ${selector}` : ''}: up and scraped after ${since.toISOString()}, ${settings.stable} time${settings.stable === 1 ? '' : 's'} in a row`;
}
