import { describe, expect, it } from 'vitest';
import type { RunEvent, StepFinished, StepResult } from '../../src/journal/events.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { CheckOutcome, TargetOutcome, VerificationReport } from '../../src/prometheus/verify-recovery.js';
import { buildRehearsalReport, formatRehearsalMarkdown } from '../../src/report/rehearsal-report.js';
import { parseFixture, samplesDir } from '../helpers/notes.js';

const plan = buildPlan(parseFixture('21_01a_dialog_context_repo.md', samplesDir));
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const STEPS = [
  { number: 1, title: 'Disable feature flag', kind: 'shell' as const },
  { number: 2, title: 'Validate rollback', kind: 'shell' as const },
  { number: 3, title: 'Communicate', kind: 'manual' as const },
];

function runStarted(environment: string | null = 'staging'): RunEvent {
  return {
    type: 'run-started',
    at: at(0),
    runId: 'RUN',
    stage: '21_01a',
    note: 'runbooks/21_01a.md',
    notePath: '/x/runbooks/21_01a.md',
    sectionHash: 'h',
    path: { number: 1, title: 'If Issues Found Within 1 Hour of Deployment' },
    operator: 'ops',
    host: 'box',
    pid: 1,
    cwd: '/x',
    environment,
    parameters: {},
    steps: STEPS,
    flags: [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', rollbackValue: 'false', envFile: '~/work/infra/.env.infra', step: 1 }],
    unattended: true,
  };
}

/** Events of one step: decided, started (shell steps), finished. */
function step(number: number, result: StepResult, options: { start: number; durationMs?: number; exitCode?: number | null; decision?: string; flags?: StepFinished['flags'] }): RunEvent[] {
  const { kind, title } = STEPS[number - 1]!;
  const decision = (options.decision ?? (kind === 'manual' ? 'needs-person' : 'run')) as never;
  const commands = kind === 'manual' ? 'Post to #ops-shared\nUpdate incident log\nSchedule post-mortem' : 'make day-12-restart-butler';
  const durationMs = options.durationMs ?? 0;
  return [
    { type: 'step-decision', at: at(options.start), step: number, decision },
    ...(result === 'not-selected' || result === 'skipped' ? [] : [{ type: 'step-started' as const, at: at(options.start), step: number, title, kind, commands, attempt: 1 }]),
    {
      type: 'step-finished',
      at: at(options.start + durationMs / 1000),
      step: number,
      title,
      result,
      exitCode: options.exitCode === undefined ? (kind === 'shell' && result === 'done' ? 0 : null) : options.exitCode,
      durationMs,
      outputTail: [],
      flags: options.flags ?? [],
      message: null,
    },
  ];
}

const FLIPPED = [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', envFile: '~/work/infra/.env.infra', before: 'true', after: 'false', expected: 'false', ok: true }];
const finished = (result: 'succeeded' | 'failed' | 'not-recovered' | 'interrupted', seconds: number, exitCode: number, message: string | null = null): RunEvent => ({
  type: 'run-finished',
  at: at(seconds),
  result,
  exitCode,
  message,
});

function target(overrides: Partial<TargetOutcome> = {}): TargetOutcome {
  return { name: 'butler (127.0.0.1:8001)', job: 'butler', instance: '127.0.0.1:8001', scrapeUrl: 'http://127.0.0.1:8001/metrics', labels: {}, status: 'up', health: 'up', lastError: '', goodScrapes: 2, ...overrides };
}

function check(overrides: Partial<CheckOutcome> = {}): CheckOutcome {
  return {
    metric: 'Error rate',
    query: 'rate(errors[5m])',
    threshold: '>1.0%',
    baseThreshold: '>0.01',
    result: 'pass',
    reason: '0.002 (0.2%) is not >1%',
    series: [],
    value: '0.002 (0.2%)',
    attempts: 3,
    line: 70,
    ...overrides,
  };
}

/** A verification that started when the last step finished (second 4). */
function verification(overrides: Partial<VerificationReport> = {}): VerificationReport {
  return {
    verdict: 'verified',
    reason: '1/1 targets up, 2 good scrapes in a row; 1 check under threshold',
    prometheusUrl: 'http://prom:9090',
    since: at(4),
    startedAt: at(4),
    finishedAt: at(30),
    selector: { jobs: ['butler'], targetLabels: [] },
    stable: 2,
    window: 'since-rollback',
    targetsChecked: true,
    recoveryTimeoutMs: 300_000,
    noData: 'inconclusive',
    targets: [target({ timeToRecoveryMs: 1500 })],
    knownJobs: ['butler'],
    checks: [check()],
    timeToRecoveryMs: 20_000,
    measurements: [],
    requests: 12,
    ...overrides,
  };
}

const build = (events: RunEvent[], verificationReport?: VerificationReport, finishedAtSeconds = 31) =>
  buildRehearsalReport({ plan, runId: 'RUN', events, journal: '.runbook/runs/RUN.jsonl', verification: verificationReport, finishedAt: new Date(at(finishedAtSeconds)) });

const ALL_STEPS = [...step(1, 'done', { start: 1, durationMs: 2000, flags: FLIPPED }), ...step(2, 'done', { start: 3, durationMs: 1000 }), ...step(3, 'needs-person', { start: 4 })];

describe('buildRehearsalReport', () => {
  it('passes when every step ran and recovery was verified; time to recover runs from the end of the last step to recovery shown', () => {
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification());
    expect(report).toMatchObject({
      kind: 'rehearsal',
      stage: '21_01a',
      environment: 'staging',
      operator: 'ops',
      host: 'box',
      verdict: 'passed',
      // Last step ended at second 4 (since); recovery shown at since + 20 s = 24.
      timeToRecoverMs: 20_000,
      totalMs: 31_000,
      summary: 'USE_NEW_DIALOG_CONTEXT_REPO true → false; 2 steps ran; 1 target recovered; 1/1 metric checks under threshold',
    });
    expect(report.steps).toEqual([
      {
        number: 1,
        title: 'Disable feature flag',
        kind: 'shell',
        result: 'done',
        decision: 'run',
        durationMs: 2000,
        exitCode: 0,
        flags: [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', before: 'true', after: 'false', expected: 'false' }],
        needsPerson: [],
        startedAt: at(1),
        finishedAt: at(3),
        items: [],
        acknowledgedBy: null,
        message: null,
      },
      {
        number: 2,
        title: 'Validate rollback',
        kind: 'shell',
        result: 'done',
        decision: 'run',
        durationMs: 1000,
        exitCode: 0,
        flags: [],
        needsPerson: [],
        startedAt: at(3),
        finishedAt: at(4),
        items: [],
        acknowledgedBy: null,
        message: null,
      },
      {
        number: 3,
        title: 'Communicate',
        kind: 'manual',
        result: 'needs-person',
        decision: 'needs-person',
        durationMs: 0,
        exitCode: null,
        flags: [],
        needsPerson: ['Post to #ops-shared', 'Update incident log', 'Schedule post-mortem'],
        startedAt: at(4),
        finishedAt: at(4),
        items: ['Post to #ops-shared', 'Update incident log', 'Schedule post-mortem'],
        acknowledgedBy: null,
        message: null,
      },
    ]);
    expect(report).toMatchObject({ lastStepFinishedAt: at(4), recoveredAt: at(24), silence: null, notifications: [] });
    expect(report.verification).toEqual({
      verdict: 'verified',
      reason: '1/1 targets up, 2 good scrapes in a row; 1 check under threshold',
      prometheusUrl: 'http://prom:9090',
      targetsChecked: true,
      targets: [{ name: 'butler (127.0.0.1:8001)', health: 'up', lastError: '', seenDown: null, timeToRecoveryMs: 1500, downAt: null, upAt: null }],
      checks: [{ metric: 'Error rate', query: 'rate(errors[5m])', value: '0.002 (0.2%)', threshold: '>1.0%', result: 'pass', reason: '0.002 (0.2%) is not >1%', baseThreshold: '>0.01', points: [] }],
      since: at(4),
      finishedAt: at(30),
    });
  });

  it('measures to the end of the check when the report has no time to recovery', () => {
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification({ timeToRecoveryMs: undefined }));
    expect(report.timeToRecoverMs).toBe(26_000);
  });

  it('fails at a step, naming the step and its exit code; the steps after it were not reached', () => {
    const events = [runStarted(), ...step(1, 'failed', { start: 1, durationMs: 500, exitCode: 2 }), finished('failed', 2, 1, 'step 1 "Disable feature flag" failed (exit 2)')];
    const report = build(events, undefined, 2);
    expect(report).toMatchObject({ verdict: 'failed', summary: 'step 1 "Disable feature flag" failed (exit 2)', timeToRecoverMs: null, verification: null });
    expect(report.steps.map((entry) => [entry.number, entry.result, entry.exitCode])).toEqual([
      [1, 'failed', 2],
      [2, 'not reached', null],
      [3, 'not reached', null],
    ]);
  });

  it.each([
    ['timed out', 'timed-out' as const, null, 'step 2 "Validate rollback" timed-out'],
    ['interrupted', 'interrupted' as const, null, 'step 2 "Validate rollback" interrupted'],
  ])('fails at a step that %s', (_name, result, exitCode, summary) => {
    const events = [runStarted(), ...step(1, 'done', { start: 1 }), ...step(2, result, { start: 2, exitCode }), finished(result === 'interrupted' ? 'interrupted' : 'failed', 3, result === 'interrupted' ? 130 : 1)];
    expect(build(events, undefined, 3)).toMatchObject({ verdict: 'failed', summary });
  });

  it('fails at a check, naming it, its measured value and threshold', () => {
    const failedCheck = check({ result: 'fail', reason: '0.19 (19%) is >1%', value: '0.19 (19%)' });
    const reason = 'Error rate: 0.19 (19%) is >1%';
    const report = build(
      [runStarted(), ...ALL_STEPS, finished('not-recovered', 31, 3, `recovery not verified: ${reason}`)],
      verification({ verdict: 'failed', reason, checks: [failedCheck], timeToRecoveryMs: undefined }),
    );
    expect(report).toMatchObject({ verdict: 'failed', summary: `recovery failed: ${reason}`, timeToRecoverMs: null });
    expect(report.verification!.checks).toEqual([
      { metric: 'Error rate', query: 'rate(errors[5m])', value: '0.19 (19%)', threshold: '>1.0%', result: 'fail', reason: '0.19 (19%) is >1%', baseThreshold: '>0.01', points: [] },
    ]);
  });

  it('fails when recovery is inconclusive, saying why', () => {
    const reason = 'Error rate: no data (empty result)';
    const report = build(
      [runStarted(), ...ALL_STEPS, finished('not-recovered', 31, 3)],
      verification({ verdict: 'inconclusive', reason, checks: [check({ result: 'inconclusive', reason: 'no data (empty result)', value: undefined })] }),
    );
    expect(report).toMatchObject({ verdict: 'failed', summary: `recovery inconclusive: ${reason}`, timeToRecoverMs: null });
  });

  it('is not verified with --no-verify: the steps ran, recovery was not checked', () => {
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 5, 0, 'recovery not verified (--no-verify)')], undefined, 5);
    expect(report).toMatchObject({ verdict: 'not-verified', timeToRecoverMs: null, verification: null, summary: 'USE_NEW_DIALOG_CONTEXT_REPO true → false; 2 steps ran; recovery not verified (--no-verify)' });
  });

  it('says which shell steps were left out, so a partial rehearsal does not read as the whole procedure', () => {
    const events = [runStarted(), ...step(1, 'not-selected', { start: 1, decision: 'not-selected' }), ...step(2, 'done', { start: 1 }), ...step(3, 'needs-person', { start: 2 }), finished('succeeded', 31, 0)];
    expect(build(events, verification()).summary).toBe('1 step ran; not run: step 1 (not-selected); 1 target recovered; 1/1 metric checks under threshold');
  });

  it('names the first problem the check saw with each target: a restart shows as down, then up', () => {
    const measurements: VerificationReport['measurements'] = [
      { kind: 'targets', at: at(4), up: 0, total: 1, notUp: [{ name: 'butler (127.0.0.1:8001)', status: 'stale', health: 'up', lastError: '' }], notUpOmitted: 0 },
      {
        kind: 'targets',
        at: at(5),
        up: 0,
        total: 1,
        notUp: [{ name: 'butler (127.0.0.1:8001)', status: 'down', health: 'down', lastError: 'Get "http://127.0.0.1:8001/metrics": dial tcp 127.0.0.1:8001: connect: connection refused' }],
        notUpOmitted: 0,
      },
      { kind: 'targets', at: at(6), up: 1, total: 1, notUp: [], notUpOmitted: 0 },
    ];
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification({ measurements }));
    expect(report.verification!.targets[0]!.seenDown).toBe('down: connection refused');
    expect(formatRehearsalMarkdown(report)).toContain('| butler (127.0.0.1:8001) | down: connection refused, then up | up | - | 1.5s |\n');
  });

  it('says the targets were not checked with --no-targets', () => {
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification({ targetsChecked: false, targets: [], reason: 'targets not checked (--no-targets); 1 check under threshold' }));
    expect(report.summary).toBe('USE_NEW_DIALOG_CONTEXT_REPO true → false; 2 steps ran; targets not checked (--no-targets); 1/1 metric checks under threshold');
    expect(formatRehearsalMarkdown(report)).toContain('\nTargets: not checked (--no-targets): the metric checks below show recovery.\n\n| Metric |');
  });

  it('reads the same report back from the journal alone: verification, measurements, silence, notifications, who acknowledged', () => {
    const measurements: VerificationReport['measurements'] = [
      { kind: 'targets', at: at(5), up: 0, total: 1, notUp: [{ name: 'butler (127.0.0.1:8001)', status: 'down', health: 'down', lastError: 'connect: connection refused' }], notUpOmitted: 0 },
      {
        kind: 'check',
        at: at(6),
        metric: 'Error rate',
        query: 'rate(errors[5m])',
        result: 'fail',
        reason: '',
        series: [
          { labels: { a: '1' }, value: '0.2', result: 'fail' },
          { labels: { a: '2' }, value: '0.05', result: 'fail' },
        ],
        seriesOmitted: 0,
      },
      { kind: 'check', at: at(8), metric: 'Error rate', query: 'rate(errors[5m])', result: 'pass', reason: '', series: [], seriesOmitted: 0 },
    ];
    const events: RunEvent[] = [
      runStarted(),
      { type: 'silence', at: at(0), action: 'created', id: 'S1', alertmanagerUrl: 'http://am:9093', matchers: ['job="butler"'], endsAt: at(300), reason: null },
      ...step(1, 'done', { start: 1, durationMs: 2000, flags: FLIPPED }),
      ...step(2, 'done', { start: 3, durationMs: 1000 }),
      { type: 'run-resumed', at: at(4), pid: 2, operator: 'bob', host: 'box', fromStep: 3 },
      ...step(3, 'acknowledged', { start: 4, decision: 'acknowledged' }),
      ...measurements.map((measurement): RunEvent => ({ type: 'verification', at: measurement.at, phase: 'measurement', measurement })),
      {
        type: 'verification',
        at: at(30),
        phase: 'report',
        verdict: 'verified',
        summary: 'ok',
        prometheusUrl: 'http://prom:9090',
        since: at(4),
        startedAt: at(4),
        finishedAt: at(30),
        targetsChecked: true,
        timeToRecoveryMs: 20_000,
        targets: [{ name: 'butler (127.0.0.1:8001)', health: 'up', lastError: '', timeToRecoveryMs: 1500, recoveredAt: at(7) }],
        checks: [{ metric: 'Error rate', query: 'rate(errors[5m])', value: '0.002 (0.2%)', threshold: '>1.0%', baseThreshold: '<0.01', result: 'pass', reason: 'fine' }],
        requests: 3,
      },
      { type: 'silence', at: at(31), action: 'expired', id: 'S1', alertmanagerUrl: 'http://am:9093', matchers: ['job="butler"'], endsAt: at(31), reason: null },
      { type: 'notification', at: at(1), event: 'run-started', target: 'https://hooks.slack.com/***', ok: true, reason: null, attempts: 1 },
      finished('succeeded', 31, 0),
    ];
    const report = buildRehearsalReport({ runId: 'RUN', events, journal: 'j.jsonl', kind: 'run' });
    expect(report).toMatchObject({ kind: 'run', verdict: 'passed', note: 'runbooks/21_01a.md', title: '21_01a', finishedAt: at(31), timeToRecoverMs: 20_000 });
    expect(report.steps[2]).toMatchObject({ result: 'acknowledged', acknowledgedBy: 'bob', items: ['Post to #ops-shared', 'Update incident log', 'Schedule post-mortem'] });
    expect(report.verification).toMatchObject({
      targetsChecked: true,
      targets: [{ name: 'butler (127.0.0.1:8001)', seenDown: 'down: connect: connection refused', downAt: at(5), upAt: at(7) }],
      // The worst of the series under a "<" threshold is the highest; no data is null.
      checks: [
        {
          baseThreshold: '<0.01',
          points: [
            { at: at(6), value: 0.2 },
            { at: at(8), value: null },
          ],
        },
      ],
    });
    expect(report.silence).toEqual({
      alertmanagerUrl: 'http://am:9093',
      matchers: ['job="butler"'],
      ids: ['S1'],
      events: [
        { at: at(0), action: 'created', id: 'S1', endsAt: at(300), reason: null },
        { at: at(31), action: 'expired', id: 'S1', endsAt: at(31), reason: null },
      ],
    });
    expect(report.notifications).toEqual([{ at: at(1), event: 'run-started', target: 'https://hooks.slack.com/***', ok: true, reason: null }]);
    const markdown = formatRehearsalMarkdown(report);
    expect(markdown.split('\n')[0]).toBe('### 2026-03-02 Rollback of 21_01a (staging) — PASSED');
    expect(markdown).toContain('\n#### Alertmanager silence\n\n`job="butler"` at http://am:9093 (`S1`): expired 2026-03-02T10:00:31.000Z\n');
    expect(markdown).toContain('\n#### Notifications\n\n- 2026-03-02T10:00:01.000Z run-started → https://hooks.slack.com/***: delivered\n');
  });

  it('needs the run-started event', () => {
    expect(() => build([...ALL_STEPS], verification())).toThrow('a rehearsal report needs the run-started event');
  });
});

