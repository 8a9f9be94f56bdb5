/**
 * The pipeline's verify stage: after the last step, the recovery check against Prometheus (or,
 * with --no-verify, a record that it was skipped), journalled measurement by measurement.
 */

import { ExitCode, InterruptedError } from '../errors.js';
import type { Io } from '../io.js';
import type { RunEvent } from '../journal/events.js';
import type { Plan } from '../plan/types.js';
import type { VerificationReport } from '../prometheus/verify-recovery.js';
import { formatVerification, verificationFailureMessage } from '../view/verification-text.js';
import { styleFor } from '../view/style.js';
import type { AfterSteps } from './execute.js';
import { runVerification } from './run-verification.js';
import { parseVerifyFlags, type VerifySettings } from '../commands/verify-flags.js';
import type { RecoveryFlags } from './options.js';

/**
 * Checks the flags before anything runs (a typo in --recovery-timeout must not surface after
 * the rollback). Selectors the operator did not give come from the environment profile.
 */
export function recoverySettings(flags: RecoveryFlags, plan: Plan, now: Date): VerifySettings {
  const settings = parseVerifyFlags(flags, now);
  const profile = plan.environment?.targets;
  // Selectors on the command line replace the profile's, and so turn the target check on.
  if (!profile || !settings.checkTargets || settings.jobs.length > 0 || settings.targetLabels.length > 0) return settings;
  return { ...settings, jobs: profile.jobs, targetLabels: Object.entries(profile.labels), checkTargets: profile.check };
}

/** The `afterSteps` hook of a run; `settings` undefined means --no-verify. */
export function checkRecovery(plan: Plan, settings: VerifySettings | undefined, io: Io) {
  return async ({ emit, lastStepFinishedAt }: { emit: (event: RunEvent) => void; lastStepFinishedAt: Date }): Promise<AfterSteps> => {
    const at = () => io.now().toISOString();
    if (!settings) {
      emit({ type: 'verification', at: at(), phase: 'skipped', verdict: 'not verified', summary: 'recovery not checked (--no-verify)' });
      return { exitCode: ExitCode.ok, result: 'succeeded', message: 'recovery not verified (--no-verify): check Prometheus by hand, or run runbook verify' };
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    // As during the steps: Ctrl-C, SIGTERM and a closed terminal (SIGHUP) stop the run.
    const unsubscribe = [io.onSignal('SIGINT', stop), io.onSignal('SIGTERM', stop), io.onSignal('SIGHUP', stop)];
    let report: VerificationReport;
    try {
      io.stdout.write('\n');
      report = await runVerification(
        {
          plan,
          settings,
          since: lastStepFinishedAt,
          window: settings.window ?? 'since-rollback',
          onEvent: (event) => {
            if ('measurement' in event) emit({ type: 'verification', at: at(), phase: 'measurement', measurement: event.measurement });
          },
          signal: controller.signal,
        },
        io,
      );
    } catch (error) {
      if (controller.signal.aborted) throw new InterruptedError('interrupted during the recovery check');
      throw error;
    } finally {
      for (const off of unsubscribe) off();
    }
    emit({
      type: 'verification',
      at: at(),
      phase: 'report',
      verdict: report.verdict,
      summary: report.reason,
      prometheusUrl: report.prometheusUrl,
      since: report.since,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      targetsChecked: report.targetsChecked,
      timeToRecoveryMs: report.timeToRecoveryMs ?? null,
      // Read back by `runbook report` (see verificationFromJournal in report/rehearsal-report.ts).
      targets: report.targets.map((target) => ({ name: target.name, health: target.health, lastError: target.lastError, timeToRecoveryMs: target.timeToRecoveryMs ?? null, recoveredAt: target.recoveredAt ?? null })),
      checks: report.checks.map((check) => ({
        metric: check.metric,
        query: check.query ?? null,
        ...(check.sentQuery && check.sentQuery !== check.query ? { sentQuery: check.sentQuery } : {}),
        value: check.value ?? null,
        threshold: check.threshold ?? null,
        baseThreshold: check.baseThreshold ?? null,
        result: check.result,
        reason: check.reason,
      })),
      requests: report.requests,
    });
    io.stdout.write(`\n${formatVerification(report, { style: styleFor(io.stdout, io.env), stage: plan.stage })}`);
    if (report.verdict === 'verified') return { exitCode: ExitCode.ok, result: 'succeeded', verification: report };
    return { exitCode: ExitCode.verifyFailed, result: 'not-recovered', message: verificationFailureMessage(report), verification: report };
  };
}
