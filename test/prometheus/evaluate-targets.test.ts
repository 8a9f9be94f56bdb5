import { describe, expect, it } from 'vitest';
import { describeSelector, describeTargetProblem, evaluateTargets, shortError, type TargetSelector } from '../../src/prometheus/evaluate-targets.js';
import type { ActiveTarget } from '../../src/prometheus/types.js';

const SINCE = Date.parse('2025-11-25T10:00:00Z');

function target(overrides: Partial<ActiveTarget> & { job?: string; instance?: string; extra?: Record<string, string> } = {}): ActiveTarget {
  const { job = 'butler', instance = '127.0.0.1:8001', extra = {}, ...rest } = overrides;
  return {
    labels: { job, instance, ...extra },
    scrapePool: job,
    scrapeUrl: `http://${instance}/metrics`,
    lastError: '',
    lastScrape: '2025-11-25T10:00:01.250123456Z',
    lastScrapeDuration: 0.004,
    health: 'up',
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
    ...rest,
  };
}

const none: TargetSelector = { jobs: [], labels: [] };

describe('evaluateTargets: the state of one target', () => {
  const refused = 'Get "http://127.0.0.1:8001/metrics": dial tcp 127.0.0.1:8001: connect: connection refused';
  it.each([
    ['healthy, scraped after since', {}, 'up'],
    ['healthy, scraped exactly at since', { lastScrape: '2025-11-25T10:00:00Z' }, 'stale'],
    ['healthy, scraped before since (a stale up)', { lastScrape: '2025-11-25T09:59:59.9Z' }, 'stale'],
    ['down with an error', { health: 'down' as const, lastError: refused }, 'down'],
    ['down, scraped before since', { health: 'down' as const, lastError: refused, lastScrape: '2025-11-25T09:59:00Z' }, 'down'],
    ['"up" but with a scrape error', { lastError: 'sample limit exceeded' }, 'down'],
    ['never scraped (Go zero time)', { health: 'unknown' as const, lastScrape: '0001-01-01T00:00:00Z' }, 'unknown'],
    ['unknown health', { health: 'unknown' as const }, 'unknown'],
    ['with a time zone offset, after since', { lastScrape: '2025-11-25T11:00:00.5+01:00' }, 'up'],
  ])('%s → %s', (_name, overrides, status) => {
    const [state] = evaluateTargets([target(overrides)], none, SINCE).targets;
    expect(state?.status).toBe(status);
  });

  it('keeps what the report needs: name, timings, error', () => {
    const [state] = evaluateTargets([target({ health: 'down', lastError: refused, lastScrapeDuration: 0.0015, scrapeInterval: '1m30s' })], none, new Date(SINCE)).targets;
    expect(state).toMatchObject({
      name: 'butler (127.0.0.1:8001)',
      job: 'butler',
      instance: '127.0.0.1:8001',
      lastError: refused,
      lastScrapeMs: Date.parse('2025-11-25T10:00:01.250Z'),
      lastScrapeDurationMs: 1.5,
      scrapeIntervalMs: 90_000,
    });
  });

  it('falls back to the scrape pool and URL when job and instance labels were relabelled away', () => {
    const [state] = evaluateTargets([{ ...target(), labels: {} }], none, SINCE).targets;
    expect(state?.name).toBe('butler (http://127.0.0.1:8001/metrics)');
  });
});

