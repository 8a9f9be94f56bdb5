/**
 * `runbook lint [files|dirs]`: every problem in every note, one `file:line: message` per
 * line, so CI finds a broken rollback before anyone needs it. Exit 1 when there are any.
 */

import { formatProblem, UsageError, type NoteProblem } from '../errors.js';
import type { Io } from '../io.js';
import { finishLint, type PreparedLint } from '../lint/lint-note.js';
import { prepareNotes } from '../lint/prepare-notes.js';
import { scriptForSyntaxCheck } from '../run/load-plan.js';
import { listNoteFiles, runbooksDir } from '../runbooks/find-note.js';
import { resolvePath } from '../runbooks/load-note.js';
import { escapeText } from '../view/escape-text.js';

export interface LintOptions {
  paths: string[];
  runbooks?: string;
  json?: boolean;
}

export async function lintCommand(options: LintOptions, io: Io): Promise<number> {
  const files = await collectFiles(options.paths.length > 0 ? options.paths : [runbooksDir(options.runbooks, io)], io);
  const problems: NoteProblem[] = [];
  const notes: PreparedLint[] = [];
  for (const prepared of await prepareNotes(files, io)) {
    if ('lint' in prepared) notes.push(prepared.lint);
    else problems.push(...prepared.problems);
  }

  // One `bash -n` run for every script of every note.
  const results = await io.checkSyntax(notes.flatMap((note) => note.scripts.map((step) => scriptForSyntaxCheck({ source: step.script }))));
  let offset = 0;
  for (const note of notes) {
    problems.push(...finishLint(note, results.slice(offset, offset + note.scripts.length)));
    offset += note.scripts.length;
  }
  problems.push(...duplicateStages(notes));
  problems.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1));

  if (options.json) io.stdout.write(`${JSON.stringify({ files: files.length, problems }, null, 2)}\n`);
  else for (const problem of problems) io.stdout.write(`${escapeText(formatProblem(problem))}\n`);
  const failing = new Set(problems.map((problem) => problem.file)).size;
  io.stderr.write(
    problems.length === 0
      ? `runbook lint: ${files.length} note${files.length === 1 ? '' : 's'}, no problems\n`
      : `runbook lint: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${failing} of ${files.length} note${files.length === 1 ? '' : 's'}\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

async function collectFiles(paths: string[], io: Io): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let stat: Awaited<ReturnType<Io['fs']['stat']>>;
    try {
      stat = await io.fs.stat(resolvePath(path, io));
    } catch {
      throw new UsageError(`lint: ${path} does not exist: give note files or folders of notes`);
    }
    if (stat.isDirectory()) files.push(...(await listNoteFiles(path, io, (skipped, reason) => io.stderr.write(`runbook lint: warning: skipped ${skipped}: ${reason}\n`))));
    else files.push(path);
  }
  return [...new Set(files)];
}

function duplicateStages(notes: PreparedLint[]): NoteProblem[] {
  const byStage = new Map<string, PreparedLint[]>();
  for (const note of notes) if (note.stage) byStage.set(note.stage, [...(byStage.get(note.stage) ?? []), note]);
  return [...byStage.values()]
    .filter((group) => group.length > 1)
    .flatMap((group) =>
      group.map((note) => ({
        file: note.file,
        line: note.stageLine,
        message: `stage ${note.stage} is also claimed by ${group
          .filter((other) => other !== note)
          .map((other) => other.file)
          .join(', ')}: each stage needs one note`,
      })),
    );
}
