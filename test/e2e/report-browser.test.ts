/**
 * The HTML report in a real browser: `runbook report --format html` of a journal recorded
 * from a real `runbook demo` run (test/fixtures/journals/), and of a run whose note and steps
 * hold markup, rendered by headless Chromium.
 */

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/journal/read-journal.js';
import type { RunEvent, RunStarted } from '../../src/journal/events.js';
import { pngColours, renderDom, screenshot, type Rendered } from '../helpers/chromium.js';
import { fixturesDir, runCli } from '../helpers/run-cli.js';

const DEMO_RUN = '20261201T234215Z-21_01a-1594';
const dir = mkdtempSync(join(tmpdir(), 'runbook-report-browser-'));
const runsDir = join(dir, 'runs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const demoEvents = parseJournal(readFileSync(join(fixturesDir, 'journals', `${DEMO_RUN}.jsonl`), 'utf8'), DEMO_RUN).events;
const started = demoEvents[0] as RunStarted;

/** The demo's run with markup and quotes in the note, the step titles and a manual item. */
function hostileJournal(): string {
  const events: RunEvent[] = demoEvents.map((event) => {
    if (event.type === 'run-started')
      return { ...event, runId: HOSTILE_RUN, note: 'runbooks/<script>document.title="pwned"</script>.md', steps: event.steps.map((step) => ({ ...step, title: `${step.title} <img src=x onerror=alert(1)> & "quotes"` })) };
    if (event.type === 'step-started' && event.kind === 'manual') return { ...event, commands: `${event.commands}\n<script>alert(2)</script>` };
    return event;
  });
  return `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
}
const HOSTILE_RUN = DEMO_RUN.replace('1594', 'bad0');

let demo: Rendered;
let hostile: Rendered;
let png: Buffer;
let darkPng: Buffer;
beforeAll(async () => {
  mkdirSync(runsDir, { recursive: true });
  copyFileSync(join(fixturesDir, 'journals', `${DEMO_RUN}.jsonl`), join(runsDir, `${DEMO_RUN}.jsonl`));
  writeFileSync(join(runsDir, `${HOSTILE_RUN}.jsonl`), hostileJournal());
  for (const run of [DEMO_RUN, HOSTILE_RUN]) {
    const result = await runCli(['report', run, '--format', 'html', '--out', join(dir, `${run}.html`), '--journal-dir', runsDir], { cwd: dir });
    expect([result.exitCode, result.stderr, result.stdout]).toEqual([0, '', `Report of run ${run}: ${run}.html\n`]);
  }
  const page = join(dir, `${DEMO_RUN}.html`);
  [demo, hostile, png, darkPng] = await Promise.all([renderDom(page), renderDom(join(dir, `${HOSTILE_RUN}.html`)), screenshot(page, join(dir, 'shot.png')), screenshot(page, join(dir, 'dark.png'), { dark: true })]);
}, 120_000);

describe('the HTML report in headless Chromium', () => {
  it('renders every step title and every metric check, with the timeline and one chart per check', () => {
    for (const step of started.steps) expect(demo.dom).toContain(`${step.number}. ${step.title}`);
    const report = demoEvents.findLast((event) => event.type === 'verification' && event.phase === 'report') as unknown as { checks: { metric: string }[] };
    expect(report.checks.length).toBeGreaterThan(0);
    for (const check of report.checks) expect(demo.dom).toContain(`<strong>${check.metric.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</strong>`);
    expect(demo.dom).toContain('<svg class="timeline"');
    expect(demo.dom.match(/<svg class="chart"/g)).toHaveLength(report.checks.length);
    expect(demo.dom).toContain('recovery verified');
  });

  it('logs nothing to the console: no error, no load blocked (it fetches nothing)', () => {
    expect(demo.console).toEqual([]);
    expect(hostile.console).toEqual([]);
  });

  it('draws a page, not a blank one; light by default, dark in dark mode', () => {
    const image = pngColours(png);
    expect([image.width, image.height]).toEqual([1000, 900]);
    expect(image.colours).toBeGreaterThan(20);
    const dark = pngColours(darkPng);
    expect(dark.colours).toBeGreaterThan(20);
    const luminance = ([r, g, b]: [number, number, number]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    expect(luminance(image.corner)).toBeGreaterThan(200);
    expect(luminance(dark.corner)).toBeLessThan(60);
  });

  it('shows markup in a note and its steps as text: nothing of it runs or becomes an element', () => {
    expect(hostile.dom).toContain('runbooks/&lt;script&gt;document.title="pwned"&lt;/script&gt;.md');
    expect(hostile.dom).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; "quotes"');
    expect(hostile.dom).toContain('<li>&lt;script&gt;alert(2)&lt;/script&gt;</li>');
    expect(hostile.dom).not.toMatch(/<(script|img)\b/i);
    expect(hostile.dom).not.toContain('<title>pwned</title>');
  });
});
