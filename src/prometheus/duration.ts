/**
 * Durations in the three spellings runbook meets: Prometheus' (`1m30s`, `500ms`, in the
 * targets API), the command line's (`90s`, `5m`, or plain seconds) and the one it prints.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
const cache = new Map<string, number | undefined>();

/**
 * Milliseconds of a duration such as `15s`, `1m30s` or `500ms`; undefined when the text is
 * not one. Cached: 10,000 targets share a handful of scrape intervals.
 */
export function parseDuration(text: string): number | undefined {
  if (cache.has(text)) return cache.get(text);
  let total = 0;
  let matched = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    matched = PART.lastIndex;
  }
  const value = matched === text.length && text.length > 0 ? total : undefined;
  if (cache.size < 1000) cache.set(text, value);
  return value;
}

/** A command-line duration: `90s`, `5m`, `1m30s`, `1.5h`, or a plain number of seconds. */
export function parseDurationOption(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  return parseDuration(trimmed);
}

/** `850ms`, `2.5s`, `42s`, `5m`, `1m30s`, `2h5m`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatMs(-ms)}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))}s`;
  const totalSeconds = Math.round(seconds);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const rest = totalSeconds % 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${rest ? `${rest}s` : ''}` || '0s';
}
