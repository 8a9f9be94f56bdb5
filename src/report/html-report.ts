/**
 * The rehearsal report as one self-contained HTML page: inline CSS and SVG, no script, no
 * network (a Content-Security-Policy forbids both), so it works offline and as a CI
 * artifact. A header, a timeline of the run, the metric checks as small charts against
 * their threshold, the manual items, the silence and the notifications. Readable printed
 * and in dark mode. Every text comes from a note, a server or a person: all of it is escaped.
 * Pure: the page is built from the report alone.
 */

import { formatMs } from '../prometheus/duration.js';
import type { RehearsalReport } from './rehearsal-report.js';

type Step = RehearsalReport['steps'][number];
type Check = NonNullable<RehearsalReport['verification']>['checks'][number];

const VERDICT_TEXT = { passed: 'PASSED', failed: 'FAILED', 'not-verified': 'NOT VERIFIED' } as const;

export function formatRehearsalHtml(report: RehearsalReport): string {
  const verdict = VERDICT_TEXT[report.verdict];
  const what = `${report.kind === 'rehearsal' ? 'Rollback rehearsal' : 'Rollback'} of ${report.stage ?? report.note}`;
  const title = `${what}${report.environment ? ` (${report.environment})` : ''} — ${verdict}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(what)} <span class="verdict ${report.verdict}">${verdict}</span></h1>
<p class="summary">${escapeHtml(report.summary)}</p>
<dl class="facts">
${fact('Stage', report.stage ?? '(none)')}${fact('Note', `${report.note} — path ${report.path.number}: ${report.path.title}`)}${fact('Environment', report.environment ?? 'none (no --env)')}${fact('Operator', `${report.operator} on ${report.host}`)}${fact('Result', resultText(report))}${fact('Time to recover', report.timeToRecoverMs === null ? 'not measured (not verified)' : `${formatMs(report.timeToRecoverMs)} (end of the last step to Prometheus showing recovery)`)}${fact('Total time', `${formatMs(report.totalMs)} (${report.startedAt} → ${report.finishedAt})`)}${fact('Run', report.runId)}
</dl>
</header>
<section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
${timeline(report)}
</section>
<section aria-labelledby="steps"><h2 id="steps">Steps</h2>
${stepsTable(report.steps)}
${manualItems(report.steps)}
</section>
<section aria-labelledby="recovery"><h2 id="recovery">Recovery</h2>
${recovery(report)}
</section>
${aroundTheRun(report)}
<footer>Journal: <code>${escapeHtml(report.journal)}</code> · report schema ${report.schemaVersion}</footer>
</main>
</body>
</html>
`;
}

