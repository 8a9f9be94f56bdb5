/**
 * Options typed on the command line: durations (`90s`, `5m`, `1m30s`, `500ms`, or plain
 * seconds) and step numbers, as usage errors naming the option when they are wrong.
 */

import { UsageError } from '../errors.js';
import { parseDurationOption } from '../prometheus/duration.js';

/** The longest a Node timer can wait: 2^31 - 1 ms, about 24.8 days. */
const MAX_DURATION_MS = 2 ** 31 - 1;

/** Milliseconds; a usage error (naming the option) when the text is not a duration. */
export function parseDuration(text: string, option: string): number {
  const ms = parseDurationOption(text);
  if (ms === undefined) throw new UsageError(`${option} ${text}: not a duration; write e.g. 90s, 5m, 1m30s or 600 (seconds)`);
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
