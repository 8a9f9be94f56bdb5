/**
 * The rehearsal report: proof that a rollback works before it is needed, as JSON for tools,
 * markdown fit to paste into the note's Communication Log, and (report/html-report.ts) a page
 * to look at. Pure: built from the run's events — the journal — and, when the caller has it,
 * the verification report (otherwise read back from the journalled one).
 */

import type { NotificationSent, RunEvent, SilenceRecorded, StepDecision, VerificationRecorded } from '../journal/events.js';
import { replayRun, stepOutcomes } from '../journal/run-state.js';
import type { Plan } from '../plan/types.js';
import { formatMs } from '../prometheus/duration.js';
import { shortError } from '../prometheus/evaluate-targets.js';
import type { VerificationReport } from '../prometheus/verify-recovery.js';
import { escapeDeep } from '../view/escape-text.js';

export const REPORT_SCHEMA_VERSION = 1;

export type RehearsalVerdict = 'passed' | 'failed' | 'not-verified';

export interface RehearsalReport {
  schemaVersion: number;
  /** `run`: the report of a rollback run (`runbook report`) rather than of a rehearsal. */
  kind: 'rehearsal' | 'run';
  runId: string;
  stage: string | null;
  title: string;
  note: string;
  path: { number: number; title: string };
  environment: string | null;
  operator: string;
  host: string;
  journal: string;
  startedAt: string;
  finishedAt: string;
  totalMs: number;
  /** From the first step starting to Prometheus showing recovery; absent when not verified. */
  timeToRecoverMs: number | null;
  /** When the last step ended (recovery checks trust scrapes after it), and when recovery was shown. */
  lastStepFinishedAt: string | null;
  recoveredAt: string | null;
  verdict: RehearsalVerdict;
  /** One line: what failed first, or what was proven. */
  summary: string;
  steps: {
    number: number;
    title: string;
    kind: 'shell' | 'manual' | 'choice';
    result: string;
    decision: StepDecision | null;
    durationMs: number;
    exitCode: number | null;
    flags: { name: string; before: string | null; after: string | null; expected: string }[];
    needsPerson: string[];
    /** What the journal says of the step: the option a choice took, why a step was left out. */
    message: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    /** A manual step's items (the shell step's commands are in the journal). */
    items: string[];
    /** Who confirmed a manual step done: the operator of the run (or of the resume) at the time. */
    acknowledgedBy: string | null;
  }[];
  verification: {
    verdict: string;
    reason: string;
    prometheusUrl: string;
    /** False with --no-targets (or an environment with "targets": false). */
    targetsChecked: boolean;
    targets: {
      name: string;
      health: string;
      lastError: string;
      /** The first problem the recovery check saw (e.g. "down: connection refused" while it restarted), null when it was up throughout. */
      seenDown: string | null;
      timeToRecoveryMs: number | null;
      /** When the check first saw it down, and the scrape that began its final run of good scrapes. */
      downAt: string | null;
      upAt: string | null;
    }[];
    checks: {
      metric: string;
      query: string | null;
      /** Set when the query sent differed from the note's (ranges since the rollback). */
      sentQuery?: string;
      value: string | null;
      threshold: string | null;
      result: string;
      reason: string;
      /** The threshold in Prometheus units (`<0.05`), for the chart's line. */
      baseThreshold: string | null;
      /** Each measurement's worst series value, in Prometheus units (null: no data). */
      points: { at: string; value: number | null }[];
    }[];
    since: string;
    finishedAt: string;
  } | null;
  /** The Alertmanager silence the run kept, when it had one. */
  silence: { alertmanagerUrl: string; matchers: string[]; ids: string[]; events: { at: string; action: string; id: string | null; endsAt: string | null; reason: string | null }[] } | null;
  /** Chat notifications sent, the webhook masked. */
  notifications: { at: string; event: string; target: string; ok: boolean; reason: string | null }[];
}

