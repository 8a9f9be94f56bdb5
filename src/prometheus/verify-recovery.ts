/**
 * The recovery check that follows a rollback (issue 4): first every selected scrape target
 * must be up, scraped after the rollback ended, for `stable` consecutive scrapes; then every
 * metric check of the note must be under its alert threshold. Both are retried until they
 * pass or `recoveryTimeoutMs` runs out. The clock, the sleep and Prometheus are injected, so
 * the loop runs the same against a real server, a fake one, or a fake clock.
 *
 * Listeners (task list, journal, run metrics) follow along through `onEvent`; the returned
 * report is plain data, every measurement included.
 */

import { InterruptedError } from '../errors.js';
import type { PlanCheck } from '../plan/types.js';
import { createPrometheusClient, realSleep, type PrometheusApi, type RetryInfo, type Sleep } from './client.js';
import { formatMs } from './duration.js';
import { PrometheusError } from './errors.js';
import { evaluateCheck, formatMeasured, type NoDataPolicy, type SeriesEvaluation } from './evaluate-check.js';
import { describeSelector, describeTargetProblem, evaluateTargets, type TargetSelector, type TargetState, type TargetStatus, type TargetsEvaluation } from './evaluate-targets.js';
import { DEFAULT_POLL_TIMING, planNextPoll, type PollTiming } from './poll-schedule.js';
import { thresholdForQuery } from './promql-units.js';
import { describeWindows, sinceRollbackQuery } from './promql-windows.js';

export type Verdict = 'verified' | 'failed' | 'inconclusive';
export type CheckWindow = 'since-rollback' | 'note';
/** `skipped`: not checked (`--no-targets`). */
export type TargetsResult = 'up' | 'failed' | 'inconclusive' | 'skipped';
export type CheckResult = 'pass' | 'fail' | 'inconclusive' | 'error' | 'skipped';

export interface VerifyRecoveryOptions {
  /** Prometheus base URL; used when `deps.client` is not given. */
  url?: string;
  /** From `PROMETHEUS_BEARER_TOKEN`; used when `deps.client` is not given. */
  bearerToken?: string;
  /** When the last rollback step finished: scrapes from before it do not count. */
  since: Date;
  /** `--job` (any of them). */
  jobs?: string[];
  /** `--target-label key=value` (all keys must match; a repeated key matches any of its values). */
  targetLabels?: [string, string][];
  /** Consecutive good scrapes each target needs, and consecutive passing evaluations each check needs (default 2). */
  stable?: number;
  /**
   * `since-rollback`: every range in a check is measured over the time since `since` (at
   * least four scrape intervals, at most the note's range); `note`: the queries as written.
   */
  window?: CheckWindow;
  /** For targets and checks together (default 5 min). */
  recoveryTimeoutMs?: number;
  /** What an empty result, NaN or ±Inf counts as (default inconclusive). */
  noData?: NoDataPolicy;
  checks: PlanCheck[];
  /**
   * False: no target check, metric checks only (`--no-targets`), for servers that answer
   * queries but do not scrape, such as Thanos Query or Mimir (no `/api/v1/targets`).
   */
  checkTargets?: boolean;
  /** Poll floor/ceiling/margin; the defaults suit scrape intervals from 1 s to minutes. */
  pollTiming?: Partial<PollTiming>;
}

export interface VerifyRecoveryDeps {
  client?: PrometheusApi;
  now?: () => Date;
  /** Must reject when `signal` aborts. */
  sleep?: Sleep;
  onEvent?: (event: VerificationEvent) => void;
  /** Ctrl-C: stops the verification with an `InterruptedError`. */
  signal?: AbortSignal;
}

export interface TargetOutcome {
  name: string;
  job: string;
  instance: string;
  scrapeUrl: string;
  labels: Record<string, string>;
  status: TargetStatus;
  health: string;
  lastError: string;
  /** ISO time of the last scrape seen. */
  lastScrape?: string;
  /** Good scrapes in a row seen after `since`. */
  goodScrapes: number;
  /** ISO time of the scrape that started the final run of good scrapes. */
  recoveredAt?: string;
  /** `recoveredAt − since`. */
  timeToRecoveryMs?: number;
}

