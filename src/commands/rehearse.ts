/**
 * `runbook rehearse <stage> --env staging`: the whole rollback, unattended (or with
 * --interactive), then the recovery check, then a report in markdown, JSON and HTML that proves
 * the rollback works — or says which step or check failed first.
 */

import { relative, resolve } from 'node:path';
import type { Io } from '../io.js';
import { formatMs } from '../prometheus/duration.js';
import { buildRehearsalReport, type RehearsalReport } from '../report/rehearsal-report.js';
import { writeReportFile } from '../report/write-report-file.js';
import { formatReport } from './report.js';
import { styleFor } from '../view/style.js';
import { performRollback, reportNotRecovered, type RollbackOptions } from './rollback.js';
import { stateDirs } from './run-steps.js';

export interface RehearseOptions extends RollbackOptions {
  interactive?: boolean;
  /** Report path (.md, .json or .html); the other two go next to it. Default `.runbook/reports/<run-id>.md`. */
  report?: string;
}

export async function rehearseCommand(options: RehearseOptions, baseIo: Io): Promise<number> {
  const { plan, runId, outcome, io } = await performRollback({ ...options, yes: options.interactive !== true }, baseIo);
  const report = buildRehearsalReport({ plan, runId, events: outcome.events, journal: relative(io.cwd, outcome.journalPath), verification: outcome.verification, finishedAt: outcome.finishedAt });
  // Any of the three may be named: `report.md`, `report.json` or `report.html`; the others go beside it.
  const named = resolve(io.cwd, options.report ?? `${stateDirs(io, options).reportsDir}/${runId}.md`);
  const base = named.replace(/\.(md|json|html)$/i, '');
  const markdownPath = /\.(json|html)$/i.test(named) ? `${base}.md` : named;
  const jsonPath = `${base}.json`;
  const htmlPath = `${base}.html`;
  writeReportFile(markdownPath, await formatReport(report, 'md'));
  writeReportFile(jsonPath, await formatReport(report, 'json'));
  writeReportFile(htmlPath, await formatReport(report, 'html'));
  io.stdout.write(`\n${describeVerdict(report, styleFor(io.stdout, io.env))}\n`);
  io.stdout.write(`Rehearsal report: ${relative(io.cwd, markdownPath)} (JSON: ${relative(io.cwd, jsonPath)}, page: ${relative(io.cwd, htmlPath)})\n`);
  reportNotRecovered(outcome, io);
  return outcome.exitCode;
}

function describeVerdict(report: RehearsalReport, style: ReturnType<typeof styleFor>): string {
  const time = report.timeToRecoverMs === null ? '' : `; time to recover ${formatMs(report.timeToRecoverMs)}`;
  if (report.verdict === 'passed') return style.green(style.bold(`Rehearsal PASSED: ${report.summary}${time}`));
  if (report.verdict === 'not-verified') return style.yellow(style.bold(`Rehearsal NOT VERIFIED: ${report.summary}`));
  return style.red(style.bold(`Rehearsal FAILED: ${report.summary}`));
}
