/**
 * Durations typed on the command line: `90s`, `5m`, `1h`, `500ms`, or plain seconds.
 */

import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** The longest a Node timer can wait: 2^31 - 1 ms, about 24.8 days. */
const MAX_DURATION_MS = 2 ** 31 - 1;

/** Milliseconds; a usage error (naming the option) when the text is not a duration. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} ${text}: not a duration; write e.g. 90s, 5m or 600 (seconds)`);
  const ms = Number(match[1]) * UNITS[match[2] ?? 's']!;
  if (ms <= 0) throw new UsageError(`${option} ${text}: must be more than zero`);
  // Timers cannot wait longer (Node fires a longer one at once): refuse rather than stop a step at once.
  if (ms > MAX_DURATION_MS) throw new UsageError(`${option} ${text}: at most 24d`);
  return ms;
}

/** A positive whole number option, e.g. `--from 2`. */
export function parsePositiveInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new UsageError(`${option} ${text}: give a step number (1, 2, …)`);
  return Number(text);
}