export interface CheckOutcome {
  metric: string;
  /** As the note wrote it. */
  query?: string;
  /** As last sent to Prometheus (its ranges since the rollback); undefined when not asked. */
  sentQuery?: string;
  /** `[5m] → [42s]`, when the ranges were shortened. */
  windows?: string;
  /** Passing evaluations in a row at the end. */
  passes?: number;
  /** ISO time of the first evaluation of the final run of passes. */
  passedFrom?: string;
  threshold?: string;
  /** The threshold in Prometheus units, e.g. `>0.15`. */
  baseThreshold?: string;
  result: CheckResult;
  /** One line: measured value and why that is the result, or why it was not checked. */
  reason: string;
  series: { labels: Record<string, string>; value: string; result: string }[];
  /** The worst series' value, formatted with the note's unit (`0.012 (1.2%)`). */
  value?: string;
  measuredAt?: string;
  attempts: number;
  line: number;
}

export type Measurement =
  | {
      kind: 'targets';
      at: string;
      up: number;
      total: number;
      /** Targets not (yet) up, at most 20. */
      notUp: { name: string; status: TargetStatus; health: string; lastError: string; lastScrape?: string }[];
      notUpOmitted: number;
    }
  | { kind: 'check'; at: string; metric: string; query: string; result: CheckResult; reason: string; series: { labels: Record<string, string>; value: string; result: string }[]; seriesOmitted: number }
  | { kind: 'error'; at: string; during: string; message: string };

export interface VerificationReport {
  verdict: Verdict;
  /** One line saying why: the first failure, or what was verified. */
  reason: string;
  prometheusUrl: string;
  since: string;
  startedAt: string;
  finishedAt: string;
  selector: { jobs: string[]; targetLabels: [string, string][] };
  stable: number;
  /** How the checks' ranges were measured (absent in a report rebuilt from a journal). */
  window?: CheckWindow;
  recoveryTimeoutMs: number;
  noData: NoDataPolicy;
  /** False with `--no-targets`: `targets` is empty because they were not asked for. */
  targetsChecked: boolean;
  targets: TargetOutcome[];
  /** Every active job Prometheus knows (to spot a mistyped `--job`). */
  knownJobs: string[];
  checks: CheckOutcome[];
  /** From `since` to the first moment every target was up after it and every check passed (each for `stable` times in a row). */
  timeToRecoveryMs?: number;
  /** Set when talking to Prometheus failed for good. */
  error?: string;
  measurements: Measurement[];
  /** HTTP requests made, retries included. */
  requests: number;
}

export type VerificationEvent =
  | { type: 'targets-polled'; at: Date; up: number; total: number; message: string; measurement: Measurement }
  | { type: 'target-recovered'; at: Date; target: TargetState; recoveredAt: Date; timeToRecoveryMs: number }
  | { type: 'target-lost'; at: Date; target: TargetState }
  | { type: 'targets-finished'; at: Date; result: TargetsResult; message: string; targets: TargetOutcome[] }
  | { type: 'check-measured'; at: Date; check: CheckOutcome; measurement: Measurement }
  | { type: 'checks-finished'; at: Date; checks: CheckOutcome[] }
  | { type: 'request-retry'; at: Date; retry: RetryInfo; message: string }
  | { type: 'error'; at: Date; message: string; measurement: Measurement };

const MAX_LISTED = 20;
const MAX_SERIES = 50;

/**
 * Verifies recovery against Prometheus and returns the report. Resolves (never rejects) for
 * every outcome, talking-to-Prometheus failures included (verdict inconclusive, `error` set);
 * rejects only with an `InterruptedError` when `deps.signal` aborts, or a `UsageError` for
 * an unusable URL.
 */
