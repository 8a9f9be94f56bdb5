import { describe, expect, it } from 'vitest';
import { parseNote } from '../../src/note/parse-note.js';
import type { MetricCheck } from '../../src/note/types.js';
import { parseFixture, samplesDir } from '../helpers/notes.js';

/** metric → [threshold as written, query title, first query line] */
const pairs = (checks: MetricCheck[]) => checks.map((check) => [check.metric, check.thresholdText ?? null, check.queryTitle ?? null, check.query?.split('\n')[0] ?? null, check.fromTable]);

describe('Key Metrics table paired with Prometheus queries', () => {
  it.each([
    {
      fixture: '21_01a_dialog_context_repo.md',
      dir: samplesDir,
      why: 'by # title, whatever the order of the queries',
      expected: [
        ['Dialog context latency (p95)', '>150ms', 'Latency p95', 'histogram_quantile(0.95, rate(dialog_context_repository_latency_seconds_bucket[5m]))', true],
        ['Error rate', '>1.0%', 'Error rate', 'sum(rate(dialog_context_repository_operations_total{status="error"}[5m])) / sum(rate(dialog_context_repository_operations_total[5m]))', true],
      ],
    },
    {
      fixture: '21_01b_metrics_exporter.md',
      dir: samplesDir,
      why: 'by # title with extra words',
      expected: [
        ['Scrape success (butler, scheduler)', '<100%', 'Scrape success', 'avg(up{job=~"butler|scheduler"})', true],
        ['Scrape duration (p95)', '>200ms', 'Scrape duration p95', 'quantile(0.95, scrape_duration_seconds{job=~"butler|scheduler"})', true],
      ],
    },
    {
      fixture: 'metrics-by-order.md',
      dir: undefined,
      why: 'by order when the titles name no metric, across promql and unlabelled blocks',
      expected: [
        ['Queue lag', '>30s', 'First query', 'max(queue_lag_seconds)', true],
        ['Cache hit ratio', '<90%', 'Second query', 'sum(rate(cache_hits_total[5m])) / sum(rate(cache_requests_total[5m]))', true],
        ['Job duration (p99)', '>= 5 s', null, 'histogram_quantile(0.99, rate(job_duration_seconds_bucket[5m]))', true],
        ['Worker restarts', '>3', null, 'sum(increase(worker_restarts_total[15m]))', true],
      ],
    },
    {
      fixture: 'metrics-by-title.md',
      dir: undefined,
      why: 'a titled query about another metric is not paired by order; it is kept without a threshold',
      expected: [
        ['Dialog context latency (p95)', '>150ms', 'Latency p95', 'histogram_quantile(0.95, rate(dialog_context_repository_latency_seconds_bucket[5m]))', true],
        ['Error rate', '>1.0%', 'Error rate', 'rate(dialog_context_repository_operations_total{status="error"}[5m])', true],
        ['Availability', '<100%', 'Availability', 'avg(up{job="butler"})', true],
        ['Throughput', 'about half', null, null, true],
        ['Memory (not in the table)', null, 'Memory (not in the table)', 'process_resident_memory_bytes{job="butler"}', false],
      ],
    },
  ])('$fixture: $why', ({ fixture, dir, expected }) => {
    expect(pairs(parseFixture(fixture, dir).monitoring.checks)).toEqual(expected);
  });

  it('parses each Alert Threshold into operator, value and unit', () => {
    const thresholds = parseFixture('metrics-by-order.md').monitoring.checks.map((check) => check.threshold);
    expect(thresholds).toEqual([
      { op: '>', value: 30, unit: 's', baseValue: 30 },
      { op: '<', value: 90, unit: '%', baseValue: 0.9 },
      { op: '>=', value: 5, unit: 's', baseValue: 5 },
      { op: '>', value: 3, unit: '', baseValue: 3 },
    ]);
    expect(parseFixture('metrics-by-title.md').monitoring.checks[3]!.threshold).toBeUndefined();
  });

  it('keeps the lines of the row and of the query', () => {
    const [latency] = parseFixture('21_01a_dialog_context_repo.md', samplesDir).monitoring.checks;
    expect(latency).toMatchObject({ line: 112, queryLine: 122, baseline: '80ms', target: '<100ms' });
  });

  it('reads the table by its header names, in any column order, and ignores other tables', () => {
    const note = parseNote(
      [
        '| Date | Milestone |',
        '|---|---|',
        '| 2025-01-01 | x |',
        '',
        '| Alert Threshold | Metric | Target |',
        '|---|---|---|',
        '| >2s | Queue lag | <1s |',
        '',
        '## Prometheus Queries',
        '',
        '```',
        'max(queue_lag_seconds)',
        '```',
      ].join('\n'),
      'n.md',
    );
    expect(note.monitoring.tableLine).toBe(5);
    expect(pairs(note.monitoring.checks)).toEqual([['Queue lag', '>2s', null, 'max(queue_lag_seconds)', true]]);
  });

  it("does not take the rollback steps' blocks for queries", () => {
    const note = parseFixture('python-block-manual.md');
    expect(note.monitoring.checks).toEqual([]);
  });
});