export function buildRehearsalReport(input: {
  /** The plan of the run, when the caller has it (title and note as shown); else taken from the journal. */
  plan?: Plan;
  runId: string;
  events: RunEvent[];
  journal: string;
  verification?: VerificationReport;
  /** Default: the time of the last event. */
  finishedAt?: Date;
  kind?: RehearsalReport['kind'];
}): RehearsalReport {
  const { plan, events } = input;
  const state = replayRun(events);
  if (!state) throw new Error('a rehearsal report needs the run-started event');
  const verification = input.verification ?? verificationFromJournal(events);
  const finishedAt = input.finishedAt ?? new Date(events.at(-1)!.at);
  const measurements = verification?.measurements ?? [];
  const outcomes = stepOutcomes(events);
  const decisions = new Map<number, StepDecision>();
  for (const event of events) if (event.type === 'step-decision') decisions.set(event.step, event.decision);
  const operatorAt = (at: string) => events.findLast((event) => (event.type === 'run-started' || event.type === 'run-resumed') && event.at <= at) as { operator: string } | undefined;

  const steps = state.started.steps.map((step) => {
    const outcome = outcomes.find((candidate) => candidate.number === step.number);
    const started = events.findLast((event) => event.type === 'step-started' && event.step === step.number);
    const finished = events.findLast((event) => event.type === 'step-finished' && event.step === step.number);
    const acknowledged = events.findLast((event) => event.type === 'step-decision' && event.step === step.number && event.decision === 'acknowledged');
    return {
      number: step.number,
      title: step.title,
      kind: step.kind,
      result: outcome?.result ?? 'not reached',
      decision: decisions.get(step.number) ?? null,
      durationMs: outcome?.durationMs ?? 0,
      exitCode: outcome?.exitCode ?? null,
      flags: (outcome?.flags ?? []).map((flag) => ({ name: flag.name, before: flag.before, after: flag.after, expected: flag.expected })),
      needsPerson: outcome?.result === 'needs-person' ? outcome.commands.split('\n') : [],
      message: outcome?.message ?? null,
      startedAt: started?.at ?? null,
      finishedAt: finished?.at ?? null,
      items: step.kind === 'manual' && outcome?.commands ? outcome.commands.split('\n') : [],
      acknowledgedBy: acknowledged ? (operatorAt(acknowledged.at)?.operator ?? state.started.operator) : null,
    };
  });

  const runResult = state.finished;
  const stepsOk = runResult?.result === 'succeeded';
  const verified = verification?.verdict === 'verified';
  const verdict: RehearsalVerdict = !stepsOk ? 'failed' : !verification ? 'not-verified' : verified ? 'passed' : 'failed';
  // Recovery is shown at `since` + its time to recovery (the check may go on a moment longer).
  const recoveredAt = verified ? (verification.timeToRecoveryMs !== undefined ? Date.parse(verification.since) + verification.timeToRecoveryMs : Date.parse(verification.finishedAt)) : undefined;
  // Issue #10: what is measured is the service, so the clock starts when the last step ended (the
  // verification's `since`), not when the run began; the steps' own time is in totalMs.
  const recoveryClockFrom = verification ? Date.parse(verification.since) : undefined;
  const timeToRecoverMs = recoveredAt !== undefined && recoveryClockFrom !== undefined ? Math.max(0, recoveredAt - recoveryClockFrom) : null;

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: input.kind ?? 'rehearsal',
    runId: input.runId,
    stage: state.started.stage,
    title: plan?.title ?? state.started.stage ?? state.started.note,
    note: plan?.file ?? state.started.note,
    path: state.started.path,
    environment: state.started.environment,
    operator: state.started.operator,
    host: state.started.host,
    journal: input.journal,
    startedAt: state.started.at,
    finishedAt: finishedAt.toISOString(),
    totalMs: finishedAt.getTime() - Date.parse(state.started.at),
    timeToRecoverMs,
    lastStepFinishedAt: events.findLast((event) => event.type === 'step-finished')?.at ?? null,
    recoveredAt: recoveredAt === undefined ? null : new Date(recoveredAt).toISOString(),
    verdict,
    summary: summarize(verdict, steps, runResult?.message ?? null, verification),
    steps,
    verification: verification
      ? {
          verdict: verification.verdict,
          reason: verification.reason,
          prometheusUrl: verification.prometheusUrl,
          targetsChecked: verification.targetsChecked,
          targets: verification.targets.map((target) => ({
            name: target.name,
            health: target.health,
            lastError: target.lastError,
            seenDown: firstProblem(verification, target.name),
            timeToRecoveryMs: target.timeToRecoveryMs ?? null,
            downAt: measurements.find((measurement) => measurement.kind === 'targets' && measurement.notUp.some((candidate) => candidate.name === target.name && candidate.status !== 'stale'))?.at ?? null,
            upAt: target.recoveredAt ?? null,
          })),
          checks: verification.checks.map((check) => ({
            metric: check.metric,
            query: check.query ?? null,
            ...(check.sentQuery && check.sentQuery !== check.query ? { sentQuery: check.sentQuery } : {}),
            value: check.value ?? null,
            threshold: check.threshold ?? null,
            result: check.result,
            reason: check.reason,
            baseThreshold: check.baseThreshold ?? null,
            points: checkPoints(measurements, check.metric, check.baseThreshold),
          })),
          since: verification.since,
          finishedAt: verification.finishedAt,
        }
      : null,
    silence: silenceOf(events),
    notifications: events.filter((event): event is NotificationSent => event.type === 'notification').map(({ at, event, target, ok, reason }) => ({ at, event, target, ok, reason })),
  };
}