describe('evaluateTargets: selectors', () => {
  const targets = [
    target({ job: 'butler', instance: 'a:1', extra: { env: 'staging' } }),
    target({ job: 'butler', instance: 'b:1', extra: { env: 'production' } }),
    target({ job: 'scheduler', instance: 'c:1', extra: { env: 'staging' } }),
    target({ job: 'node', instance: 'd:1' }),
  ];
  const names = (selector: TargetSelector) => evaluateTargets(targets, selector, SINCE).targets.map((state) => state.instance);

  it.each([
    ['no selector: every active target', none, ['a:1', 'b:1', 'c:1', 'd:1']],
    ['--job butler', { jobs: ['butler'], labels: [] }, ['a:1', 'b:1']],
    ['--job butler --job scheduler (any of them)', { jobs: ['butler', 'scheduler'], labels: [] }, ['a:1', 'b:1', 'c:1']],
    ['--target-label env=staging', { jobs: [], labels: [['env', 'staging']] }, ['a:1', 'c:1']],
    ['--job butler --target-label env=staging (both)', { jobs: ['butler'], labels: [['env', 'staging']] }, ['a:1']],
    [
      'a repeated key matches any of its values',
      {
        jobs: [],
        labels: [
          ['env', 'staging'],
          ['env', 'production'],
        ],
      },
      ['a:1', 'b:1', 'c:1'],
    ],
    ['--target-label job=node is --job node', { jobs: [], labels: [['job', 'node']] }, ['d:1']],
    ['a label no target has', { jobs: [], labels: [['team', 'ops']] }, []],
    ['a job nobody runs', { jobs: ['butlr'], labels: [] }, []],
  ] as [string, TargetSelector, string[]][])('%s', (_name, selector, expected) => {
    expect(names(selector)).toEqual(expected);
  });

  it('counts up targets and lists every known job', () => {
    const result = evaluateTargets([...targets, target({ job: 'x', instance: 'e:1', health: 'down', lastError: 'boom' })], { jobs: [], labels: [] }, SINCE);
    expect(result).toMatchObject({ up: 4, activeTotal: 5, jobs: ['butler', 'node', 'scheduler', 'x'] });
  });

  it('describes selectors for messages', () => {
    expect(describeSelector({ jobs: ['butler', 'api'], labels: [['env', 'staging']] })).toBe('job=butler|api, env=staging');
  });
});

describe('shortError', () => {
  it.each([
    ['Get "http://127.0.0.1:8001/metrics": dial tcp 127.0.0.1:8001: connect: connection refused', 'connection refused'],
    ['Get "http://10.0.0.5:9100/metrics": context deadline exceeded', 'context deadline exceeded'],
    ['server returned HTTP status 500 Internal Server Error', 'server returned HTTP status 500 Internal Server Error'],
    ['Get "http://butler:8001/metrics": dial tcp: lookup butler on 127.0.0.53:53: no such host', 'lookup butler on 127.0.0.53:53: no such host'],
  ])('%s → %s', (input, expected) => {
    expect(shortError(input)).toBe(expected);
  });
});

describe('evaluateTargets: speed', () => {
  it('evaluates 10,000 targets well within the 150 ms budget', () => {
    const many = Array.from({ length: 10_000 }, (_, index) =>
      target({ job: `job-${index % 50}`, instance: `10.0.${Math.floor(index / 250)}.${index % 250}:9100`, lastScrape: new Date(SINCE + 1 + (index % 15_000)).toISOString() }),
    );
    evaluateTargets(many, { jobs: ['job-1'], labels: [] }, SINCE); // warm up
    const started = performance.now();
    const result = evaluateTargets(many, none, SINCE);
    const elapsed = performance.now() - started;
    expect(result.targets).toHaveLength(10_000);
    expect(result.up).toBe(10_000);
    expect(elapsed).toBeLessThan(150);
  });
});

describe('evaluateTargets: scrapes that are no evidence', () => {
  const NOW = Date.parse('2025-11-25T10:00:05Z');
  it.each([
    ['a last scrape in the future', { lastScrape: '2097-01-01T00:00:00Z' }, 'unknown', "its last scrape (2097-01-01T00:00:00Z) is in the future: is Prometheus' clock right?"],
    ['a last scrape 1.5 s ahead of this clock', { lastScrape: '2025-11-25T10:00:06.5Z' }, 'unknown', "its last scrape (2025-11-25T10:00:06.5Z) is in the future: is Prometheus' clock right?"],
    ['a last scrape 0.5 s ahead (clocks a little apart)', { lastScrape: '2025-11-25T10:00:05.5Z' }, 'up', 'up'],
    ['no scrape interval at all', { scrapeInterval: undefined }, 'unknown', 'Prometheus reports no scrape interval for it'],
    ['a scrape interval that is not a duration', { scrapeInterval: 'soon' }, 'unknown', 'Prometheus reports no scrape interval for it'],
    // VictoriaMetrics has no scrapeInterval field; its discovered labels carry it.
    ["VictoriaMetrics' __scrape_interval__ label", { scrapeInterval: undefined, discoveredLabels: { __scrape_interval__: '1s' } }, 'up', 'up'],
  ])('%s → %s', (_name, overrides, status, problem) => {
    const [state] = evaluateTargets([target(overrides)], none, SINCE, NOW).targets;
    expect(state?.status).toBe(status);
    expect(describeTargetProblem(state!)).toBe(problem);
  });
});
