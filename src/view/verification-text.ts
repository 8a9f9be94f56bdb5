/**
 * The verification report as a person reads it at the end of `verify` (and of a rollback):
 * the verdict first, then each target's health, last error and time to recovery, then each
 * check's query, measured value(s), threshold and result.
 */

import { formatMs } from '../prometheus/duration.js';
import { formatLabels } from '../prometheus/evaluate-check.js';
import { describeSelector } from '../prometheus/evaluate-targets.js';
import type { CheckOutcome, TargetOutcome, VerificationReport } from '../prometheus/verify-recovery.js';
import { formatTable } from './table.js';
import type { Style } from './style.js';
import { escapeDeep } from './escape-text.js';

export function formatVerification(rawReport: VerificationReport, options: { style: Style; stage?: string }): string {
  // Labels, queries and errors come from Prometheus and the note: control characters escaped.
  const report = escapeDeep(rawReport);
  const { style } = options;
  const out: string[] = [];
  const stage = options.stage ? ` of stage ${options.stage}` : '';
  out.push(headline(report, stage, style));

  const selector = describeSelector({ jobs: report.selector.jobs, labels: report.selector.targetLabels });
  if (!report.targetsChecked) out.push('', style.bold('Targets'), style.yellow('  not checked (--no-targets): only the metric checks below show recovery'));
  else out.push('', style.bold(`Targets${selector ? ` matching ${selector}` : ''} — up, without scrape error, scraped after ${report.since}`));
  if (!report.targetsChecked) {
    // nothing more to say about targets
  } else if (report.targets.length === 0 && report.error) out.push(style.yellow('  not read: Prometheus could not be asked'));
  else if (report.targets.length === 0) out.push(style.yellow(`  none${report.knownJobs.length > 0 ? ` (jobs Prometheus knows: ${report.knownJobs.join(', ')})` : ''}`));
  // Plain cells: colour codes would throw the column widths off.
  else
    out.push(
      ...indent(
        formatTable(
          ['target', 'health', 'recovery', 'last error'],
          report.targets.map((target) => targetRow(target, report.stable)),
        )
          .trimEnd()
          .split('\n'),
      ),
    );

  if (report.checks.length > 0) {
    out.push('', style.bold('Checks — Prometheus base units: seconds, ratios (>150ms is >0.15, >1% is >0.01)'));
    for (const check of report.checks) out.push(...formatCheckOutcome(check, style));
  }

  const timing = [
    report.timeToRecoveryMs !== undefined ? `time to recovery ${formatMs(report.timeToRecoveryMs)}` : undefined,
    `checked for ${formatMs(Date.parse(report.finishedAt) - Date.parse(report.startedAt))}`,
    `${report.requests} request${report.requests === 1 ? '' : 's'} to Prometheus`,
  ].filter(Boolean);
  out.push('', style.dim(timing.join(' · ')));
  return `${out.join('\n')}\n`;
}

function headline(report: VerificationReport, stage: string, style: Style): string {
  const where = style.dim(`— Prometheus ${report.prometheusUrl}`);
  switch (report.verdict) {
    case 'verified':
      return `${style.green(style.bold(`Recovery${stage} verified`))} ${where}\n  ${report.reason}`;
    case 'failed':
      return `${style.red(style.bold(`Recovery${stage} NOT verified: failed`))} ${where}\n  ${report.reason}`;
    case 'inconclusive':
      return `${style.yellow(style.bold(`Recovery${stage} NOT verified: inconclusive`))} ${where}\n  ${report.reason}`;
  }
}

function targetRow(target: TargetOutcome, stable: number): string[] {
  let recovery: string;
  if (target.timeToRecoveryMs !== undefined && target.goodScrapes >= stable) recovery = `after ${formatMs(target.timeToRecoveryMs)}`;
  else if (target.timeToRecoveryMs !== undefined) recovery = `up after ${formatMs(target.timeToRecoveryMs)}, ${target.goodScrapes}/${stable} good scrapes`;
  else recovery = target.status === 'stale' ? 'no scrape after the rollback' : 'not recovered';
  return [target.name, target.status, recovery, target.lastError || '-'];
}

export function formatCheckOutcome(check: CheckOutcome, style: Style): string[] {
  const result = check.result === 'pass' ? style.green('pass') : check.result === 'fail' ? style.red('FAIL') : check.result === 'skipped' ? style.dim('not checked') : style.yellow(check.result);
  const threshold = check.threshold ? `threshold ${check.threshold}${check.baseThreshold && check.baseThreshold !== check.threshold ? ` (${check.baseThreshold})` : ''}` : 'no threshold';
  const lines = [check.result === 'skipped' ? `  ${check.metric}: ${style.dim(check.reason)}` : `  ${check.metric}: ${result} — ${check.reason}`];
  if (check.result !== 'skipped') lines.push(`      ${style.dim(`${threshold}${check.attempts > 1 ? ` · ${check.attempts} measurements` : ''}`)}`);
  if (check.query) lines.push(...check.query.split('\n').map((line) => `      ${style.cyan('│')} ${line}`));
  if (check.sentQuery && check.sentQuery !== check.query) {
    lines.push(`      ${style.dim(`sent with its ranges since the last step (${check.windows ?? 'shortened'}):`)}`, ...check.sentQuery.split('\n').map((line) => `      ${style.cyan('│')} ${line}`));
  }
  if (check.series.length > 1) {
    for (const series of check.series) lines.push(`      ${formatLabels(series.labels) || '(no labels)'} ${series.value} ${series.result}`);
  }
  return lines;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** The one line the CLI prints on stderr when recovery is not shown (exit code 3). */
export function verificationFailureMessage(rawReport: VerificationReport): string {
  const report = escapeDeep(rawReport);
  return report.verdict === 'inconclusive' ? `recovery inconclusive (not shown either way): ${report.reason}` : `recovery not verified: ${report.reason}`;
}