/**
 * The verification as the journal recorded it: the `report` event and every `measurement`
 * before it. Undefined when the run has no report (not verified, or killed during the check).
 */
export function verificationFromJournal(events: RunEvent[]): VerificationReport | undefined {
  const verificationEvents = events.filter((event): event is VerificationRecorded => event.type === 'verification');
  const report = verificationEvents.findLast((event) => event.phase === 'report') as (VerificationRecorded & Partial<JournalledReport>) | undefined;
  if (!report) return undefined;
  // The measurements of the last check (a resumed run may have checked before).
  const from = verificationEvents.findLastIndex((event) => event.phase !== 'measurement' && event !== report && event.at < report.at);
  const measurements = verificationEvents
    .slice(from + 1)
    .filter((event) => event.phase === 'measurement')
    .map((event) => event.measurement as VerificationReport['measurements'][number]);
  const targets = report.targets ?? [];
  return {
    verdict: report.verdict as VerificationReport['verdict'],
    reason: report.summary ?? '',
    prometheusUrl: report.prometheusUrl ?? '',
    since: report.since ?? report.at,
    startedAt: report.startedAt ?? report.since ?? report.at,
    finishedAt: report.finishedAt ?? report.at,
    selector: { jobs: [], targetLabels: [] },
    stable: 0,
    recoveryTimeoutMs: 0,
    noData: 'inconclusive',
    // Journals from before it was recorded: targets listed or measured means they were checked.
    targetsChecked: report.targetsChecked ?? (targets.length > 0 || measurements.some((measurement) => measurement.kind === 'targets')),
    targets: targets.map((target) => ({
      job: '',
      instance: '',
      scrapeUrl: '',
      labels: {},
      status: target.health === 'up' ? 'up' : 'down',
      goodScrapes: 0,
      ...target,
      timeToRecoveryMs: target.timeToRecoveryMs ?? undefined,
      recoveredAt: target.recoveredAt ?? undefined,
    })) as VerificationReport['targets'],
    knownJobs: [],
    checks: (report.checks ?? []).map((check) => ({
      series: [],
      attempts: 0,
      line: 0,
      ...check,
      query: check.query ?? undefined,
      value: check.value ?? undefined,
      threshold: check.threshold ?? undefined,
      baseThreshold: check.baseThreshold ?? undefined,
    })) as VerificationReport['checks'],
    timeToRecoveryMs: report.timeToRecoveryMs ?? undefined,
    measurements,
    requests: report.requests ?? 0,
  } as VerificationReport;
}

/** The `report` phase of a `verification` event, as src/run/verify.ts journals it. */
interface JournalledReport {
  prometheusUrl: string;
  since: string;
  startedAt: string;
  finishedAt: string;
  targetsChecked: boolean;
  timeToRecoveryMs: number | null;
  targets: { name: string; health: string; lastError: string; timeToRecoveryMs: number | null; recoveredAt?: string | null }[];
  checks: { metric: string; query: string | null; sentQuery?: string; value: string | null; threshold: string | null; baseThreshold?: string | null; result: string; reason: string }[];
  requests: number;
}

/** Each measurement of a check: its worst series (the one nearest failing), as a number. */
function checkPoints(measurements: VerificationReport['measurements'], metric: string, baseThreshold: string | undefined): { at: string; value: number | null }[] {
  // `<0.05` passes below the line: the highest value is the worst; `>…` the lowest.
  const highIsWorse = !baseThreshold || baseThreshold.startsWith('<');
  return measurements
    .filter((measurement) => measurement.kind === 'check' && measurement.metric === metric)
    .map((measurement) => {
      const values = (measurement as { series: { value: string }[] }).series.map((series) => Number(series.value)).filter(Number.isFinite);
      return { at: measurement.at, value: values.length === 0 ? null : highIsWorse ? Math.max(...values) : Math.min(...values) };
    });
}

