/**
 * What a run prints around the step list: a header with the plan summary (printed before
 * listr2 starts, so its renderer cannot overwrite it) and a summary when the run ends.
 */

import { relative } from 'node:path';
import { formatMs } from '../prometheus/duration.js';
import type { StepOutcome } from '../journal/run-state.js';
import type { RunResult } from '../journal/events.js';
import type { Plan } from '../plan/types.js';
import type { EndState } from '../run/end-state.js';
import type { Style } from './style.js';
import { escapeDeep, escapeText } from './escape-text.js';

export function formatRunHeader(
  rawPlan: Plan,
  options: { runId: string; journalDir: string; unattended: boolean; style: Style; notSelected: Map<number, string>; resumedFrom?: number; predicted?: Map<number, string> },
): string {
  // The note's text is shown, never sent to the terminal: control characters escaped.
  const plan = escapeDeep(rawPlan);
  options = { ...options, notSelected: escapeMap(options.notSelected), predicted: options.predicted && escapeMap(options.predicted) };
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
    // A step predicted to fail does not get to claim the change it cannot make.
    const failing = flag.stepNumber !== undefined && options.predicted?.has(flag.stepNumber);
    const change = failing ? `${now} (step ${flag.stepNumber} will fail: it cannot set it)` : `${now} → ${flag.rollbackValue}${flag.stepNumber ? ` (step ${flag.stepNumber})` : ''}`;
    lines.push(`  flag    ${flag.name}: ${change}${flag.envFile ? ` in ${flag.envFile}` : ''}`);
  }
  for (const parameter of plan.parameters) lines.push(`  param   ${parameter.name}=${parameter.value ?? '(not set)'}`);
  lines.push(`  run     ${options.runId}${options.resumedFrom ? ` (resumed at step ${options.resumedFrom})` : ''}`);
  lines.push(`  mode    ${options.unattended ? 'unattended (--yes): every step runs without asking' : 'interactive: each step asks first'}`);
  for (const [step, reason] of options.predicted ?? []) lines.push(style.red(`  step ${step} will fail: ${reason}; it will be refused before any of it runs`));
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
  incomplete: 'INCOMPLETE',
  'not-recovered': 'steps done, but recovery NOT verified',
};

export function formatRunSummary(
  rawPlan: Plan,
  rawOutcome: { result: RunResult; message?: string; steps: StepOutcome[]; journalPath: string; runIdOf?: string; startedAt: Date; finishedAt: Date },
  options: { style: Style; cwd: string },
): string {
  const plan = escapeDeep(rawPlan);
  const outcome = { ...rawOutcome, message: rawOutcome.message && escapeText(rawOutcome.message), steps: escapeDeep(rawOutcome.steps), journalPath: escapeText(rawOutcome.journalPath) };
  const { style } = options;
  const total = formatMs(outcome.finishedAt.getTime() - outcome.startedAt.getTime());
  const colour = outcome.result === 'succeeded' ? style.green : style.red;
  const headline = HEADLINES[outcome.result];
  const lines = ['', colour(style.bold(`Rollback of ${plan.stage ?? plan.file}: ${headline} after ${total}`))];
  if (outcome.message) lines.push(`  ${outcome.message}`);
  // A title copied from a long sentence would push every result off the screen: the step list
  // above shows it whole.
  const label = (step: StepOutcome) => shorten(`${step.number}. ${step.title}`, SUMMARY_TITLE_WIDTH);
  const width = Math.max(0, ...outcome.steps.map((step) => label(step).length));
  for (const step of outcome.steps) {
    const flags = step.flags.map((flag) => `${flag.name}: ${flag.before ?? 'unset'} → ${flag.after ?? 'unset'}`).join(', ');
    const detail = describeStep(step, flags);
    lines.push(`  ${ICONS[step.result]} ${label(step).padEnd(width)}  ${detail}`);
  }
  const needsPerson = outcome.steps.filter((step) => step.result === 'needs-person');
  const kind = needsPerson.every((step) => step.kind === 'manual') ? 'manual step' : 'step';
  if (needsPerson.length > 0) lines.push(style.yellow(`  ${needsPerson.length} ${kind}${needsPerson.length === 1 ? '' : 's'} still need${needsPerson.length === 1 ? 's' : ''} a person.`));
  const journal = relative(options.cwd, outcome.journalPath);
  lines.push(`  journal ${journal.startsWith('..') ? outcome.journalPath : journal}`);
  return `${lines.join('\n')}\n`;
}

/** One step's line after its title: result, duration, exit code, flag changes. */
const SUMMARY_TITLE_WIDTH = 60;

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1).trimEnd()}…`;
}

function describeStep(step: StepOutcome, flags: string): string {
  // A manual step names what is left to do; a shell step not run unattended says why.
  if (step.result === 'needs-person') return `needs a person: ${step.kind === 'manual' && step.commands ? step.commands.split('\n').join('; ') : (step.message ?? 'run it by hand')}`;
  if (step.result === 'not-selected') return step.message ?? 'not run';
  const ran = step.kind === 'shell' && step.result !== 'skipped';
  return [step.result, ran ? formatMs(step.durationMs) : '', step.exitCode ? `exit ${step.exitCode}` : '', flags].filter(Boolean).join('  ');
}

/**
 * Where a stopped run leaves the system, printed after every stop that is not a success:
 * the flags as their env files say now, the steps done and not run, and how to go on.
 */
export function formatStopState(rawEnd: EndState, options: { style: Style; resumeCommand?: string }): string {
  const end = escapeDeep(rawEnd);
  const { style } = options;
  const lines: string[] = [style.bold('  Where this leaves the system:')];
  for (const flag of end.flags) {
    const state = flag.ok ? style.green('rolled back') : style.red(`NOT rolled back (rollback value ${flag.expected})`);
    lines.push(`    flag ${flag.name}${flag.value === null ? `: ${flag.reason ?? 'unset'}` : ` = ${flag.value}`}  ${state}`);
  }
  if (end.flags.length === 0) lines.push('    no flag set by the steps (check by hand)');
  lines.push(`    steps done: ${end.done.length > 0 ? end.done.join(', ') : 'none'}`);
  if (end.notRun.length > 0) lines.push(`    not run: ${end.notRun.map((step) => `${step.number}. ${step.title} (${step.why})`).join('; ')}`);
  if (options.resumeCommand) lines.push(`  To continue: ${style.bold(options.resumeCommand)}`);
  return `${lines.join('\n')}\n`;
}

function escapeMap(map: ReadonlyMap<number, string>): Map<number, string> {
  return new Map([...map].map(([key, value]) => [key, escapeText(value)]));
}