/** Text for HTML and SVG: the five special characters, and control characters (invalid in XML) dropped. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function fact(name: string, value: string): string {
  return `<div><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>\n`;
}

function resultText(report: RehearsalReport): string {
  const done = report.steps.filter((step) => step.result === 'done' || step.result === 'acknowledged').length;
  return `${report.verdict === 'passed' ? 'passed' : report.verdict === 'failed' ? 'failed' : 'not verified'}: ${done} of ${report.steps.length} steps done${report.verification ? `, recovery ${report.verification.verdict}` : ', recovery not checked'}`;
}

// ---------------------------------------------------------------------------------------------
// The timeline: one row per step, flag flips, the last step's end, each target, the silence.

const WIDTH = 960;
const LABEL = 300;
const ROW = 26;

function timeline(report: RehearsalReport): string {
  const t0 = Date.parse(report.startedAt);
  const moments = [report.finishedAt, report.recoveredAt, report.verification?.finishedAt, ...(report.silence?.events.map((event) => event.at) ?? [])].filter((at): at is string => !!at).map(Date.parse);
  const t1 = Math.max(t0 + 1000, ...moments);
  const x = (at: string | number) => LABEL + (((typeof at === 'string' ? Date.parse(at) : at) - t0) / (t1 - t0)) * (WIDTH - LABEL - 20);
  const rows: string[] = [];
  const markers: string[] = [];
  let y = 30;
  const label = (text: string, extra = '') => `<text x="8" y="${y + 17}" class="label"${extra}>${escapeHtml(truncate(text, 44))}</text>`;

  for (const step of report.steps) {
    const outcome = step.kind === 'shell' ? `${step.result}, ${formatMs(step.durationMs)}` : step.result;
    rows.push(`<g class="row step ${cssClass(step.result)}"><title>${escapeHtml(`${step.number}. ${step.title}: ${outcome}`)}</title>${label(`${step.number}. ${step.title}`)}`);
    if (step.startedAt) {
      const start = x(step.startedAt);
      const end = Math.max(start + 3, x(step.finishedAt ?? step.startedAt));
      rows.push(`<rect x="${fixed(start)}" y="${y + 5}" width="${fixed(end - start)}" height="${ROW - 10}" rx="3" class="bar"/><text x="${fixed(end + 6)}" y="${y + 17}" class="note">${escapeHtml(outcome)}</text>`);
      for (const flag of step.flags) {
        const at = x(step.finishedAt ?? step.startedAt);
        markers.push(`<g class="flag"><title>${escapeHtml(`${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`)}</title><path d="M${fixed(at)} ${y + 1} l5 5 l-5 5 l-5 -5 z"/></g>`);
      }
    } else {
      rows.push(`<text x="${LABEL}" y="${y + 17}" class="note">${escapeHtml(step.result)}</text>`);
    }
    rows.push('</g>');
    y += ROW;
  }
  for (const target of report.verification?.targets ?? []) {
    rows.push(`<g class="row target"><title>${escapeHtml(`${target.name}: ${target.seenDown ?? 'up throughout the check'}`)}</title>${label(`target ${target.name}`)}`);
    if (target.downAt) {
      const down = x(target.downAt);
      const up = target.upAt ? x(target.upAt) : x(report.verification!.finishedAt);
      rows.push(`<rect x="${fixed(down)}" y="${y + 8}" width="${fixed(Math.max(3, up - down))}" height="${ROW - 16}" class="down"/><text x="${fixed(down)}" y="${y + 4}" class="tiny">down</text>`);
    }
    if (target.upAt) rows.push(`<circle cx="${fixed(x(target.upAt))}" cy="${y + ROW / 2}" r="5" class="up"/><text x="${fixed(x(target.upAt) + 8)}" y="${y + 17}" class="note">up</text>`);
    else if (!target.downAt) rows.push(`<text x="${LABEL}" y="${y + 17}" class="note">${escapeHtml(target.health)}</text>`);
    rows.push('</g>');
    y += ROW;
  }
  const verification = report.verification;
  if (verification) {
    const kind = verification.verdict === 'verified' ? 'done' : 'failed';
    const start = x(verification.since);
    rows.push(
      `<g class="row recovery ${kind}"><title>${escapeHtml(`recovery check: ${verification.verdict}`)}</title>${label('recovery check')}<rect x="${fixed(start)}" y="${y + 5}" width="${fixed(Math.max(3, x(verification.finishedAt) - start))}" height="${ROW - 10}" rx="3" class="bar"/></g>`,
    );
    y += ROW;
  }
  const silence = report.silence;
  const silenceStart = silence?.events.find((event) => event.action === 'created' || event.action === 'taken-over');
  if (silence && silenceStart) {
    const end = silence.events.findLast((event) => event.action === 'expired' || event.action === 'lapsing' || event.action === 'not-expired');
    const until = end?.endsAt ?? end?.at ?? report.finishedAt;
    rows.push(
      `<g class="row silence"><title>${escapeHtml(`silence ${silence.matchers.join(', ')}`)}</title>${label('Alertmanager silence')}<rect x="${fixed(x(silenceStart.at))}" y="${y + 8}" width="${fixed(Math.max(3, x(until) - x(silenceStart.at)))}" height="${ROW - 16}" class="silenced"/></g>`,
    );
    y += ROW;
  }

  const lines: string[] = [];
  if (report.lastStepFinishedAt) lines.push(vertical(x(report.lastStepFinishedAt), y, 'last step ended', 'ended'));
  if (report.recoveredAt) lines.push(vertical(x(report.recoveredAt), y, 'recovery verified', 'verified'));
  const height = y + 30;
  const axis = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const at = t0 + fraction * (t1 - t0);
    return `<text x="${fixed(x(at))}" y="${height - 8}" class="tick"${fraction === 1 ? ' text-anchor="end"' : ''}>+${escapeHtml(formatMs(at - t0))}</text>`;
  });
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of the run" xmlns="http://www.w3.org/2000/svg">
<line x1="${LABEL}" y1="22" x2="${LABEL}" y2="${y}" class="axis"/>
${rows.join('')}
${markers.join('')}
${lines.join('')}
${axis.join('')}
</svg>
<p class="legend"><span class="key done"></span>done <span class="key failed"></span>failed <span class="key skipped"></span>skipped / needs a person <span class="key flag"></span>flag flipped <span class="key down"></span>target down <span class="key silenced"></span>silence</p>`;
}

function vertical(at: number, bottom: number, text: string, kind: string): string {
  // Near the right edge the label goes to the left of its line.
  const label = at > WIDTH - 160 ? `<text x="${fixed(at - 4)}" y="14" text-anchor="end">` : `<text x="${fixed(at + 4)}" y="14">`;
  return `<g class="moment ${kind}"><line x1="${fixed(at)}" y1="16" x2="${fixed(at)}" y2="${bottom}"/>${label}${escapeHtml(text)}</text></g>`;
}

// ---------------------------------------------------------------------------------------------
// Tables

function stepsTable(steps: Step[]): string {
  const rows = steps.map((step) => {
    const flags = step.flags.map((flag) => `${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`).join('; ');
    return `<tr class="${cssClass(step.result)}"><td>${step.number}</td><td>${escapeHtml(step.title)}${step.kind === 'manual' ? ' <small>(manual)</small>' : ''}</td><td>${escapeHtml(step.decision ?? '')}</td><td class="result">${escapeHtml(step.result)}</td><td>${step.kind === 'shell' ? escapeHtml(formatMs(step.durationMs)) : ''}</td><td>${step.exitCode ?? ''}</td><td>${escapeHtml(flags)}</td></tr>`;
  });
  return `<table><thead><tr><th>#</th><th>Step</th><th>Decision</th><th>Result</th><th>Duration</th><th>Exit</th><th>Flag before → after</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function manualItems(steps: Step[]): string {
  const manual = steps.filter((step) => step.kind === 'manual');
  if (manual.length === 0) return '';
  const entries = manual.map((step) => {
    const who = step.acknowledgedBy ? `acknowledged by ${step.acknowledgedBy}` : step.result === 'needs-person' ? 'needs a person (not acknowledged: the run was unattended)' : step.result;
    return `<li><strong>Step ${step.number}. ${escapeHtml(step.title)}</strong> — ${escapeHtml(who)}<ul>${step.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul></li>`;
  });
  return `<h3>Manual items</h3><ul class="manual">${entries.join('')}</ul>`;
}

function recovery(report: RehearsalReport): string {
  const verification = report.verification;
  if (!verification) return '<p>Not verified: the recovery check did not run.</p>';
  const parts = [
    `<p><span class="verdict ${verification.verdict === 'verified' ? 'passed' : 'failed'}">${escapeHtml(verification.verdict)}</span> ${escapeHtml(verification.reason)} <small>(Prometheus ${escapeHtml(verification.prometheusUrl)})</small></p>`,
  ];
  if (!verification.targetsChecked) parts.push('<p>Targets: not checked (--no-targets): the metric checks show recovery.</p>');
  else if (verification.targets.length > 0) {
    const rows = verification.targets.map(
      (target) =>
        `<tr><td>${escapeHtml(target.name)}</td><td>${escapeHtml(target.seenDown ? (target.health === 'up' ? `${target.seenDown}, then up` : target.seenDown) : target.health)}</td><td>${escapeHtml(target.health)}</td><td>${escapeHtml(target.lastError || '-')}</td><td>${target.timeToRecoveryMs === null ? '-' : escapeHtml(formatMs(target.timeToRecoveryMs))}</td></tr>`,
    );
    parts.push(`<table><thead><tr><th>Target</th><th>Seen during the check</th><th>Health</th><th>Last error</th><th>Recovered after</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  if (verification.checks.length > 0) parts.push(`<div class="checks">${verification.checks.map(checkCard).join('\n')}</div>`);
  return parts.join('\n');
}

/** One metric check: its verdict, and its measured values over the check against the threshold line. */
function checkCard(check: Check): string {
  return `<figure class="check ${cssClass(check.result)}"><figcaption><strong>${escapeHtml(check.metric)}</strong> <span class="result">${escapeHtml(check.result)}</span><br>measured ${escapeHtml(check.value ?? '-')} · threshold ${escapeHtml(check.threshold ?? '-')}${check.baseThreshold && check.baseThreshold !== check.threshold ? ` (${escapeHtml(check.baseThreshold)})` : ''}</figcaption>
${checkChart(check)}
${check.query ? `<code class="query">${escapeHtml(check.query)}</code>` : ''}${check.sentQuery ? `<p class="sent">sent with its ranges since the last step:</p><code class="query">${escapeHtml(check.sentQuery)}</code>` : ''}<p class="reason">${escapeHtml(check.reason)}</p></figure>`;
}

