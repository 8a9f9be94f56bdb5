/**
 * `runbook rehearse <stage> --env staging`: the whole rollback, unattended (or with
 * --interactive), then the recovery check, then a report in markdown and JSON that proves
 * the rollback works — or says which step or check failed first.
 */

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
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
  const { plan, runId, outcome, io } = await performRollback({ ...options, yes: options.interactive !== true }, baseIo);
  const report = buildRehearsalReport({ plan, runId, events: outcome.events, journal: relative(io.cwd, outcome.journalPath), verification: outcome.verification, finishedAt: outcome.finishedAt });
  // Either file may be named: `report.md` puts the JSON in report.json, and `report.json` the markdown in report.md.
  const named = resolve(io.cwd, options.report ?? `${stateDirs(io, options).reportsDir}/${runId}.md`);
  const base = named.replace(/\.(md|json)$/i, '');
  const markdownPath = /\.json$/i.test(named) ? `${base}.md` : named;
  const jsonPath = `${base}.json`;
  writeAtomically(markdownPath, formatRehearsalMarkdown(report));
  writeAtomically(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
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

/** A report is written whole or not at all: temp file, then rename. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
