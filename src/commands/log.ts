/**
 * `runbook log [run-id]`: a run's transcript as markdown (the latest run by default), and
 * `runbook runs`: every run in the journal folder, one line each.
 */

import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { journalProblems, readAllJournals, readJournal } from '../journal/read-journal.js';
import { replayRun, runStatus, stepOutcomes } from '../journal/run-state.js';
import { formatTranscript } from '../journal/transcript.js';
import { escapeText } from '../view/escape-text.js';
import { formatTable } from '../view/table.js';
import { stateDirs } from '../run/state-dirs.js';

export interface JournalOptions {
  journalDir?: string;
  stateDir?: string;
}

export async function logCommand(options: JournalOptions & { run?: string }, io: Io): Promise<number> {
  const { runsDir } = stateDirs(io, options);
  const journals = options.run ? [await readJournal(runsDir, options.run)] : (await readAllJournals(runsDir)).slice(-1);
  const journal = journals[0];
  warnAbout(journalProblems(journals), io);
  if (!journal) throw new UsageError(`no runs in ${runsDir} yet: a real (not --dry-run) rollback writes one`);
  const state = replayRun(journal.events);
  const status = state ? runStatus(state, io.processAlive, io.host) : 'unknown';
  io.stdout.write(formatTranscript(journal.runId, journal.events, status));
  return 0;
}

export async function runsCommand(options: JournalOptions & { stage?: string; json?: boolean }, io: Io): Promise<number> {
  const { runsDir } = stateDirs(io, options);
  const journals = await readAllJournals(runsDir);
  warnAbout(journalProblems(journals), io);
  const runs = journals.flatMap((journal) => {
    const state = replayRun(journal.events);
    if (!state || (options.stage && state.started.stage !== options.stage)) return [];
    const outcomes = stepOutcomes(journal.events);
    const done = outcomes.filter((outcome) => outcome.result === 'done' || outcome.result === 'acknowledged').length;
    return [
      {
        runId: journal.runId,
        stage: state.started.stage,
        started: state.started.at,
        operator: state.started.operator,
        status: runStatus(state, io.processAlive, io.host),
        stepsDone: done,
        steps: state.started.steps.length,
        note: state.started.note,
      },
    ];
  });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    io.stderr.write(`runbook: no runs in ${runsDir}${options.stage ? ` for stage ${options.stage}` : ''}\n`);
    return 0;
  }
  const rows = runs.map((run) => [run.runId, run.stage ?? '-', run.started.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), run.operator, run.status, `${run.stepsDone}/${run.steps}`, run.note]);
  io.stdout.write(formatTable(['RUN', 'STAGE', 'STARTED', 'OPERATOR', 'STATUS', 'DONE', 'NOTE'], rows));
  return 0;
}

/** Damaged lines and unreadable journals are named, never fatal: the other runs still count. */
export function warnAbout(problems: string[], io: Io): void {
  for (const problem of problems) io.stderr.write(`runbook: warning: ${escapeText(problem)}\n`);
}
