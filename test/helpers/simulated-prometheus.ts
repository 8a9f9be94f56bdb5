/**
 * A Prometheus simulated on a fake clock, for testing the poll loop without waiting: each
 * target is scraped every `intervalMs` at `offsetMs`, each scrape takes `durationMs` and
 * becomes visible in the API `publishDelayMs` after it ends. `healthy(scrapeStart)` says
 * whether that scrape worked.
 */

import type { PrometheusApi, QueryResult } from '../../src/prometheus/client.js';
import type { ActiveTarget } from '../../src/prometheus/types.js';

export interface SimulatedTarget {
  job: string;
  instance: string;
  intervalMs: number;
  offsetMs: number;
  durationMs?: number;
  publishDelayMs?: number;
  healthy: (scrapeStartMs: number) => boolean;
}

export class FakeClock {
  constructor(public ms: number) {}
  readonly now = () => new Date(this.ms);
  readonly sleeps: number[] = [];
  readonly sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.ms += ms;
    if (signal?.aborted) throw signal.reason;
  };
}

export interface SimulatedPrometheus extends PrometheusApi {
  /** Clock times of each `/api/v1/targets` call. */
  polls: number[];
}

export function simulatePrometheus(clock: FakeClock, targets: SimulatedTarget[], query?: (promql: string, atMs: number) => QueryResult): SimulatedPrometheus {
  const polls: number[] = [];
  let requests = 0;
  const targetAt = (target: SimulatedTarget, atMs: number): ActiveTarget => {
    const duration = target.durationMs ?? 5;
    const visibleAfter = duration + (target.publishDelayMs ?? 0);
    const k = Math.floor((atMs - visibleAfter - target.offsetMs) / target.intervalMs);
    const base = {
      labels: { job: target.job, instance: target.instance },
      scrapePool: target.job,
      scrapeUrl: `http://${target.instance}/metrics`,
      scrapeInterval: `${target.intervalMs}ms`,
      scrapeTimeout: `${target.intervalMs}ms`,
    };
    if (k < 0) return { ...base, lastError: '', lastScrape: '0001-01-01T00:00:00Z', lastScrapeDuration: 0, health: 'unknown' };
    const start = target.offsetMs + k * target.intervalMs;
    const healthy = target.healthy(start);
    return {
      ...base,
      lastError: healthy ? '' : `Get "http://${target.instance}/metrics": dial tcp ${target.instance}: connect: connection refused`,
      lastScrape: new Date(start).toISOString(),
      lastScrapeDuration: duration / 1000,
      health: healthy ? 'up' : 'down',
    };
  };
  return {
    url: 'http://simulated:9090',
    polls,
    get requests() {
      return requests;
    },
    async targets() {
      requests += 1;
      polls.push(clock.ms);
      return { activeTargets: targets.map((target) => targetAt(target, clock.ms)) };
    },
    async query(promql) {
      requests += 1;
      if (!query) throw new Error(`no query answers simulated (asked ${promql})`);
      return query(promql, clock.ms);
    },
  };
}
