/**
 * `runbook rehearse <stage> --env staging`: the whole rollback, unattended (or with
 * --interactive), then the recovery check, then a report in markdown and JSON that proves
 * the rollback works — or says which step or check failed first.
 */

import { relative, resolve } from 'node:path';
import { checkWritablePath, writeFileSafely } from '../files/write-file-safely.js';
import type { Io } from '../io.js';
import { formatMs } from '../prometheus/duration.js';
import { buildRehearsalReport, formatRehearsalMarkdown, type RehearsalReport } from '../report/rehearsal-report.js';
import { styleFor } from '../view/style.js';
import { performRollback, reportNotRecovered, type RollbackOptions } from './rollback.js';
import { stateDirs } from './run-steps.js';

export interface RehearseOptions extends RollbackOptions {
  interactive?: boolean;
  /** Markdown report path; the JSON goes next to it. Default `.runbook/reports/<run-id>.md`. */
  report?: string;
}

export async function rehearseCommand(options: RehearseOptions, baseIo: Io): Promise<number> {
  // A --report that is a device, a FIFO or a folder stops the rehearsal before anything runs.
  if (options.report !== undefined) for (const path of reportPaths(resolve(baseIo.cwd, options.report))) checkWritablePath(path, { what: '--report', createFolder: true });
  const { plan, runId, outcome, io } = await performRollback({ ...options, yes: options.interactive !== true }, baseIo);
  const report = buildRehearsalReport({ plan, runId, events: outcome.events, journal: relative(io.cwd, outcome.journalPath), verification: outcome.verification, finishedAt: outcome.finishedAt });
  const [markdownPath, jsonPath] = reportPaths(resolve(io.cwd, options.report ?? `${stateDirs(io, options).reportsDir}/${runId}.md`));
  const what = options.report === undefined ? 'the report' : '--report';
  writeFileSafely(markdownPath, formatRehearsalMarkdown(report), { what, createFolder: true });
  writeFileSafely(jsonPath, `${JSON.stringify(report, null, 2)}\n`, { what, createFolder: true });
  io.stdout.write(`\n${describeVerdict(report, styleFor(io.stdout, io.env))}\n`);
  io.stdout.write(`Rehearsal report: ${relative(io.cwd, markdownPath)} (JSON: ${relative(io.cwd, jsonPath)})\n`);
  reportNotRecovered(outcome, io);
  return outcome.exitCode;
}

function describeVerdict(report: RehearsalReport, style: ReturnType<typeof styleFor>): string {
  const time = report.timeToRecoverMs === null ? '' : `; time to recover ${formatMs(report.timeToRecoverMs)}`;
  if (report.verdict === 'passed') return style.green(style.bold(`Rehearsal PASSED: ${report.summary}${time}`));
  if (report.verdict === 'not-verified') return style.yellow(style.bold(`Rehearsal NOT VERIFIED: ${report.summary}`));
  return style.red(style.bold(`Rehearsal FAILED: ${report.summary}`));
}

/** Either file may be named: `report.md` puts the JSON in report.json, and `report.json` the markdown in report.md. */
function reportPaths(named: string): [markdown: string, json: string] {
  const base = named.replace(/\.(md|json)$/i, '');
  return [/\.json$/i.test(named) ? `${base}.md` : named, `${base}.json`];
}