export async function verifyRecovery(options: VerifyRecoveryOptions, deps: VerifyRecoveryDeps = {}): Promise<VerificationReport> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const emit = deps.onEvent ?? (() => {});
  const client =
    deps.client ??
    createPrometheusClient({
      url: options.url ?? 'http://127.0.0.1:9090',
      bearerToken: options.bearerToken,
      sleep,
      onRetry: (retry) => emit({ type: 'request-retry', at: now(), retry, message: `${retry.error.message}; retrying in ${formatMs(retry.delayMs)}` }),
    });
  const timing: PollTiming = { ...DEFAULT_POLL_TIMING, ...options.pollTiming };
  const stable = Math.max(1, Math.floor(options.stable ?? 2));
  const recoveryTimeoutMs = options.recoveryTimeoutMs ?? 5 * 60_000;
  const noData = options.noData ?? 'inconclusive';
  const window: CheckWindow = options.window ?? 'note';
  const selector: TargetSelector = { jobs: options.jobs ?? [], labels: options.targetLabels ?? [] };
  const sinceMs = options.since.getTime();
  const startedAt = now();
  const deadline = startedAt.getTime() + recoveryTimeoutMs;
  const requestsBefore = client.requests;
  const measurements: Measurement[] = [];
  const record = (measurement: Measurement) => {
    measurements.push(measurement);
    return measurement;
  };

  const interrupted = () => new InterruptedError('recovery verification interrupted');
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    if (deps.signal?.aborted) throw interrupted();
    try {
      return await work();
    } catch (error) {
      if (deps.signal?.aborted) throw interrupted();
      throw error;
    }
  };
  const pause = (ms: number) => guard(() => sleep(Math.max(0, ms), deps.signal));
  // The timeout bounds requests in flight too (a server that hangs or trickles its answer).
  // Simulated time (an injected sleep) has no real-time deadline to keep.
  const deadlineSignal = deps.sleep ? undefined : AbortSignal.timeout(Math.max(1, recoveryTimeoutMs));
  const requestSignal = deadlineSignal ? (deps.signal ? AbortSignal.any([deps.signal, deadlineSignal]) : deadlineSignal) : deps.signal;
  const timeIsUp = () => deadlineSignal?.aborted === true && !deps.signal?.aborted;
  const ask = async <T>(work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> =>
    guard(async () => {
      try {
        return await work(requestSignal);
      } catch (error) {
        if (timeIsUp()) {
          throw new PrometheusError(`no answer from Prometheus at ${client.url} before the recovery timeout (${formatMs(recoveryTimeoutMs)}) ran out`, { kind: 'timeout', transient: false, cause: error });
        }
        throw error;
      }
    });

  let error: string | undefined;
  let targetsResult: { result: TargetsResult; message: string; outcomes: TargetOutcome[]; knownJobs: string[]; intervalMs?: number };
  const checkTargets = options.checkTargets !== false;
  let noTargetsApi = false;
  try {
    targetsResult = checkTargets ? await waitForTargets() : { result: 'skipped', message: 'targets not checked (--no-targets)', outcomes: [], knownJobs: [] };
  } catch (caught) {
    if (!(caught instanceof PrometheusError)) throw caught;
    // A server that answers queries but has no targets API (Mimir): say what to do, and still show the checks.
    noTargetsApi = caught.status === 404;
    error = noTargetsApi ? `${caught.message}; for a server without /api/v1/targets (Mimir, Thanos Query) check metrics only with --no-targets` : caught.message;
    emit({ type: 'error', at: now(), message: error, measurement: record({ kind: 'error', at: now().toISOString(), during: 'targets', message: error }) });
    targetsResult = { result: 'inconclusive', message: `could not read the targets: ${error}`, outcomes: [], knownJobs: [] };
  }
  emit({ type: 'targets-finished', at: now(), result: targetsResult.result, message: targetsResult.message, targets: targetsResult.outcomes });

  let checks: CheckOutcome[];
  if (error && !noTargetsApi) checks = options.checks.map((check) => notChecked(check, 'not checked: Prometheus could not be asked'));
  else {
    try {
      // After failed targets the checks still run once, so the report shows their values.
      checks = await runChecks(targetsResult.result === 'up' || targetsResult.result === 'skipped', targetsResult.intervalMs);
    } catch (caught) {
      if (!(caught instanceof PrometheusError)) throw caught;
      error = caught.message;
      emit({ type: 'error', at: now(), message: error, measurement: record({ kind: 'error', at: now().toISOString(), during: 'checks', message: error }) });
      checks = options.checks.map((check) => notChecked(check, `not checked: ${error}`));
    }
  }
  emit({ type: 'checks-finished', at: now(), checks });

  const { verdict, reason } = decide(targetsResult, checks, error);
  const finishedAt = now();
  const recoveryMoments = [
    ...targetsResult.outcomes.map((target) => (target.recoveredAt ? Date.parse(target.recoveredAt) : NaN)),
    ...checks.filter((check) => check.result === 'pass' && check.passedFrom).map((check) => Date.parse(check.passedFrom!)),
  ].filter(Number.isFinite);
  return {
    verdict,
    reason,
    prometheusUrl: client.url,
    since: options.since.toISOString(),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    selector: { jobs: selector.jobs, targetLabels: selector.labels },
    stable,
    window,
    targetsChecked: checkTargets,
    recoveryTimeoutMs,
    noData,
    targets: targetsResult.outcomes,
    knownJobs: targetsResult.knownJobs,
    checks,
    timeToRecoveryMs: verdict === 'verified' && recoveryMoments.length > 0 ? Math.max(0, Math.max(...recoveryMoments) - sinceMs) : undefined,
    error,
    measurements,
    requests: client.requests - requestsBefore,
  };

  async function waitForTargets() {
    const streaks = new Map<string, { good: number; lastCounted?: number; recoveredAt?: number }>();
    let overdue = 0;
    let evaluation: TargetsEvaluation | undefined;
    for (;;) {
      let data: Awaited<ReturnType<PrometheusApi['targets']>>;
      try {
        data = await ask((signal) => client.targets('active', signal));
      } catch (caught) {
        // Time ran out during a poll: the last answer stands.
        if (evaluation && timeIsUp()) break;
        throw caught;
      }
      const at = now();
      evaluation = evaluateTargets(data.activeTargets, selector, sinceMs, at.getTime());
      for (const target of evaluation.targets) {
        const streak = streaks.get(target.key) ?? { good: 0 };
        streaks.set(target.key, streak);
        if (target.status === 'up') {
          if (streak.lastCounted !== target.lastScrapeMs) {
            streak.good += 1;
            streak.lastCounted = target.lastScrapeMs;
            if (streak.good === 1) {
              streak.recoveredAt = target.lastScrapeMs!;
              emit({ type: 'target-recovered', at, target, recoveredAt: new Date(streak.recoveredAt), timeToRecoveryMs: streak.recoveredAt - sinceMs });
            }
          }
        } else {
          if (streak.good > 0) emit({ type: 'target-lost', at, target });
          streak.good = 0;
          streak.lastCounted = undefined;
          streak.recoveredAt = undefined;
        }
      }
      const awaited = evaluation.targets.filter((target) => (streaks.get(target.key)?.good ?? 0) < stable);
      const allStable = evaluation.targets.length > 0 && awaited.length === 0;
      emit({ type: 'targets-polled', at, up: evaluation.up, total: evaluation.targets.length, message: progressMessage(evaluation, awaited, streaks, allStable), measurement: record(targetsMeasurement(at, evaluation)) });
      const remaining = deadline - at.getTime();
      if (allStable || remaining <= 0) break;
      const plan = planNextPoll(awaited, at.getTime(), timing, overdue);
      overdue = plan.overdue ? overdue + 1 : 0;
      await pause(Math.min(plan.delayMs, remaining));
    }
    if (!evaluation) throw new PrometheusError('no answer to the targets request', { kind: 'timeout', transient: false });
    const outcomes = evaluation.targets.map((target) => targetOutcome(target, streaks.get(target.key), sinceMs));
    const intervals = evaluation.targets.map((target) => target.scrapeIntervalMs).filter((ms): ms is number => ms !== undefined);
    const intervalMs = intervals.length > 0 ? Math.min(...intervals) : undefined;
    const base = { outcomes, knownJobs: evaluation.jobs, intervalMs };
    if (evaluation.targets.length === 0) {
      const which = selector.jobs.length + selector.labels.length > 0 ? ` matches ${describeSelector(selector)}` : ' is known to Prometheus';
      return { ...base, result: 'inconclusive' as const, message: `no active target${which} (jobs: ${evaluation.jobs.join(', ') || 'none'})` };
    }
    const down = evaluation.targets.filter((target) => target.status === 'down');
    const notStable = outcomes.filter((target) => target.goodScrapes < stable);
    if (notStable.length === 0) return { ...base, result: 'up' as const, message: `${outcomes.length}/${outcomes.length} targets up, ${stable} good scrape${stable === 1 ? '' : 's'} in a row` };
    const after = `after ${formatMs(recoveryTimeoutMs)}`;
    if (down.length > 0) {
      return { ...base, result: 'failed' as const, message: `${list(down.map((target) => `${target.name} is down: ${describeTargetProblem(target)}`))} ${after}` };
    }
    const pending = evaluation.targets.filter((_target, index) => outcomes[index]!.goodScrapes < stable);
    return {
      ...base,
      result: 'inconclusive' as const,
      message: `${list(pending.map((target) => `${target.name}: ${target.status === 'up' ? `only ${streaks.get(target.key)?.good ?? 0} of ${stable} good scrapes` : describeTargetProblem(target)}`))} ${after}`,
    };
  }

  async function runChecks(retry: boolean, scrapeIntervalMs: number | undefined): Promise<CheckOutcome[]> {
    const runnable = options.checks.filter((check) => check.query && check.threshold);
    const outcomes = options.checks.map((check) =>
      check.query && check.threshold
        ? undefined
        : notChecked(check, check.query ? (check.thresholdText ? `not checked: threshold "${check.thresholdText}" not understood` : 'not checked: no alert threshold') : 'not checked: no PromQL query'),
    );
    if (runnable.length === 0) return outcomes as CheckOutcome[];
    // Once per scrape interval: a query's answer cannot change faster than its inputs.
    // Unknown (no targets API): often enough that --stable passes do not take long.
    const roundMs = Math.min(15_000, Math.max(1_000, scrapeIntervalMs ?? 2_000));
    // Four scrape intervals: the fewest samples a rate since the rollback is worth reading over.
    // Until that much time has passed, the window still reaches a little before the rollback:
    // an early failure is not final, and a pass must hold --stable times in a row.
    const minWindowMs = 4 * (scrapeIntervalMs ?? 15_000);
    const attempts = new Map<number, number>();
    const streaks = new Map<number, { passes: number; from?: string }>();
    // A query Prometheus rejects as bad data stays bad: it is not asked again.
    const rejected = new Set<number>();
    const passed = (index: number) => (streaks.get(index)?.passes ?? 0) >= stable;
    for (;;) {
      let timedOut = false;
      for (const [index, check] of options.checks.entries()) {
        if (!check.query || !check.threshold || rejected.has(index) || passed(index)) continue;
        attempts.set(index, (attempts.get(index) ?? 0) + 1);
        const measured = await measureCheck(check, attempts.get(index)!, minWindowMs);
        // Time ran out while this check was asked: its last answer stands.
        if (measured.timedOut && outcomes[index]) {
          timedOut = true;
          break;
        }
        const streak = streaks.get(index) ?? { passes: 0 };
        streaks.set(index, streak);
        let outcome = measured.outcome;
        if (outcome.result === 'pass') {
          streak.passes += 1;
          streak.from ??= outcome.measuredAt;
          // Checks asked once only (the targets are not up) show their value as measured.
          if (streak.passes < stable && retry) outcome = { ...outcome, result: 'inconclusive', reason: `${outcome.reason}; held ${streak.passes} of ${stable} evaluations in a row so far` };
        } else {
          streak.passes = 0;
          streak.from = undefined;
        }
        outcome = { ...outcome, passes: streak.passes, passedFrom: streak.from };
        outcomes[index] = outcome;
        emit({ type: 'check-measured', at: now(), check: outcome, measurement: record(checkMeasurement(now(), outcome, measured.seriesCount)) });
        if (measured.rejected) rejected.add(index);
        if (measured.timedOut) {
          timedOut = true;
          break;
        }
      }
      const done = outcomes.every((outcome, index) => outcome && (outcome.result === 'pass' || outcome.result === 'skipped' || rejected.has(index)));
      const remaining = deadline - now().getTime();
      if (done || !retry || timedOut || remaining <= 0) break;
      await pause(Math.min(roundMs, remaining));
    }
    return outcomes.map((outcome, index) => outcome ?? notChecked(options.checks[index]!, `not checked: the recovery timeout (${formatMs(recoveryTimeoutMs)}) ran out first`));
  }

  async function measureCheck(check: PlanCheck, attempt: number, minWindowMs: number): Promise<{ outcome: CheckOutcome; rejected: boolean; timedOut: boolean; seriesCount: number }> {
    const { threshold, metricUnit } = thresholdForQuery(check.threshold!, check.query);
    const windowed = window === 'since-rollback' ? sinceRollbackQuery(check.query!, { elapsedMs: now().getTime() - sinceMs, minMs: minWindowMs }) : undefined;
    const sent = windowed?.query ?? check.query!;
    const common = {
      metric: check.metric,
      query: check.query,
      sentQuery: sent,
      windows: windowed?.changed ? describeWindows(windowed) : undefined,
      threshold: check.thresholdText ?? `${threshold.op}${threshold.value}${threshold.unit}`,
      baseThreshold: `${threshold.op}${threshold.baseValue}${metricUnit ? metricUnit : ''}`,
      attempts: attempt,
      line: check.line,
    };
    try {
      const answer = await ask((signal) => client.query(sent, undefined, signal));
      const evaluation = evaluateCheck(answer.data, threshold, noData, metricUnit);
      const outcome: CheckOutcome = {
        ...common,
        result: evaluation.result,
        reason: evaluation.reason + (answer.warnings.length > 0 ? ` (Prometheus warns: ${answer.warnings.join('; ')})` : ''),
        series: evaluation.series.slice(0, MAX_SERIES).map(seriesEntry),
        value: evaluation.quoted ? formatMeasured(evaluation.quoted.value, threshold, metricUnit) : undefined,
        measuredAt: now().toISOString(),
      };
      return { outcome, rejected: false, timedOut: false, seriesCount: evaluation.series.length };
    } catch (caught) {
      if (!(caught instanceof PrometheusError)) throw caught;
      const timedOut = timeIsUp();
      // A query Prometheus rejects (bad_data, execution) is this check's problem, and so is the
      // time running out; anything else (no connection, auth, not Prometheus) ends the verification.
      if (!timedOut && (caught.kind !== 'api' || caught.transient)) throw caught;
      const outcome: CheckOutcome = { ...common, result: timedOut ? 'inconclusive' : 'error', reason: caught.message, series: [], measuredAt: now().toISOString() };
      return { outcome, rejected: caught.errorType === 'bad_data', timedOut, seriesCount: 0 };
    }
  }
}

