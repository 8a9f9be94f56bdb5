/**
 * The recovery-check options as typed (`--job`, `--target-label`, `--no-targets`, `--stable`,
 * `--recovery-timeout`, `--no-data`, `--since`, `--pushgateway`, `--metrics-file`), checked
 * and normalised once, for `verify` and for `rollback` after its last step. A bad value is a
 * `UsageError` with a one-line message.
 */

import { UsageError } from '../errors.js';
import { parseDurationOption } from '../prometheus/duration.js';
import { NO_DATA_POLICIES, type NoDataPolicy } from '../prometheus/evaluate-check.js';
import type { CheckWindow } from '../prometheus/verify-recovery.js';

/** Commander's view of the options. `--no-data <policy>` arrives as `data` (true when absent). */
export interface VerifyFlags {
  job?: string[];
  targetLabel?: string[];
  stable?: string;
  recoveryTimeout?: string;
  data?: string | boolean;
  since?: string;
  window?: string;
  pushgateway?: string;
  metricsFile?: string;
  /** False with `--no-targets`. */
  targets?: boolean;
}

export interface VerifySettings {
  jobs: string[];
  targetLabels: [string, string][];
  stable: number;
  recoveryTimeoutMs: number;
  noData: NoDataPolicy;
  /** Only from `--since`; a rollback uses the end of its last step. */
  since?: Date;
  /** `--window`; undefined: the command's default (since the rollback after one, the note's for `verify` without `--since`). */
  window?: CheckWindow;
  pushgateway?: string;
  metricsFile?: string;
  /** False: metric checks only (`--no-targets`, or an environment with `"targets": false`). */
  checkTargets: boolean;
}

export const VERIFY_DEFAULTS = { stable: 2, recoveryTimeoutMs: 5 * 60_000, noData: 'inconclusive' as NoDataPolicy };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseVerifyFlags(flags: VerifyFlags, now: Date): VerifySettings {
  const jobs = (flags.job ?? []).map((job) => {
    if (job.trim() === '') throw new UsageError('--job needs a job name, e.g. --job butler');
    return job.trim();
  });
  const targetLabels = (flags.targetLabel ?? []).map((pair): [string, string] => {
    const index = pair.indexOf('=');
    const key = pair.slice(0, Math.max(0, index)).trim();
    if (index <= 0 || !LABEL_NAME.test(key)) throw new UsageError(`--target-label must be key=value with a Prometheus label name as key, e.g. env=staging (got "${pair}")`);
    return [key, pair.slice(index + 1)];
  });

  let stable = VERIFY_DEFAULTS.stable;
  if (flags.stable !== undefined) {
    stable = Number(flags.stable);
    if (!/^\d+$/.test(flags.stable.trim()) || stable < 1) throw new UsageError(`--stable must be a whole number of 1 or more (got "${flags.stable}")`);
  }

  let recoveryTimeoutMs = VERIFY_DEFAULTS.recoveryTimeoutMs;
  if (flags.recoveryTimeout !== undefined) {
    const parsed = parseDurationOption(flags.recoveryTimeout);
    if (parsed === undefined || parsed <= 0) throw new UsageError(`--recovery-timeout must be a duration such as 90s, 5m or 300 (seconds) (got "${flags.recoveryTimeout}")`);
    recoveryTimeoutMs = parsed;
  }

  let noData = VERIFY_DEFAULTS.noData;
  if (typeof flags.data === 'string') {
    if (!NO_DATA_POLICIES.includes(flags.data as NoDataPolicy)) throw new UsageError(`--no-data must be fail, inconclusive or pass (got "${flags.data}")`);
    noData = flags.data as NoDataPolicy;
  }

  let window: CheckWindow | undefined;
  if (flags.window !== undefined) {
    if (flags.window !== 'note' && flags.window !== 'since-rollback') throw new UsageError(`--window must be since-rollback or note (got "${flags.window}")`);
    window = flags.window;
  }

  let since: Date | undefined;
  if (flags.since?.trim() === 'now') since = now;
  else if (flags.since !== undefined) {
    // An ISO 8601 date-time; a bare date would silently mean midnight UTC.
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(flags.since.trim()) ? Date.parse(flags.since.trim()) : NaN;
    if (!Number.isFinite(time)) throw new UsageError(`--since must be an ISO time such as 2025-11-25T10:00:00Z (got "${flags.since}")`);
    if (time > now.getTime() + 60_000) throw new UsageError(`--since ${flags.since} is in the future: give the time the last rollback step finished`);
    since = new Date(time);
  }

  if (flags.pushgateway !== undefined && !/^https?:\/\/[^/]/.test(flags.pushgateway)) {
    throw new UsageError(`--pushgateway must be an http(s) URL such as http://127.0.0.1:9091 (got "${flags.pushgateway}")`);
  }
  if (flags.metricsFile !== undefined && flags.metricsFile.trim() === '') throw new UsageError('--metrics-file needs a path, e.g. /var/lib/node_exporter/textfile/runbook.prom');

  if (flags.targets === false && (jobs.length > 0 || targetLabels.length > 0)) throw new UsageError('--no-targets and --job/--target-label contradict each other: the target check is either off or selects targets');

  return { jobs, targetLabels, stable, recoveryTimeoutMs, noData, since, window, pushgateway: flags.pushgateway, metricsFile: flags.metricsFile, checkTargets: flags.targets !== false };
}