function silenceOf(events: RunEvent[]): RehearsalReport['silence'] {
  const silences = events.filter((event): event is SilenceRecorded => event.type === 'silence');
  const first = silences[0];
  if (!first) return null;
  return {
    alertmanagerUrl: first.alertmanagerUrl,
    matchers: first.matchers,
    ids: [...new Set(silences.map((event) => event.id).filter((id): id is string => id !== null))],
    events: silences.map(({ at, action, id, endsAt, reason }) => ({ at, action, id, endsAt, reason })),
  };
}

/** The first time the check saw this target not up for a reason other than waiting for a scrape. */
function firstProblem(verification: VerificationReport, name: string): string | null {
  for (const measurement of verification.measurements) {
    if (measurement.kind !== 'targets') continue;
    const target = measurement.notUp.find((candidate) => candidate.name === name && candidate.status !== 'stale');
    if (target) return `${target.status}${target.lastError ? `: ${shortError(target.lastError)}` : ` (health ${target.health})`}`;
  }
  return null;
}

function summarize(verdict: RehearsalVerdict, steps: RehearsalReport['steps'], runMessage: string | null, verification: VerificationReport | undefined): string {
  const failedStep = steps.find((step) => ['failed', 'timed-out', 'interrupted'].includes(step.result));
  if (failedStep) return `step ${failedStep.number} "${failedStep.title}" ${failedStep.result}${failedStep.exitCode !== null ? ` (exit ${failedStep.exitCode})` : ''}`;
  if (verdict === 'failed' && !verification) return runMessage ?? 'the rollback did not finish';
  if (verification && verification.verdict !== 'verified') return `recovery ${verification.verdict}: ${verification.reason}`;
  const proven: string[] = [];
  for (const step of steps) for (const flag of step.flags) proven.push(`${flag.name} ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`);
  const ran = steps.filter((step) => step.result === 'done').length;
  proven.push(`${ran} step${ran === 1 ? '' : 's'} ran`);
  // A rehearsal that left steps out proves less than the whole procedure: say which.
  const left = steps.filter((step) => step.kind === 'shell' && ['skipped', 'not-selected'].includes(step.result));
  if (left.length > 0) proven.push(`not run: ${left.map((step) => `step ${step.number} (${step.result})`).join(', ')}`);
  if (verification) {
    proven.push(verification.targetsChecked ? `${verification.targets.length} target${verification.targets.length === 1 ? '' : 's'} recovered` : 'targets not checked (--no-targets)');
    const passed = verification.checks.filter((check) => check.result === 'pass').length;
    if (verification.checks.length > 0) proven.push(`${passed}/${verification.checks.length} metric checks under threshold`);
  } else {
    proven.push('recovery not verified (--no-verify)');
  }
  return proven.join('; ');
}

