import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/journal/events.js';
import { escapeHtml, formatRehearsalHtml } from '../../src/report/html-report.js';
import { buildRehearsalReport } from '../../src/report/rehearsal-report.js';
import { runStarted } from '../helpers/events.js';

const at = (seconds: number) => new Date(Date.parse('2026-11-25T03:00:00.000Z') + seconds * 1000).toISOString();

/** A run whose note, steps and output carry markup and quotes, as an untrusted note may. */
function hostileRun(): RunEvent[] {
  const started = runStarted({
    note: 'runbooks/<script>alert(1)</script>.md',
    steps: [
      { number: 1, title: 'Flip "the" <b>flag</b> & restart', kind: 'shell' },
      { number: 2, title: "Post to #ops & <img src=x onerror=alert('x')>", kind: 'manual' },
    ],
  });
  return [
    started,
    { type: 'step-started', at: at(1), step: 1, title: 'Flip', kind: 'shell', commands: 'make', attempt: 1 },
    {
      type: 'step-finished',
      at: at(3),
      step: 1,
      title: 'Flip',
      result: 'done',
      exitCode: 0,
      durationMs: 2000,
      outputTail: [],
      flags: [{ name: 'FLAG<x>', envFile: 'e', before: 'true', after: 'false', expected: 'false', ok: true }],
      message: null,
    },
    { type: 'step-decision', at: at(3), step: 2, decision: 'acknowledged' },
    { type: 'step-started', at: at(3), step: 2, title: 'Post', kind: 'manual', commands: 'Post to #ops-shared\n<script>alert(2)</script>', attempt: 1 },
    { type: 'step-finished', at: at(4), step: 2, title: 'Post', result: 'acknowledged', exitCode: null, durationMs: 0, outputTail: [], flags: [], message: null },
    {
      type: 'verification',
      at: at(5),
      phase: 'measurement',
      measurement: { kind: 'check', at: at(5), metric: 'Error <rate>', query: 'q', result: 'fail', reason: '', series: [{ labels: {}, value: '0.2', result: 'fail' }], seriesOmitted: 0 },
    },
    {
      type: 'verification',
      at: at(7),
      phase: 'measurement',
      measurement: { kind: 'check', at: at(7), metric: 'Error <rate>', query: 'q', result: 'pass', reason: '', series: [{ labels: {}, value: '0.001', result: 'pass' }], seriesOmitted: 0 },
    },
    {
      type: 'verification',
      at: at(8),
      phase: 'report',
      verdict: 'verified',
      summary: 'ok',
      prometheusUrl: 'http://prom:9090',
      since: at(4),
      startedAt: at(4),
      finishedAt: at(8),
      targetsChecked: false,
      timeToRecoveryMs: 3000,
      targets: [],
      checks: [{ metric: 'Error <rate>', query: 'rate(x{a="<b>"}[5m])', value: '0.001', threshold: '>1%', baseThreshold: '<0.01', result: 'pass', reason: 'fine' }],
      requests: 2,
    },
    { type: 'silence', at: at(0), action: 'created', id: 'S1', alertmanagerUrl: 'http://am:9093', matchers: ['alertname=~"<Butler>.*"'], endsAt: at(300), reason: null },
    { type: 'notification', at: at(1), event: 'run-started', target: 'https://hooks.slack.com/***', ok: false, reason: 'HTTP 500: <html>', attempts: 2 },
    { type: 'run-finished', at: at(9), result: 'succeeded', exitCode: 0, message: null },
  ];
}

describe('formatRehearsalHtml', () => {
  const html = formatRehearsalHtml(buildRehearsalReport({ runId: 'RUN', events: hostileRun(), journal: '.runbook/runs/RUN.jsonl' }));

  it('escapes every text that came from the note, the steps or a server', () => {
    expect(html).not.toMatch(/<script|<img|<b>|onerror=alert\('x'\)"/);
    expect(html).toContain('runbooks/&lt;script&gt;alert(1)&lt;/script&gt;.md');
    expect(html).toContain('Flip &quot;the&quot; &lt;b&gt;flag&lt;/b&gt; &amp; restart');
    expect(html).toContain('Post to #ops &amp; &lt;img src=x onerror=alert(&#39;x&#39;)&gt;');
    expect(html).toContain('<li>&lt;script&gt;alert(2)&lt;/script&gt;</li>');
    expect(html).toContain('alertname=~&quot;&lt;Butler&gt;.*&quot;');
    expect(html).toContain('not delivered: HTTP 500: &lt;html&gt;');
  });

  it('is self-contained: no script, nothing fetched, a policy that forbids both', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<(script|link|iframe|object)\b/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('@media print');
  });

  it('draws the timeline, the check chart with its threshold, the manual item and who acknowledged it, the silence and notifications', () => {
    expect(html).toContain('<svg class="timeline"');
    expect(html.match(/<g class="row step /g)).toHaveLength(2);
    expect(html).toContain('<g class="row recovery done"><title>recovery check: verified</title>');
    expect(html).toContain('<g class="flag"><title>FLAG&lt;x&gt;: true → false</title>');
    expect(html).toContain('last step ended');
    expect(html).toContain('recovery verified');
    expect(html).toContain('Alertmanager silence');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('threshold &lt;0.01');
    // Two measured points: a line through both, one dot each.
    expect(html).toMatch(/<path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+" class="series"\/>/);
    expect(html).toContain('— acknowledged by alice');
    expect(html).toContain('<td>https://hooks.slack.com/***</td>');
  });

  it('draws a long check as a line of at most a few hundred points, keeping its spikes', () => {
    const many: RunEvent[] = Array.from({ length: 2000 }, (_, index) => ({
      type: 'verification',
      at: at(5 + index),
      phase: 'measurement',
      measurement: {
        kind: 'check',
        at: at(5 + index),
        metric: 'Error <rate>',
        query: 'q',
        result: 'pass',
        reason: '',
        series: [{ labels: {}, value: index === 1234 ? '0.9' : '0.001', result: 'pass' }],
        seriesOmitted: 0,
      },
    }));
    const events = hostileRun().filter((event) => !(event.type === 'verification' && event.phase === 'measurement'));
    events.splice(6, 0, ...many);
    const page = formatRehearsalHtml(buildRehearsalReport({ runId: 'RUN', events, journal: 'j' }));
    const path = /<path d="([^"]+)" class="series"\/>/.exec(page)![1]!;
    const points = path
      .split(/[ML]/)
      .filter(Boolean)
      .map((point) => Number(point.trim().split(' ')[1]));
    expect(points.length).toBeLessThanOrEqual(310);
    expect(points.length).toBeGreaterThan(100);
    // The spike is near the top of the chart (the scale leaves 10% above the highest value), the rest at the bottom.
    expect(Math.min(...points)).toBeLessThan(20);
    expect(points.filter((y) => y > 85)).toHaveLength(points.length - 1);
    expect(page).not.toContain('<circle');
  });

  it('says so when a check has no measured values', () => {
    const events = hostileRun().filter((event) => !(event.type === 'verification' && event.phase === 'measurement'));
    expect(formatRehearsalHtml(buildRehearsalReport({ runId: 'RUN', events, journal: 'j' }))).toContain('<p class="nodata">no measured values recorded</p>');
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<a href="x">&\'</a>', '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;'],
    ['bell\u0007 and escape\u001b[31m', 'bell and escape[31m'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
  ])('%j', (text, expected) => {
    expect(escapeHtml(text)).toBe(expected);
  });
});
