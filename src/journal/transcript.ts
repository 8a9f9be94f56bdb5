/**
 * A run's journal as markdown, fit to paste into the note's Communication Log or an
 * incident: who, when, which path, each step with its result, commands and output tail.
 */

import { formatMs } from '../prometheus/duration.js';
import type { RunEvent, VerificationRecorded } from './events.js';
import { replayRun, stepOutcomes } from './run-state.js';
import { escapeDeep } from '../view/escape-text.js';

export function formatTranscript(runId: string, rawEvents: RunEvent[], status: string): string {
  // Markdown for people and terminals: what the note and the steps said, control characters escaped.
  const events = escapeDeep(rawEvents);
  const state = replayRun(events);
  if (!state) return `Run ${runId}: no run-started event in its journal.\n`;
  const { started } = state;
  const end = events.at(-1)!.at;
  const elapsed = formatMs(new Date(end).getTime() - new Date(started.at).getTime());
  const lines: string[] = [];
  lines.push(`### ${started.at.slice(0, 10)} Rollback of ${started.stage ?? started.note} — ${status}`, '');
  lines.push(`- **Run**: \`${runId}\``);
  lines.push(`- **Operator**: ${started.operator} on ${started.host}${started.environment ? ` (environment ${started.environment})` : ''}`);
  lines.push(`- **Note**: \`${started.note}\`, path ${started.path.number}: ${started.path.title}`);
  lines.push(`- **Started**: ${started.at} · **Last event**: ${end} (${elapsed})`);
  lines.push(`- **Mode**: ${started.unattended ? 'unattended (--yes)' : 'interactive'}`);
  for (const resumed of events.filter((event) => event.type === 'run-resumed')) {
    lines.push(`- **Resumed**: ${resumed.at} by ${resumed.operator} at step ${resumed.fromStep}`);
  }
  if (Object.keys(started.parameters).length > 0) {
    lines.push(
      `- **Parameters**: ${Object.entries(started.parameters)
        .map(([name, value]) => `${name}=${value}`)
        .join(', ')}`,
    );
  }
  if (state.finished) lines.push(`- **Result**: ${state.finished.result} (exit ${state.finished.exitCode})${state.finished.message ? `: ${state.finished.message}` : ''}`);
  lines.push('', '| # | Step | Result | Duration | Details |', '|---|------|--------|----------|---------|');
  const outcomes = stepOutcomes(events);
  for (const step of started.steps) {
    const outcome = outcomes.find((candidate) => candidate.number === step.number);
    const flags = (outcome?.flags ?? []).map((flag) => `${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`);
    const needs = outcome?.result === 'needs-person' ? `needs a person: ${outcome.commands.split('\n').join('; ')}` : '';
    const details = [...flags, needs, outcome?.message ?? '', outcome && outcome.attempts > 1 ? `${outcome.attempts} attempts` : ''].filter(Boolean).join('; ');
    lines.push(`| ${step.number} | ${cell(step.title)} | ${outcome?.result ?? 'not reached'} | ${outcome && step.kind === 'shell' ? formatMs(outcome.durationMs) : ''} | ${cell(details)} |`);
  }
  // The outcome only: the measurements taken on the way stay in the journal.
  for (const verification of events.filter((event): event is VerificationRecorded => event.type === 'verification' && event.phase !== 'measurement')) {
    lines.push('', `**Recovery check** (${verification.at}): ${String(verification.verdict ?? 'recorded')}${verification.summary ? ` — ${String(verification.summary)}` : ''}`);
  }
  for (const event of events) {
    if (event.type !== 'step-finished' || event.result === 'not-selected' || (event.outputTail.length === 0 && !event.message)) continue;
    const commands = events.findLast((candidate) => candidate.type === 'step-started' && candidate.step === event.step && candidate.at <= event.at);
    lines.push('', `<details><summary>Step ${event.step}: ${event.title} — ${event.result}${event.exitCode ? ` (exit ${event.exitCode})` : ''}</summary>`, '');
    if (event.message) lines.push(event.message, '');
    if (commands?.type === 'step-started' && commands.kind === 'shell') lines.push('```bash', commands.commands, '```', '');
    if (event.outputTail.length > 0) lines.push('```text', ...event.outputTail, '```', '');
    lines.push('</details>');
  }
  return `${lines.join('\n')}\n`;
}

/** Table cells cannot hold pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