function decide(targets: { result: TargetsResult; message: string; outcomes: TargetOutcome[] }, checks: CheckOutcome[], error: string | undefined): { verdict: Verdict; reason: string } {
  if (targets.result === 'failed') return { verdict: 'failed', reason: targets.message };
  const failed = checks.filter((check) => check.result === 'fail');
  if (failed.length > 0) return { verdict: 'failed', reason: list(failed.map((check) => `${check.metric}: ${check.reason}`)) };
  if (error) return { verdict: 'inconclusive', reason: error };
  if (targets.result === 'inconclusive') return { verdict: 'inconclusive', reason: targets.message };
  const unclear = checks.filter((check) => check.result === 'inconclusive' || check.result === 'error');
  if (unclear.length > 0) return { verdict: 'inconclusive', reason: list(unclear.map((check) => `${check.metric}: ${check.reason}`)) };
  const passed = checks.filter((check) => check.result === 'pass').length;
  // Without the target check, only passing checks show recovery.
  if (targets.result === 'skipped' && passed === 0) return { verdict: 'inconclusive', reason: `nothing to verify: ${targets.message} and no metric check ran` };
  return { verdict: 'verified', reason: `${targets.message}${passed > 0 ? `; ${passed} check${passed === 1 ? '' : 's'} under threshold` : ''}` };
}

