/**
 * The Monitoring & Validation part of a note: the "Key Metrics to Watch" table and the
 * PromQL queries under "Prometheus Queries", paired into recovery checks.
 */

import type { Code, Root, RootContent, Table } from 'mdast';
import { lineOf, textOf } from './markdown.js';
import { parseThreshold } from './threshold.js';
import type { MetricCheck, Monitoring } from './types.js';

interface Query {
  title?: string;
  query: string;
  line: number;
}

/**
 * Reads the metrics table and the queries. `skip` holds nodes that belong to the Rollback
 * Procedure, whose blocks are steps, not checks.
 */
export function readMonitoring(tree: Root, skip: ReadonlySet<RootContent>): Monitoring {
  const nodes = tree.children.filter((node) => !skip.has(node));
  // An "Alert Threshold" column anywhere, or a metric table under Monitoring & Validation / Key
  // Metrics; a "Decision Matrix" with a plain Threshold column elsewhere is not the checks.
  const underMonitoring = tablesUnderMonitoring(nodes);
  const table = nodes.find((node): node is Table => node.type === 'table' && hasAlertThreshold(node)) ?? nodes.find((node): node is Table => node.type === 'table' && underMonitoring.has(node) && isMetricsTable(node));
  const queries = findQueries(nodes);
  const rows = table ? tableRows(table) : [];
  const checks = pairChecks(rows, queries);
  return { checks, tableLine: table ? lineOf(table) : undefined, queriesLine: queries[0]?.line };
}

function hasAlertThreshold(table: Table): boolean {
  const header = (table.children[0]?.children ?? []).map((cell) => textOf(cell).toLowerCase());
  return header.some((cell) => cell.startsWith('metric')) && header.some((cell) => /\balert\b.*\bthreshold\b|\balert\b/.test(cell));
}

/** Tables in a "Monitoring & Validation" or "Key Metrics" section. */
function tablesUnderMonitoring(nodes: RootContent[]): Set<RootContent> {
  const found = new Set<RootContent>();
  let depth = 0;
  for (const node of nodes) {
    if (node.type === 'heading') {
      if (depth > 0 && node.depth <= depth) depth = 0;
      if (depth === 0 && /monitoring|key metrics|validation/i.test(textOf(node))) depth = node.depth;
      continue;
    }
    if (depth > 0 && node.type === 'table') found.add(node);
  }
  return found;
}

function isMetricsTable(table: Table): boolean {
  const header = (table.children[0]?.children ?? []).map((cell) => textOf(cell).toLowerCase());
  return header.some((cell) => cell.startsWith('metric')) && header.some((cell) => cell.includes('threshold') || cell.includes('alert'));
}

interface Row {
  metric: string;
  baseline?: string;
  target?: string;
  threshold?: string;
  line: number;
}

function tableRows(table: Table): Row[] {
  const [header, ...body] = table.children;
  const names = (header?.children ?? []).map((cell) => textOf(cell).toLowerCase());
  const column = (predicate: (name: string) => boolean) => names.findIndex(predicate);
  const metric = column((name) => name.startsWith('metric'));
  const baseline = column((name) => name.startsWith('baseline'));
  const target = column((name) => name.startsWith('target'));
  const threshold = column((name) => name.includes('threshold') || name.includes('alert'));
  const cell = (row: (typeof body)[number], index: number) => (index === -1 ? undefined : textOf(row.children[index] ?? []) || undefined);
  return body
    .map((row) => ({
      metric: cell(row, metric) ?? '',
      baseline: cell(row, baseline),
      target: cell(row, target),
      threshold: cell(row, threshold),
      line: lineOf(row),
    }))
    .filter((row) => row.metric !== '');
}

