/**
 * `runbook report [run-id|stage]`: the report of any run (the latest by default), built from
 * its journal, as markdown, JSON or a self-contained HTML page; on stdout, or in `--out FILE`.
 */

import { relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { readAllJournals } from '../journal/read-journal.js';
import { buildRehearsalReport, formatRehearsalMarkdown, type RehearsalReport } from '../report/rehearsal-report.js';
import { writeReportFile } from '../report/write-report-file.js';
import { warnAbout } from './log.js';
import { findRun } from '../run/resume-source.js';
import { stateDirs } from '../run/state-dirs.js';

export const REPORT_FORMATS = ['md', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  run?: string;
  format?: string;
  out?: string;
  journalDir?: string;
  stateDir?: string;
}

export async function reportCommand(options: ReportOptions, io: Io): Promise<number> {
  const format = reportFormat(options.format, options.out);
  const { runsDir } = stateDirs(io, options);
  const journal = options.run ? await findRun(options.run, runsDir, 'no report to write') : (await readAllJournals(runsDir)).at(-1);
  if (!journal) throw new UsageError(`no runs in ${runsDir} yet: a real (not --dry-run) rollback or rehearse writes one`);
  warnAbout(journal.problems, io);
  if (!journal.events.some((event) => event.type === 'run-started')) throw new UsageError(`${journal.path} has no run-started event: it is not a run journal`);
  const report = buildRehearsalReport({ runId: journal.runId, events: journal.events, journal: relative(io.cwd, journal.path), kind: 'run' });
  const text = await formatReport(report, format);
  if (options.out) {
    const path = resolve(io.cwd, options.out);
    writeReportFile(path, text, '--out');
    io.stdout.write(`Report of run ${journal.runId}: ${relative(io.cwd, path)}\n`);
  } else io.stdout.write(text);
  return 0;
}

/** The report in one format; the HTML module is loaded only when asked for. */
export async function formatReport(report: RehearsalReport, format: ReportFormat): Promise<string> {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'html') return (await import('../report/html-report.js')).formatRehearsalHtml(report);
  return formatRehearsalMarkdown(report);
}

/** `--format`, else the extension of `--out`, else markdown. */
function reportFormat(format: string | undefined, out: string | undefined): ReportFormat {
  const chosen = format ?? /\.(md|json|html)$/i.exec(out ?? '')?.[1]?.toLowerCase() ?? 'md';
  if (!(REPORT_FORMATS as readonly string[]).includes(chosen)) throw new UsageError(`--format ${format}: expected ${REPORT_FORMATS.join(', ')}`);
  return chosen as ReportFormat;
}
