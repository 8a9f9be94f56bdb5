/**
 * What a run prints around the step list: a header with the plan summary (printed before
 * listr2 starts, so its renderer cannot overwrite it) and a summary when the run ends.
 */

import { relative } from 'node:path';
import { formatMs } from '../prometheus/duration.js';
import type { StepOutcome } from '../journal/run-state.js';
import type { RunResult } from '../journal/events.js';
import type { Plan } from '../plan/types.js';
import type { Style } from './style.js';

export function formatRunHeader(
  plan: Plan,
  options: { runId: string; journalDir: string; unattended: boolean; style: Style; notSelected: Map<number, string>; resumedFrom?: number },
): string {
  const { style } = options;
  const path = plan.paths[plan.selectedPath]!;
  const lines = [style.bold(`${options.resumedFrom ? 'Resuming rollback' : 'Rolling back'} stage ${plan.stage ?? '(no stage)'}${plan.component ? ` — ${plan.component}` : ''}`)];
  lines.push(`  note    ${plan.file}${plan.sectionLine ? `:${plan.sectionLine}` : ''}`);
  lines.push(`  path    ${path.number}. ${path.title}`);
  if (plan.environment) lines.push(`  env     ${plan.environment.name}${plan.environment.production ? style.red(' (PRODUCTION)') : ''}`);
  const steps = path.steps.map((step) => `${step.number}. ${step.title}${step.kind === 'manual' ? ' (manual)' : ''}${options.notSelected.has(step.number) ? ` [${options.notSelected.get(step.number)}]` : ''}`);
  lines.push(`  steps   ${steps.join(' · ')}`);
  for (const flag of plan.flags) {
    const now = flag.current?.state === 'set' ? flag.current.value : flag.current?.state === 'no-file' ? 'env file missing' : '?';
    lines.push(`  flag    ${flag.name}: ${now} → ${flag.rollbackValue}${flag.stepNumber ? ` (step ${flag.stepNumber})` : ''}${flag.envFile ? ` in ${flag.envFile}` : ''}`);
  }
  for (const parameter of plan.parameters) lines.push(`  param   ${parameter.name}=${parameter.value ?? '(not set)'}`);
  lines.push(`  run     ${options.runId}${options.resumedFrom ? ` (resumed at step ${options.resumedFrom})` : ''}`);
  lines.push(`  mode    ${options.unattended ? 'unattended (--yes): every step runs without asking' : 'interactive: each step asks first'}`);
  return `${lines.join('\n')}\n\n`;
}

const ICONS: Record<StepOutcome['result'], string> = {
  done: '✔',
  acknowledged: '✔',
  skipped: '↓',
  'needs-person': '!',
  failed: '✖',
  'timed-out': '✖',
  interrupted: '✖',
  'not-selected': '·',
};

const HEADLINES: Record<RunResult, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  aborted: 'aborted',
  interrupted: 'interrupted',
  'not-recovered': 'steps done, but recovery NOT verified',
  incomplete: 'incomplete: stopped where it needs a person',
};

export function formatRunSummary(
  plan: Plan,
  outcome: { result: RunResult; message?: string; steps: StepOutcome[]; journalPath: string; runIdOf?: string; startedAt: Date; finishedAt: Date },
  options: { style: Style; cwd: string },
): string {
  const { style } = options;
  const total = formatMs(outcome.finishedAt.getTime() - outcome.startedAt.getTime());
  const colour = outcome.result === 'succeeded' ? style.green : style.red;
  const headline = HEADLINES[outcome.result];
  const lines = ['', colour(style.bold(`Rollback of ${plan.stage ?? plan.file}: ${headline} after ${total}`))];
  if (outcome.message) lines.push(`  ${outcome.message}`);
  const width = Math.max(0, ...outcome.steps.map((step) => `${step.number}. ${step.title}`.length));
  for (const step of outcome.steps) {
    const flags = step.flags.map((flag) => `${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`).join(', ');
    const detail = describeStep(step, flags);
    lines.push(`  ${ICONS[step.result]} ${`${step.number}. ${step.title}`.padEnd(width)}  ${detail}`);
  }
  const needsPerson = outcome.steps.filter((step) => step.result === 'needs-person');
  if (needsPerson.length > 0) lines.push(style.yellow(`  ${needsPerson.length} manual step${needsPerson.length === 1 ? '' : 's'} still need${needsPerson.length === 1 ? 's' : ''} a person.`));
  const journal = relative(options.cwd, outcome.journalPath);
  lines.push(`  journal ${journal.startsWith('..') ? outcome.journalPath : journal}`);
  return `${lines.join('\n')}\n`;
}

/** One step's line after its title: result, duration, exit code, flag changes. */
function describeStep(step: StepOutcome, flags: string): string {
  if (step.result === 'needs-person') return `needs a person: ${step.commands.split('\n').join('; ')}`;
  if (step.result === 'not-selected') return step.message ?? 'not run';
  const ran = step.kind === 'shell' && step.result !== 'skipped';
  return [step.result, ran ? formatMs(step.durationMs) : '', step.exitCode ? `exit ${step.exitCode}` : '', flags].filter(Boolean).join('  ');
}
