/**
 * The parts of the Prometheus HTTP API runbook reads, as Prometheus sends them
 * (https://prometheus.io/docs/prometheus/latest/querying/api/). Thanos and Mimir serve the
 * same shapes.
 */

/** One entry of `data.activeTargets` from `GET /api/v1/targets`. */
export interface ActiveTarget {
  /** Labels after relabelling: `job`, `instance`, and whatever the scrape config adds. */
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  /** Empty when the last scrape worked. */
  lastError: string;
  /** RFC 3339 start time of the last scrape; `0001-01-01T00:00:00Z` before the first one. */
  lastScrape: string;
  /** Seconds the last scrape took. */
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  /** Prometheus duration such as `15s` or `1m30s` (Prometheus 2.30 and later). */
  scrapeInterval?: string;
  scrapeTimeout?: string;
  discoveredLabels?: Record<string, string>;
  globalUrl?: string;
}

export interface TargetsData {
  activeTargets: ActiveTarget[];
  droppedTargets?: unknown[];
}

/** `[unix seconds, "value"]`; the value is a string so that NaN and ±Inf survive JSON. */
export type SamplePair = [number, string];

export type QueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: SamplePair }[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: SamplePair[] }[] }
  | { resultType: 'string'; result: SamplePair };

/** Prometheus' response envelope. */
export type ApiResponse<T> = { status: 'success'; data: T; warnings?: string[] } | { status: 'error'; errorType: string; error: string; data?: unknown; warnings?: string[] };
