/**
 * The PromQL part of lint (issue 10): each check's query read by Prometheus' own grammar,
 * with the note's line and the parser's column, and each threshold's unit held against its
 * query. Pure.
 */

import type { NoteProblem } from '../errors.js';
import type { Note } from '../note/types.js';
import { promqlProblemsOf } from '../prometheus/check-queries.js';

export function lintPromql(note: Note): NoteProblem[] {
  return note.monitoring.checks.flatMap((check) => promqlProblemsOf({ ...check, queryLine: check.queryLine ?? check.line }).map((problem) => ({ file: note.file, line: problem.line, message: problem.message })));
}
