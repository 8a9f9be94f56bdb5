/**
 * Which scrape targets show recovery, from one `/api/v1/targets` answer. Pure: the same
 * answer, selectors and `since` always give the same states.
 *
 * A target is up only when Prometheus says `health: "up"`, its `lastError` is empty, and
 * its last scrape started after `since` (the moment the last rollback step finished): an
 * "up" measured before the rollback says nothing about the system after it.
 */

import type { ActiveTarget } from './types.js';
import { parseDuration } from './duration.js';

/** `--job NAME` and `--target-label key=value` (both repeatable). */
export interface TargetSelector {
  jobs: string[];
  labels: [string, string][];
}

export type TargetStatus =
  /** Healthy, scraped after `since`. */
  | 'up'
  /** Prometheus reports the scrape failing. */
  | 'down'
  /** Healthy, but not scraped since `since`: no evidence yet. */
  | 'stale'
  /** Never scraped. */
  | 'unknown';

export interface TargetState {
  /** Unique per target: scrape pool and URL. */
  key: string;
  /** `job (instance)`, e.g. `butler (127.0.0.1:8001)`. */
  name: string;
  job: string;
  instance: string;
  labels: Record<string, string>;
  scrapeUrl: string;
  health: ActiveTarget['health'];
  lastError: string;
  /** Epoch ms of the last scrape's start; undefined before the first scrape. */
  lastScrapeMs?: number;
  lastScrapeDurationMs: number;
  scrapeIntervalMs?: number;
  status: TargetStatus;
  /** Why an `unknown` target's scrape does not count, when it was scraped: no interval, a time in the future. */
  problem?: string;
}

export interface TargetsEvaluation {
  /** Targets the selector matched, in Prometheus' order. */
  targets: TargetState[];
  up: number;
  /** Active targets before selection. */
  activeTotal: number;
  /** Every job Prometheus knows, for "no target matches job=butlr (jobs: butler, …)". */
  jobs: string[];
}

/** A last scrape more than this ahead of runbook's clock is no evidence of anything. */
export const FUTURE_SLACK_MS = 1_000;

/** Compiled selector: every key must match; repeating a key allows any of its values. */
type Matcher = [key: string, values: Set<string>][];

export function compileSelector(selector: TargetSelector): Matcher {
  const byKey = new Map<string, Set<string>>();
  const add = (key: string, value: string) => {
    const values = byKey.get(key) ?? new Set<string>();
    values.add(value);
    byKey.set(key, values);
  };
  for (const job of selector.jobs) add('job', job);
  for (const [key, value] of selector.labels) add(key, value);
  return [...byKey];
}

/** The selectors as `job=butler, env=staging`, for messages. */
export function describeSelector(selector: TargetSelector): string {
  return compileSelector(selector)
    .map(([key, values]) => `${key}=${[...values].join('|')}`)
    .join(', ');
}

/**
 * `nowMs`: a scrape that started after it is no evidence (a wrong clock or a wrong answer),
 * and is not counted.
 */
export function evaluateTargets(active: readonly ActiveTarget[], selector: TargetSelector, since: Date | number, nowMs?: number): TargetsEvaluation {
  const sinceMs = typeof since === 'number' ? since : since.getTime();
  const matcher = compileSelector(selector);
  const jobs = new Set<string>();
  const targets: TargetState[] = [];
  let up = 0;
  for (const target of active) {
    const labels = target.labels ?? {};
    const job = labels.job ?? target.scrapePool;
    jobs.add(job);
    if (!matches(labels, job, matcher)) continue;
    const state = targetState(target, labels, job, sinceMs, nowMs);
    if (state.status === 'up') up += 1;
    targets.push(state);
  }
  return { targets, up, activeTotal: active.length, jobs: [...jobs].sort() };
}

function matches(labels: Record<string, string>, job: string, matcher: Matcher): boolean {
  for (const [key, values] of matcher) {
    const value = key === 'job' ? job : labels[key];
    if (value === undefined || !values.has(value)) return false;
  }
  return true;
}

function targetState(target: ActiveTarget, labels: Record<string, string>, job: string, sinceMs: number, nowMs: number | undefined): TargetState {
  const parsed = Date.parse(target.lastScrape);
  // Go's zero time (year 1) means "never scraped".
  const lastScrapeMs = Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
  const lastError = target.lastError ?? '';
  const instance = labels.instance ?? target.scrapeUrl;
  // VictoriaMetrics has no scrapeInterval field, only the discovered label.
  const intervalText = target.scrapeInterval ?? target.discoveredLabels?.__scrape_interval__;
  const scrapeIntervalMs = typeof intervalText === 'string' ? parseDuration(intervalText) : undefined;
  let status: TargetStatus;
  let problem: string | undefined;
  if (target.health === 'down' || lastError !== '') status = 'down';
  else if (target.health !== 'up' || lastScrapeMs === undefined) status = 'unknown';
  // A second of slack for a Prometheus on another host whose clock runs slightly ahead.
  else if (nowMs !== undefined && lastScrapeMs > nowMs + FUTURE_SLACK_MS) {
    status = 'unknown';
    problem = `its last scrape (${target.lastScrape}) is in the future: is Prometheus' clock right?`;
  } else if (!scrapeIntervalMs) {
    // Without an interval nothing says the next scrape will come: no evidence of a steady state.
    status = 'unknown';
    problem = 'Prometheus reports no scrape interval for it';
  } else if (lastScrapeMs <= sinceMs) status = 'stale';
  else status = 'up';
  return {
    key: `${target.scrapePool} ${target.scrapeUrl}`,
    name: `${job} (${instance})`,
    job,
    instance,
    labels,
    scrapeUrl: target.scrapeUrl,
    health: target.health,
    lastError,
    lastScrapeMs,
    lastScrapeDurationMs: (target.lastScrapeDuration ?? 0) * 1000,
    scrapeIntervalMs,
    status,
    problem,
  };
}

/**
 * The gist of a scrape error: `Get "http://…/metrics": dial tcp 127.0.0.1:8001: connect:
 * connection refused` becomes `connection refused`. The full text stays in the report.
 */
export function shortError(lastError: string): string {
  let text = lastError.replace(/^Get "[^"]*":\s*/, '');
  const dial = /^dial tcp(?: \S+)?:\s*(?:connect:\s*)?(.*)$/.exec(text);
  if (dial?.[1]) text = dial[1];
  return text;
}

/** Why a target is not (yet) counted as up, in a few words. */
export function describeTargetProblem(target: TargetState): string {
  switch (target.status) {
    case 'down':
      return target.lastError ? shortError(target.lastError) : `health ${target.health}`;
    case 'stale':
      return 'no scrape since the rollback ended yet';
    case 'unknown':
      return target.problem ?? 'not scraped yet';
    case 'up':
      return 'up';
  }
}
