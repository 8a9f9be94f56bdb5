/**
 * What is wrong with a check's query, located in the note: the syntax or type error at the
 * parser's position, and a threshold whose unit does not fit the query. Shared by lint and
 * the plan that `--dry-run` prints. Pure.
 */

import type { Threshold } from '../note/types.js';
import { parsePromql } from './promql.js';
import { unitProblem } from './promql-units.js';

export interface QueryCheck {
  metric: string;
  query?: string;
  threshold?: Threshold;
  /** The note's line of the table row. */
  line: number;
  /** The note's line where the query starts. */
  queryLine?: number;
}

export interface LocatedProblem {
  /** Line in the note. */
  line: number;
  message: string;
}

export function promqlProblemsOf(check: QueryCheck): LocatedProblem[] {
  if (!check.query) return [];
  const parsed = parsePromql(check.query);
  const start = check.queryLine ?? check.line;
  const problems: LocatedProblem[] = parsed.problems.map((problem) => ({
    line: start + problem.line - 1,
    message: `PromQL of "${check.metric}" does not run (column ${problem.column} of ${problem.line === 1 ? 'the query' : `the query's line ${problem.line}`}): ${problem.message}`,
  }));
  if (check.threshold && problems.length === 0) {
    const units = unitProblem(check.threshold, check.query);
    if (units) problems.push({ line: check.line, message: `"${check.metric}": ${units}` });
  }
  return problems;
}
