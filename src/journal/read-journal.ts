/**
 * Reads journals back: one run's events, or every run in the folder. A last line cut short
 * by a crash is ignored (it was never a complete event); other damage is reported.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { RunEvent } from './events.js';
import { isRunId } from './run-id.js';

export interface JournalFile {
  runId: string;
  path: string;
  events: RunEvent[];
}

export function parseJournal(text: string, path: string): RunEvent[] {
  const lines = text.split('\n');
  const events: RunEvent[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      const isLast = lines.slice(index + 1).every((rest) => rest.trim() === '');
      if (!isLast) throw new UsageError(`${path}:${index + 1}: not a journal line (damaged file?): move the file away or fix the line`);
    }
  });
  return events;
}

export async function readJournal(runsDir: string, runId: string): Promise<JournalFile> {
  if (!isRunId(runId)) throw new UsageError(`"${runId}" is not a run id (like 20261125T131500Z-21_01a-3f9c): see runbook runs`);
  const path = join(runsDir, `${runId}.jsonl`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`no run ${runId} in ${runsDir}: see runbook runs for the runs there`);
  }
  return { runId, path, events: parseJournal(text, path) };
}

/**
 * Every run in the folder, oldest first. Run ids sort by start time only to the second, so
 * two runs started in the same second are ordered by their first event's millisecond time.
 */
export async function readAllJournals(runsDir: string): Promise<JournalFile[]> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  const ids = names.filter((name) => name.endsWith('.jsonl')).map((name) => name.slice(0, -'.jsonl'.length)).filter(isRunId);
  const journals = await Promise.all(ids.map((id) => readJournal(runsDir, id)));
  const key = (journal: JournalFile) => `${journal.events[0]?.at ?? ''} ${journal.runId}`;
  return journals.sort((a, b) => (key(a) < key(b) ? -1 : 1));
}