function checkChart(check: Check): string {
  const points = check.points.filter((point): point is { at: string; value: number } => point.value !== null);
  const threshold = check.baseThreshold ? Number(/-?[\d.]+(?:e[+-]?\d+)?/i.exec(check.baseThreshold)?.[0]) : Number.NaN;
  if (points.length === 0) return `<p class="nodata">no measured values recorded${check.points.length > 0 ? ` (${check.points.length} measurements without data)` : ''}</p>`;
  const w = 280;
  const h = 110;
  const pad = { left: 46, right: 8, top: 10, bottom: 18 };
  const values = [...points.map((point) => point.value), ...(Number.isFinite(threshold) ? [threshold] : [])];
  const low = Math.min(0, ...values);
  const high = Math.max(...values) === low ? low + 1 : Math.max(...values) * 1.1;
  const times = points.map((point) => Date.parse(point.at));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  const px = (at: number) => pad.left + ((at - first) / span) * (w - pad.left - pad.right);
  const py = (value: number) => h - pad.bottom - ((value - low) / (high - low)) * (h - pad.top - pad.bottom);
  const path = thin(points, 300)
    .map((point, index) => `${index === 0 ? 'M' : 'L'}${fixed(px(Date.parse(point.at)))} ${fixed(py(point.value))}`)
    .join(' ');
  // Dots for a few measurements; a long check is a line.
  const dots =
    points.length > 60
      ? ''
      : points.map((point) => `<circle cx="${fixed(px(Date.parse(point.at)))}" cy="${fixed(py(point.value))}" r="2.5"><title>${escapeHtml(`${point.at}: ${formatNumber(point.value)}`)}</title></circle>`).join('');
  const line = Number.isFinite(threshold)
    ? `<line x1="${pad.left}" x2="${w - pad.right}" y1="${fixed(py(threshold))}" y2="${fixed(py(threshold))}" class="threshold"/><text x="${pad.left + 4}" y="${fixed(py(threshold) - 3)}" class="tiny">threshold ${escapeHtml(check.baseThreshold!)}</text>`
    : '';
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(`${check.metric}: measured values against the threshold`)}" xmlns="http://www.w3.org/2000/svg">
<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${h - pad.bottom}" class="axis"/><line x1="${pad.left}" y1="${h - pad.bottom}" x2="${w - pad.right}" y2="${h - pad.bottom}" class="axis"/>
<text x="${pad.left - 4}" y="${fixed(py(high) + 8)}" class="tiny" text-anchor="end">${escapeHtml(formatNumber(high))}</text><text x="${pad.left - 4}" y="${h - pad.bottom}" class="tiny" text-anchor="end">${escapeHtml(formatNumber(low))}</text>
<text x="${pad.left}" y="${h - 4}" class="tiny">+0s</text><text x="${w - pad.right}" y="${h - 4}" class="tiny" text-anchor="end">+${escapeHtml(formatMs(span))}</text>
${line}<path d="${path}" class="series"/>${dots}
</svg>`;
}

function aroundTheRun(report: RehearsalReport): string {
  const parts: string[] = [];
  const silence = report.silence;
  if (silence) {
    const rows = silence.events.map(
      (event) =>
        `<tr><td>${escapeHtml(event.at)}</td><td>${escapeHtml(event.action)}</td><td><code>${escapeHtml(event.id ?? '-')}</code></td><td>${escapeHtml(event.endsAt ?? '')}</td><td>${escapeHtml(event.reason ?? '')}</td></tr>`,
    );
    parts.push(
      `<h3>Alertmanager silence</h3><p><code>${escapeHtml(silence.matchers.join(', '))}</code> at ${escapeHtml(silence.alertmanagerUrl)}</p><table><thead><tr><th>At</th><th>What</th><th>Silence</th><th>Ends</th><th>Why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  if (report.notifications.length > 0) {
    const rows = report.notifications.map(
      (sent) =>
        `<tr class="${sent.ok ? 'done' : 'failed'}"><td>${escapeHtml(sent.at)}</td><td>${escapeHtml(sent.event)}</td><td>${escapeHtml(sent.target)}</td><td class="result">${sent.ok ? 'delivered' : escapeHtml(`not delivered: ${sent.reason ?? ''}`)}</td></tr>`,
    );
    parts.push(`<h3>Notifications</h3><table><thead><tr><th>At</th><th>Event</th><th>Webhook</th><th>Result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }
  return parts.length === 0 ? '' : `<section aria-labelledby="around"><h2 id="around">Around the run</h2>\n${parts.join('\n')}\n</section>`;
}

/** At most about `limit` points for a line: in each run of points, the extremes, so no spike is lost. */
function thin(points: { at: string; value: number }[], limit: number): { at: string; value: number }[] {
  if (points.length <= limit) return points;
  const size = Math.ceil(points.length / (limit / 2));
  const kept: { at: string; value: number }[] = [];
  for (let start = 0; start < points.length; start += size) {
    const bucket = points.slice(start, start + size);
    const low = bucket.reduce((a, b) => (b.value < a.value ? b : a));
    const high = bucket.reduce((a, b) => (b.value > a.value ? b : a));
    kept.push(...(low === high ? [low] : Date.parse(low.at) <= Date.parse(high.at) ? [low, high] : [high, low]));
  }
  return kept;
}

function cssClass(result: string): string {
  if (result === 'done' || result === 'acknowledged' || result === 'pass') return 'done';
  if (['failed', 'timed-out', 'interrupted', 'fail', 'error'].includes(result)) return 'failed';
  return 'skipped';
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '0';
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 0.001) ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}

const STYLE = `
:root { --bg: #ffffff; --fg: #1d2330; --muted: #5b6475; --line: #d5d9e0; --panel: #f5f7fa; --ok: #1f8a4c; --bad: #c62f2f; --skip: #a0a6b1; --flag: #7b3fc4; --silence: #d08a00; --accent: #2458c5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --fg: #e6e9ef; --muted: #9aa3b2; --line: #343a45; --panel: #1d2129; --ok: #4cc47f; --bad: #ff6b6b; --skip: #6d7584; --flag: #b690ff; --silence: #f0b43c; --accent: #7aa2ff; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 6px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 15px; margin: 18px 0 8px; }
.summary { color: var(--muted); margin: 0 0 12px; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 4px; font-size: 13px; font-weight: 700; color: #fff; vertical-align: middle; }
.verdict.passed { background: var(--ok); } .verdict.failed { background: var(--bad); } .verdict.not-verified { background: var(--silence); }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 6px 18px; margin: 0; }
.facts div { background: var(--panel); padding: 6px 10px; border-radius: 4px; } dt { font-size: 12px; color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; } svg .tiny, svg .tick { font-size: 10px; fill: var(--muted); } svg .note { font-size: 11px; fill: var(--muted); }
.timeline { width: 100%; height: auto; background: var(--panel); border-radius: 6px; }
.axis { stroke: var(--line); }
.row.done .bar { fill: var(--ok); } .row.failed .bar { fill: var(--bad); } .row.skipped .bar { fill: var(--skip); } .recovery .bar { opacity: .55; }
.flag path { fill: var(--flag); } .down { fill: var(--bad); opacity: .75; } .up { fill: var(--ok); } .silenced { fill: var(--silence); opacity: .6; }
.moment line { stroke-width: 1.5; stroke-dasharray: 4 3; } .moment.ended line { stroke: var(--muted); } .moment.verified line { stroke: var(--ok); } .moment text { font-size: 11px; }
.legend { color: var(--muted); font-size: 12px; } .key { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; border-radius: 2px; vertical-align: middle; }
.key.done { background: var(--ok); } .key.failed { background: var(--bad); } .key.skipped { background: var(--skip); } .key.flag { background: var(--flag); } .key.down { background: var(--bad); opacity: .75; } .key.silenced { background: var(--silence); }
table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; } th { font-size: 12px; color: var(--muted); }
tr.done .result { color: var(--ok); } tr.failed .result { color: var(--bad); } tr.skipped .result { color: var(--muted); }
.manual li { margin: 4px 0; }
.checks { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.check { margin: 0; background: var(--panel); border-radius: 6px; padding: 10px; border-left: 4px solid var(--skip); } .check.done { border-left-color: var(--ok); } .check.failed { border-left-color: var(--bad); }
.check .result { font-weight: 600; } .check.done .result { color: var(--ok); } .check.failed .result { color: var(--bad); }
.chart { width: 100%; height: auto; } .chart .series { fill: none; stroke: var(--accent); stroke-width: 1.8; } .chart circle { fill: var(--accent); } .chart .threshold { stroke: var(--bad); stroke-dasharray: 5 3; }
.query { display: block; font-size: 11px; color: var(--muted); overflow-wrap: anywhere; } .reason, .nodata { font-size: 12px; color: var(--muted); margin: 4px 0 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #444; --panel: #fff; --line: #bbb; }
  body { font-size: 11px; } main { max-width: none; padding: 0; }
  section, figure, table, svg { break-inside: avoid; }
  .facts div, .timeline, .check { border: 1px solid var(--line); }
  .verdict { color: #000; border: 1px solid #000; background: none !important; }
}
`;