describe('formatRehearsalMarkdown', () => {
  it('writes a Communication Log entry: verdict, note, environment, steps, what needs a person, targets and checks', () => {
    const markdown = formatRehearsalMarkdown(build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification()));
    expect(markdown).toBe(`### 2026-03-02 Rollback rehearsal of 21_01a (staging) — PASSED

- **Verdict**: passed: USE_NEW_DIALOG_CONTEXT_REPO true → false; 2 steps ran; 1 target recovered; 1/1 metric checks under threshold
- **Note**: \`21_01a_dialog_context_repo.md\`, path 1: If Issues Found Within 1 Hour of Deployment
- **Environment**: staging
- **Operator**: ops on box · **Run**: \`RUN\`
- **Time to recover**: 20s (end of the last step to Prometheus showing recovery)
- **Total time**: 31s (2026-03-02T10:00:00.000Z → 2026-03-02T10:00:31.000Z)

#### Steps

| # | Step | Decision | Result | Duration | Exit | Flag before → after |
|---|------|----------|--------|----------|------|---------------------|
| 1 | Disable feature flag | run | done | 2s | 0 | USE_NEW_DIALOG_CONTEXT_REPO: true → false |
| 2 | Validate rollback | run | done | 1s | 0 |  |
| 3 | Communicate (manual) | needs-person | needs-person |  |  |  |

#### Needs a person

- Step 3 Communicate: Post to #ops-shared; Update incident log; Schedule post-mortem

#### Recovery (Prometheus http://prom:9090): verified

1/1 targets up, 2 good scrapes in a row; 1 check under threshold

| Target | Seen during the check | Health | Last error | Recovered after |
|--------|-----------------------|--------|------------|-----------------|
| butler (127.0.0.1:8001) | up | up | - | 1.5s |

| Metric | Query | Measured | Threshold | Result |
|--------|-------|----------|-----------|--------|
| Error rate | \`rate(errors[5m])\` | 0.002 (0.2%) | >1.0% | pass |

Journal: \`.runbook/runs/RUN.jsonl\`
`);
  });

  it('says FAILED, and not measured, for a failed rehearsal without verification; no environment without --env', () => {
    const report = build([runStarted(null), ...step(1, 'failed', { start: 1, exitCode: 2 }), finished('failed', 2, 1)], undefined, 2);
    const markdown = formatRehearsalMarkdown(report);
    expect(markdown.split('\n')[0]).toBe('### 2026-03-02 Rollback rehearsal of 21_01a — FAILED');
    expect(markdown).toContain('- **Verdict**: failed: step 1 "Disable feature flag" failed (exit 2)\n');
    expect(markdown).toContain('- **Environment**: none (no --env)\n');
    expect(markdown).toContain('- **Time to recover**: not measured (not verified)\n');
    expect(markdown).toContain('\n#### Recovery: not verified\n');
    expect(markdown).not.toContain('#### Needs a person');
  });

  it('keeps table cells whole: pipes escaped, line breaks flattened', () => {
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification({ checks: [check({ metric: 'Errors | total', query: 'sum(rate(a[5m]))\n/ sum(rate(b[5m]))' })] }));
    expect(formatRehearsalMarkdown(report)).toContain('| Errors \\| total | `sum(rate(a[5m])) / sum(rate(b[5m]))` | 0.002 (0.2%) | >1.0% | pass |\n');
  });

  it('hostile markdown: HTML in a metric or target name is shown, never rendered; a backtick in a query cannot close its code span', () => {
    const report = build([runStarted(), ...ALL_STEPS, finished('succeeded', 31, 0)], verification({ checks: [check({ metric: '</title><svg onload=alert(1)>', query: 'up{job=`x`} <img src=x onerror=alert(2)>' })] }));
    const markdown = formatRehearsalMarkdown(report);
    expect(markdown).toContain('| &lt;/title>&lt;svg onload=alert(1)> | `` up{job=`x`} <img src=x onerror=alert(2)> `` |');
    expect(markdown).not.toContain('<svg');
    expect(markdown).toContain('| >1.0% |');
  });
});
