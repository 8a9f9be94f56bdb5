/**
 * When to ask Prometheus again. Pure: a target's next scrape is predictable (Prometheus
 * scrapes each target at a fixed offset every `scrapeInterval`), so the best moment to look
 * is just after it: `lastScrape + scrapeInterval + lastScrapeDuration + margin`. Recovery is
 * then seen about one poll per scrape interval, without hammering Prometheus.
 */

import type { TargetState } from './evaluate-targets.js';

export interface PollTiming {
  /** Never poll sooner than this after the previous poll. */
  floorMs: number;
  /** Never wait longer than this between polls. */
  ceilingMs: number;
  /** Slack after the expected end of a scrape, for Prometheus to publish it. */
  marginMs: number;
  /** Used when no awaited target says when it will be scraped (never scraped yet, old Prometheus). */
  fallbackMs: number;
}

/** Above this many awaited targets, polls are spaced out rather than aimed at each. */
const SPACE_OUT_ABOVE = 4;

export const DEFAULT_POLL_TIMING: PollTiming = { floorMs: 100, ceilingMs: 10_000, marginMs: 40, fallbackMs: 1_000 };

/** When the next scrape of a target should be visible in the API; undefined when unknown. */
export function expectedScrapeVisibleAt(target: TargetState, timing: PollTiming): number | undefined {
  if (target.lastScrapeMs === undefined || target.scrapeIntervalMs === undefined) return undefined;
  return target.lastScrapeMs + target.scrapeIntervalMs + target.lastScrapeDurationMs + timing.marginMs;
}

export interface PollPlan {
  delayMs: number;
  /** True when the awaited scrape is already due but not yet published (we looked too early). */
  overdue: boolean;
}

/**
 * Delay before the next targets poll.
 *
 * - `awaited`: targets whose next scrape we still need (not yet up, or not yet stable).
 * - `overduePolls`: polls in a row that found the awaited scrape due but not published; the
 *   retry delay doubles with each (from `floorMs`, at most half a scrape interval).
 *
 * With a few awaited targets, each poll is aimed at one of their scrapes (at most one poll
 * per target per interval). With more, at different offsets, polls are spaced a quarter of
 * a scrape interval apart: still at most 4 per interval, not one per target.
 */
export function planNextPoll(awaited: readonly TargetState[], nowMs: number, timing: PollTiming, overduePolls = 0): PollPlan {
  let earliest = Infinity;
  let interval = Infinity;
  for (const target of awaited) {
    const at = expectedScrapeVisibleAt(target, timing);
    if (at !== undefined && at < earliest) earliest = at;
    if (target.scrapeIntervalMs !== undefined && target.scrapeIntervalMs < interval) interval = target.scrapeIntervalMs;
  }
  const clamp = (ms: number) => Math.min(timing.ceilingMs, Math.max(timing.floorMs, ms));
  if (earliest === Infinity) return { delayMs: clamp(Number.isFinite(interval) ? Math.min(interval, timing.fallbackMs) : timing.fallbackMs), overdue: false };
  if (earliest <= nowMs) {
    const retry = Math.min(timing.floorMs * 2 ** overduePolls, Number.isFinite(interval) ? interval / 2 : timing.fallbackMs);
    return { delayMs: clamp(retry), overdue: true };
  }
  const spacing = awaited.length > SPACE_OUT_ABOVE && Number.isFinite(interval) ? interval / 4 : 0;
  return { delayMs: clamp(Math.max(earliest - nowMs, spacing)), overdue: false };
}