/** "3/4 targets up — waiting for butler (127.0.0.1:8001): connection refused". */
function progressMessage(evaluation: TargetsEvaluation, awaited: TargetState[], streaks: Map<string, { good: number }>, allStable: boolean): string {
  const total = evaluation.targets.length;
  if (total === 0) return `no active target matches (jobs: ${evaluation.jobs.join(', ') || 'none'})`;
  const head = `${evaluation.up}/${total} target${total === 1 ? '' : 's'} up`;
  if (allStable) return `${head}`;
  const notUp = awaited.filter((target) => target.status !== 'up');
  if (notUp.length === 0) {
    const least = Math.min(...awaited.map((target) => streaks.get(target.key)?.good ?? 0));
    return `${head} — confirming: ${least} good scrape${least === 1 ? '' : 's'} in a row so far`;
  }
  const shown = notUp.slice(0, 2).map((target) => `${target.name}: ${describeTargetProblem(target)}`);
  const more = notUp.length > 2 ? ` (+${notUp.length - 2} more)` : '';
  return `${head} — waiting for ${shown.join('; ')}${more}`;
}

function targetsMeasurement(at: Date, evaluation: TargetsEvaluation): Measurement {
  const notUp = evaluation.targets.filter((target) => target.status !== 'up');
  return {
    kind: 'targets',
    at: at.toISOString(),
    up: evaluation.up,
    total: evaluation.targets.length,
    notUp: notUp.slice(0, MAX_LISTED).map((target) => ({
      name: target.name,
      status: target.status,
      health: target.health,
      lastError: target.lastError,
      lastScrape: target.lastScrapeMs === undefined ? undefined : new Date(target.lastScrapeMs).toISOString(),
    })),
    notUpOmitted: Math.max(0, notUp.length - MAX_LISTED),
  };
}

