/**
 * `runbook rehearse <stage> --env staging`: the run pipeline unattended (or with
 * --interactive), then a report in markdown, JSON and HTML that proves the rollback works — or says
 * which step or check failed first. The report is an `afterRun` hook, so it is written however
 * the run ends.
 */

import { relative, resolve } from 'node:path';
import { checkWritablePath } from '../files/write-file-safely.js';
import type { Io } from '../io.js';
import { formatMs } from '../prometheus/duration.js';
import { buildRehearsalReport, type RehearsalReport } from '../report/rehearsal-report.js';
import { writeReportFile } from '../report/write-report-file.js';
import type { RunHooks } from '../run/hooks.js';
import { runPipeline } from '../run/pipeline.js';
import { styleFor } from '../view/style.js';
import { formatReport } from './report.js';
import type { RollbackOptions } from './rollback.js';
import { escapeDeep } from '../view/escape-text.js';

export interface RehearseOptions extends RollbackOptions {
  interactive?: boolean;
  /** Report path (.md, .json or .html); the other two go next to it. Default `<state dir>/reports/<run-id>.md`. */
  report?: string;
}

export async function rehearseCommand(options: RehearseOptions, io: Io): Promise<number> {
  const { reference, runbooks, path, set, choose, withDataRollback, prometheusUrl, cwd, environment, interactive, report: reportOption, ...run } = options;
  const report: RunHooks = {
    async afterRun({ plan, runId, dirs }, outcome) {
      const rehearsal = buildRehearsalReport({ plan, runId, events: outcome.events, journal: relative(io.cwd, outcome.journalPath), verification: outcome.verification, finishedAt: outcome.finishedAt });
      // Any of the three may be named: `report.md`, `report.json` or `report.html`; the others go beside it.
      const [markdownPath, jsonPath, htmlPath] = reportPaths(resolve(io.cwd, reportOption ?? `${dirs.reportsDir}/${runId}.md`));
      const what = reportOption === undefined ? 'the report' : '--report';
      writeReportFile(markdownPath, await formatReport(rehearsal, 'md'), what);
      writeReportFile(jsonPath, await formatReport(rehearsal, 'json'), what);
      writeReportFile(htmlPath, await formatReport(rehearsal, 'html'), what);
      io.stdout.write(`\n${describeVerdict(escapeDeep(rehearsal), styleFor(io.stdout, io.env))}\n`);
      io.stdout.write(`Rehearsal report: ${relative(io.cwd, markdownPath)} (JSON: ${relative(io.cwd, jsonPath)}, page: ${relative(io.cwd, htmlPath)})\n`);
    },
  };
  // A --report that is a device, a FIFO or a folder stops the rehearsal before anything runs.
  if (reportOption !== undefined) for (const file of reportPaths(resolve(io.cwd, reportOption))) checkWritablePath(file, { what: '--report', createFolder: true });
  const result = await runPipeline(
    { mode: 'run', note: { reference, runbooks, path, set, choose, withDataRollback, prometheusUrl, cwd, environment }, options: { ...run, yes: interactive !== true }, hooks: [report] },
    io,
  );
  return result.exitCode;
}

/** Any of the three may be named: `report.md`, `report.json` or `report.html`; the others go beside it. */
function reportPaths(named: string): [markdown: string, json: string, html: string] {
  const base = named.replace(/\.(md|json|html)$/i, '');
  return [/\.(json|html)$/i.test(named) ? `${base}.md` : named, `${base}.json`, `${base}.html`];
}

function describeVerdict(report: RehearsalReport, style: ReturnType<typeof styleFor>): string {
  const time = report.timeToRecoverMs === null ? '' : `; time to recover ${formatMs(report.timeToRecoverMs)}`;
  if (report.verdict === 'passed') return style.green(style.bold(`Rehearsal PASSED: ${report.summary}${time}`));
  if (report.verdict === 'not-verified') return style.yellow(style.bold(`Rehearsal NOT VERIFIED: ${report.summary}`));
  return style.red(style.bold(`Rehearsal FAILED: ${report.summary}`));
}