export function formatRehearsalMarkdown(rawReport: RehearsalReport): string {
  const report = escapeDeep(rawReport);
  const lines: string[] = [];
  const verdict = report.verdict === 'passed' ? 'PASSED' : report.verdict === 'failed' ? 'FAILED' : 'NOT VERIFIED';
  lines.push(
    `### ${report.startedAt.slice(0, 10)} ${report.kind === 'run' ? 'Rollback' : 'Rollback rehearsal'} of ${md(report.stage ?? report.note)}${report.environment ? ` (${md(report.environment)})` : ''} — ${verdict}`,
    '',
  );
  lines.push(`- **Verdict**: ${verdict.toLowerCase()}: ${md(report.summary)}`);
  lines.push(`- **Note**: ${code(report.note)}, path ${report.path.number}: ${md(report.path.title)}`);
  lines.push(`- **Environment**: ${report.environment ? md(report.environment) : 'none (no --env)'}`);
  lines.push(`- **Operator**: ${md(report.operator)} on ${md(report.host)} · **Run**: ${code(report.runId)}`);
  lines.push(`- **Time to recover**: ${report.timeToRecoverMs === null ? 'not measured (not verified)' : `${formatMs(report.timeToRecoverMs)} (end of the last step to Prometheus showing recovery)`}`);
  lines.push(`- **Total time**: ${formatMs(report.totalMs)} (${report.startedAt} → ${report.finishedAt})`);
  lines.push('', '#### Steps', '', '| # | Step | Decision | Result | Duration | Exit | Flag before → after |', '|---|------|----------|--------|----------|------|---------------------|');
  for (const step of report.steps) {
    const flags = step.flags.map((flag) => `${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`).join('<br>');
    lines.push(
      `| ${step.number} | ${cell(step.title)}${step.kind === 'manual' ? ' (manual)' : ''} | ${step.decision ?? ''} | ${step.result}${step.message && (step.kind === 'choice' || step.result === 'not-selected' || step.result === 'skipped') ? ` (${cell(step.message)})` : ''} | ${step.kind === 'shell' ? formatMs(step.durationMs) : ''} | ${step.exitCode ?? ''} | ${cell(flags)} |`,
    );
  }
  const needsPerson = report.steps.filter((step) => step.needsPerson.length > 0);
  if (needsPerson.length > 0) {
    lines.push('', '#### Needs a person', '');
    for (const step of needsPerson) lines.push(`- Step ${step.number} ${md(step.title)}: ${md(step.needsPerson.join('; '))}`);
  }
  if (report.verification) {
    const verification = report.verification;
    lines.push('', `#### Recovery (Prometheus ${md(verification.prometheusUrl)}): ${verification.verdict}`, '', md(verification.reason), '');
    if (!verification.targetsChecked) lines.push('Targets: not checked (--no-targets): the metric checks below show recovery.');
    else lines.push('| Target | Seen during the check | Health | Last error | Recovered after |', '|--------|-----------------------|--------|------------|-----------------|');
    for (const target of verification.targets) {
      const seen = target.seenDown ? (target.health === 'up' ? `${target.seenDown}, then up` : target.seenDown) : target.health;
      lines.push(`| ${cell(target.name)} | ${cell(seen)} | ${target.health} | ${cell(target.lastError || '-')} | ${target.timeToRecoveryMs === null ? '-' : formatMs(target.timeToRecoveryMs)} |`);
    }
    if (verification.checks.length > 0) {
      lines.push('', '| Metric | Query | Measured | Threshold | Result |', '|--------|-------|----------|-----------|--------|');
      for (const check of verification.checks) {
        // The note's query, then the one sent when its ranges were measured since the rollback.
        const sent = check.sentQuery ? ` → sent as ${code(check.sentQuery)}` : '';
        lines.push(`| ${cell(check.metric)} | ${code(check.query ?? '-')}${sent} | ${cell(check.value ?? '-')} | ${cell(check.threshold ?? '-')} | ${check.result} |`);
      }
    }
  } else {
    lines.push('', '#### Recovery: not verified');
  }
  if (report.silence) {
    const last = report.silence.events.at(-1)!;
    lines.push(
      '',
      `#### Alertmanager silence`,
      '',
      `${code(report.silence.matchers.join(', '))} at ${md(report.silence.alertmanagerUrl)} (${report.silence.ids.map((id) => code(id)).join(', ') || 'not created'}): ${last.action}${last.endsAt ? ` ${last.endsAt}` : ''}${last.reason ? ` (${cell(last.reason)})` : ''}`,
    );
  }
  if (report.notifications.length > 0) {
    lines.push('', '#### Notifications', '');
    for (const sent of report.notifications) lines.push(`- ${sent.at} ${sent.event} → ${md(sent.target)}: ${sent.ok ? 'delivered' : `not delivered (${cell(sent.reason ?? '')})`}`);
  }
  lines.push('', `Journal: ${code(report.journal)}`);
  return `${lines.join('\n')}\n`;
}

/** Table cells cannot hold pipes or line breaks. */
function cell(text: string): string {
  return md(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Text from a note, a server or a person, as markdown text: a `<` that could open raw HTML or an
 * autolink (before a letter, `/`, `!`, `?`) as `&lt;`, so a title such as `</title><svg onload=…>`
 * is shown, never rendered by a markdown viewer; a threshold such as `<100%` stays as written.
 */
function md(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/** An inline code span that no backtick inside can close (CommonMark: a longer fence), for a table cell too. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/\n/g, ' ')}${pad}${fence}`;
}
