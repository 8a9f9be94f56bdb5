/**
 * PromQL that cannot run is found before a rollback, not after it: `lint` and `rollback
 * --dry-run` read each check's query with Prometheus' own parser and report it at the note's
 * file:line with the parser's column; a `%` threshold on a query that is not a ratio is a
 * lint finding with its fix.
 */

import { afterEach, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../helpers/notes-sandbox.js';
import { runCli } from '../helpers/run-cli.js';

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.cleanup());

const FILE = 'runbooks/30_05a_promql_problems.md';
const FINDINGS = [
  `${FILE}:20: "Error rate": threshold >1% compares a ratio, but the query is not one (it divides nothing): divide by the total rate, e.g. sum(rate(x_total{status="error"}[5m])) / sum(rate(x_total[5m]))`,
  `${FILE}:34: PromQL of "Latency (p95)" does not run (column 53 of the query's line 2): unexpected end of query: "(" at column 19 is not closed`,
  `${FILE}:37: PromQL of "Queue depth" does not run (column 1 of the query): unknown function "max_depth"`,
  `${FILE}:40: PromQL of "Cache misses" does not run (column 5 of the query): abs() needs an instant vector as argument 1, not a range vector (a range such as [5m] belongs in rate() or *_over_time())`,
];

it('lint reports each query that does not run, and the % threshold on a rate, by line: exit 1', async () => {
  sandbox = createSandbox({ notes: { '30_05a_promql_problems.md': 'notes/promql-problems.md' } });
  const result = await runCli(['lint'], { cwd: sandbox.root, env: sandbox.env });
  expect(result).toEqual({ exitCode: 1, stdout: `${FINDINGS.join('\n')}\n`, stderr: 'runbook lint: 4 problems in 1 of 1 note\n' });
});

it('rollback --dry-run shows the same problems under each check, and the millisecond metric compared in its own unit', async () => {
  sandbox = createSandbox({ notes: { '30_05a_promql_problems.md': 'notes/promql-problems.md' } });
  const result = await runCli(['rollback', '30_05a', '--dry-run'], { cwd: sandbox.root, env: sandbox.env });
  expect(result.exitCode).toBe(0);
  for (const finding of FINDINGS) expect(result.stdout).toContain(`\n      ✗ ${finding}\n`);
  expect(result.stdout).toContain("\n  Request time: passes while not >150ms (>150 in the metric's own unit, ms)\n");
  expect(result.stdout).toContain('\n      ranges [5m] measured since the last step finished (at least 4 scrape intervals, at most as written)\n');
});

it('rollback --dry-run --window note: the ranges as written', async () => {
  sandbox = createSandbox({ notes: { '30_05a_promql_problems.md': 'notes/promql-problems.md' } });
  const result = await runCli(['rollback', '30_05a', '--dry-run', '--window', 'note'], { cwd: sandbox.root, env: sandbox.env });
  expect(result.stdout).toContain('\n      ranges [5m] as written (--window note)\n');
});