/** PromQL blocks (`promql` fences, or any fence under a "Prometheus Queries" heading). */
function findQueries(nodes: RootContent[]): Query[] {
  const queries: Query[] = [];
  let underQueriesHeading = false;
  let headingDepth = 0;
  for (const node of nodes) {
    if (node.type === 'heading') {
      if (underQueriesHeading && node.depth <= headingDepth) underQueriesHeading = false;
      if (/prometheus quer|promql/i.test(textOf(node))) {
        underQueriesHeading = true;
        headingDepth = node.depth;
      }
      continue;
    }
    if (node.type !== 'code') continue;
    const lang = (node.lang ?? '').toLowerCase();
    if (lang === 'promql' || lang === 'prometheus' || (underQueriesHeading && lang === '')) queries.push(...splitQueries(node));
  }
  return queries;
}

/** One block may hold several queries, each titled by the `# comment` above it. */
function splitQueries(block: Code): Query[] {
  const queries: Query[] = [];
  const firstLine = lineOf(block) + 1;
  let title: string | undefined;
  let current: { lines: string[]; line: number } | undefined;
  const flush = () => {
    if (current) queries.push({ title, query: current.lines.join('\n'), line: current.line });
    current = undefined;
    title = undefined;
  };
  block.value.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#')) {
      flush();
      title = line.replace(/^#+\s*/, '');
    } else if (line === '') {
      if (current) flush();
    } else {
      current ??= { lines: [], line: firstLine + index };
      current.lines.push(line);
    }
  });
  flush();
  return queries;
}

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 0),
  );
}

function overlap(a: Set<string>, b: Set<string>): number {
  let count = 0;
  for (const word of a) if (b.has(word)) count += 1;
  return count;
}

/**
 * Pairs each table row with a query: first by the words a query's `# title` shares with the
 * metric name (best matches first), then the rest by order. When titles do name metrics (some
 * matched), a titled query that matches no row is about another metric, so it is not paired
 * by order: checking it against the wrong threshold would be worse than not checking.
 */
function pairChecks(rows: Row[], queries: Query[]): MetricCheck[] {
  const assigned = new Map<number, number>(); // row index → query index
  const usedQueries = new Set<number>();
  const candidates: { row: number; query: number; score: number }[] = [];
  rows.forEach((row, rowIndex) => {
    const rowWords = words(row.metric);
    queries.forEach((query, queryIndex) => {
      if (!query.title) return;
      const score = overlap(rowWords, words(query.title));
      if (score > 0) candidates.push({ row: rowIndex, query: queryIndex, score });
    });
  });
  candidates.sort((a, b) => b.score - a.score || a.row - b.row || a.query - b.query);
  for (const { row, query } of candidates) {
    if (assigned.has(row) || usedQueries.has(query)) continue;
    assigned.set(row, query);
    usedQueries.add(query);
  }
  const titlesNameMetrics = usedQueries.size > 0;
  const leftover = queries.map((_, index) => index).filter((index) => !usedQueries.has(index));
  const byOrder = leftover.filter((index) => !(titlesNameMetrics && queries[index]!.title));
  rows.forEach((_, rowIndex) => {
    const next = byOrder[0];
    if (assigned.has(rowIndex) || next === undefined) return;
    byOrder.shift();
    assigned.set(rowIndex, next);
    usedQueries.add(next);
  });

  const checks: MetricCheck[] = rows.map((row, rowIndex) => {
    const query = assigned.has(rowIndex) ? queries[assigned.get(rowIndex)!] : undefined;
    return {
      metric: row.metric,
      fromTable: true,
      baseline: row.baseline,
      target: row.target,
      thresholdText: row.threshold,
      threshold: row.threshold ? parseThreshold(row.threshold) : undefined,
      query: query?.query,
      queryTitle: query?.title,
      line: row.line,
      queryLine: query?.line,
    };
  });
  // Queries no row claimed are still worth showing: they are checked for data but have no threshold.
  for (const index of leftover.filter((index) => !usedQueries.has(index))) {
    const query = queries[index]!;
    checks.push({ metric: query.title ?? query.query, fromTable: false, query: query.query, queryTitle: query.title, line: query.line, queryLine: query.line });
  }
  return checks;
}