function checkMeasurement(at: Date, outcome: CheckOutcome, seriesCount: number): Measurement {
  return {
    kind: 'check',
    at: at.toISOString(),
    metric: outcome.metric,
    query: outcome.query ?? '',
    result: outcome.result,
    reason: outcome.reason,
    series: outcome.series,
    seriesOmitted: Math.max(0, seriesCount - outcome.series.length),
  };
}

function targetOutcome(target: TargetState, streak: { good: number; recoveredAt?: number } | undefined, sinceMs: number): TargetOutcome {
  return {
    name: target.name,
    job: target.job,
    instance: target.instance,
    scrapeUrl: target.scrapeUrl,
    labels: target.labels,
    status: target.status,
    health: target.health,
    lastError: target.lastError,
    lastScrape: target.lastScrapeMs === undefined ? undefined : new Date(target.lastScrapeMs).toISOString(),
    goodScrapes: streak?.good ?? 0,
    recoveredAt: streak?.recoveredAt === undefined ? undefined : new Date(streak.recoveredAt).toISOString(),
    timeToRecoveryMs: streak?.recoveredAt === undefined ? undefined : streak.recoveredAt - sinceMs,
  };
}

function notChecked(check: PlanCheck, reason: string): CheckOutcome {
  return {
    metric: check.metric,
    query: check.query,
    threshold: check.thresholdText,
    baseThreshold: check.threshold ? `${check.threshold.op}${check.threshold.baseValue}` : undefined,
    result: 'skipped',
    reason,
    series: [],
    attempts: 0,
    line: check.line,
  };
}

function seriesEntry(series: SeriesEvaluation) {
  return { labels: series.labels, value: series.raw, result: series.result };
}

function list(items: string[]): string {
  return items.length <= 3 ? items.join('; ') : `${items.slice(0, 3).join('; ')} (+${items.length - 3} more)`;
}
