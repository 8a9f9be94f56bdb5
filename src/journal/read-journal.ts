/**
 * Reads journals back: one run's events, or every run in the folder. Damage never stops a
 * reader (issue #9): a line that is not an event is skipped and named in `problems`, a last
 * line cut short by a crash or a full disk is ignored (it was never a complete event), and a
 * journal that cannot be read is left out of the folder's list, named, so one broken file
 * never hides the other runs.
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { readRegularFile } from '../files/read-file-safely.js';
import { checkEvent } from './check-event.js';
import type { RunEvent } from './events.js';
import { isRunId } from './run-id.js';

export interface JournalFile {
  runId: string;
  path: string;
  events: RunEvent[];
  /** Lines skipped, as `file:line: why`, for a warning. */
  problems: string[];
  /**
   * The step whose `step-finished` line was cut off at the end of the file: it finished, but
   * its result is lost, so a resume must not simply run it again.
   */
  tornStep?: number;
}

/** A journal is a log, not a note: read at most this much of one (a run writes far less). */
export const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;
const READ_AT_ONCE = 64;

export function parseJournal(text: string, path: string): Omit<JournalFile, 'runId' | 'path'> {
  const lines = text.split('\n');
  // Everything after the last newline is a torn write, never a complete event.
  const last = lines.pop() ?? '';
  const events: RunEvent[] = [];
  const problems: string[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${path}:${index + 1}: skipped: not a JSON line (a torn or edited line)`);
      return;
    }
    const problem = checkEvent(value);
    if (problem) problems.push(`${path}:${index + 1}: skipped: ${problem}`);
    else events.push(value as RunEvent);
  });
  let tornStep: number | undefined;
  if (last.trim() !== '') {
    const parsed = tryParse(last);
    if (parsed !== undefined && checkEvent(parsed) === undefined) events.push(parsed as RunEvent);
    else {
      problems.push(`${path}:${lines.length + 1}: skipped: the last line was cut off (a crash or a full disk)`);
      const finished = /^\{"type":"step-finished","at":"[^"]*","step":(\d+)[,}]/.exec(last);
      if (finished) tornStep = Number(finished[1]);
    }
  }
  return { events, problems, tornStep };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function readJournal(runsDir: string, runId: string): Promise<JournalFile> {
  if (!isRunId(runId)) throw new UsageError(`"${runId}" is not a run id (like 20261125T131500Z-21_01a-3f9c): see runbook runs`);
  const path = join(runsDir, `${runId}.jsonl`);
  let text: string;
  try {
    text = (await readRegularFile(path, MAX_JOURNAL_BYTES)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`no run ${runId} in ${runsDir}: see runbook runs for the runs there`);
    throw new UsageError(`${path} ${error instanceof Error ? error.message : String(error)}: it is not a journal runbook can read`);
  }
  return { runId, path, ...parseJournal(text, path) };
}

/**
 * Every run in the folder, oldest first, and the journals that could not be read. Run ids
 * sort by start time only to the second, so two runs started in the same second are ordered
 * by their first event's millisecond time.
 */
export async function readAllJournals(runsDir: string): Promise<JournalFile[] & { unreadable: string[] }> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return Object.assign([], { unreadable: [] });
  }
  const ids = names
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => name.slice(0, -'.jsonl'.length))
    .filter(isRunId);
  const unreadable: string[] = [];
  const readOne = (id: string) =>
    readJournal(runsDir, id).catch((error: unknown) => {
      unreadable.push(`skipped: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  // A few at a time: years of runs must not run out of file descriptors (EMFILE).
  const read: (JournalFile | undefined)[] = [];
  for (let start = 0; start < ids.length; start += READ_AT_ONCE) read.push(...(await Promise.all(ids.slice(start, start + READ_AT_ONCE).map(readOne))));
  const journals = read.filter((journal): journal is JournalFile => journal !== undefined);
  const key = (journal: JournalFile) => `${journal.events[0]?.at ?? ''} ${journal.runId}`;
  return Object.assign(
    journals.sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    { unreadable },
  );
}

/** Every problem met reading these journals, for warnings on stderr. */
export function journalProblems(journals: JournalFile[] & { unreadable?: string[] }): string[] {
  return [...(journals.unreadable ?? []), ...journals.flatMap((journal) => journal.problems)];
}
