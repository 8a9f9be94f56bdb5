/**
 * The plan as a person checks it at a glance: the path a run takes, each numbered step with
 * its exact commands, the flags it flips, the parameters it needs and the checks that follow.
 */

import type { FlagReading } from '../flags/env-file.js';
import { formatThreshold } from '../note/threshold.js';
import { optionLetter } from '../plan/choose.js';
import type { Plan, PlanCheck, PlanFlag, PlanStep } from '../plan/types.js';
import { promqlProblemsOf } from '../prometheus/check-queries.js';
import { sinceRollbackQuery } from '../prometheus/promql-windows.js';
import { thresholdForQuery } from '../prometheus/promql-units.js';
import type { Style } from './style.js';
import { escapeDeep } from './escape-text.js';
import { maskUrl } from '../prometheus/url.js';

export interface PlanTextOptions {
  style: Style;
  /** "Dry run" footer and wording. */
  dryRun: boolean;
  /** Target selectors a real run would use (e.g. `job=butler`), shown with the checks. */
  targetSelectors?: string[];
  /** False: `--no-targets`. */
  checkTargets?: boolean;
  /** False: `--no-verify`, no recovery check after the last step. */
  verify?: boolean;
  /** `--window`: how a run measures the checks' ranges (default since the rollback). */
  window?: 'since-rollback' | 'note';
  /** Steps a run would leave out (`--from`, `--only`), with the reason. */
  notSelected?: ReadonlyMap<number, string>;
  /** Steps that would fail, with the reason (see run/predict.ts). */
  predicted?: ReadonlyMap<number, string>;
  /** What goes on around the run (notifications, the silence), one line each. */
  around?: string[];
  /** What lint says about the steps, beyond what the step list shows. */
  hazards?: { line?: number; message: string }[];
  /** `--yes`: where the unattended run would stop short (see run/predict.ts). */
  unattendedStop?: { step: { number: number; title: string }; reason: string };
  /** `--yes`: conditional steps it would leave out, nobody having answered for them. */
  unchecked?: { number: number; title: string; condition?: string }[];
}

export function formatPlan(rawPlan: Plan, options: PlanTextOptions): string {
  // Everything the note says is shown, never sent to the terminal: control characters escaped.
  const plan = escapeDeep(rawPlan);
  const predicted = options.predicted && new Map([...options.predicted].map(([step, reason]) => [step, escapeDeep(reason)]));
  options = { ...options, predicted, around: escapeDeep(options.around) };
  const { style } = options;
  const out: string[] = [];
  const path = plan.paths[plan.selectedPath];
  const heading = options.dryRun ? 'Dry run: rollback plan' : 'Rollback plan';
  out.push(style.bold(`${heading} for stage ${plan.stage ?? '(no stage)'}${plan.component ? ` — ${plan.component}` : ''}`));
  out.push(`  note    ${plan.file}${plan.sectionLine ? `:${plan.sectionLine}` : ''}`);
  if (plan.status) out.push(`  status  ${plan.status}`);
  if (plan.environment) out.push(`  env     ${plan.environment.name}${plan.environment.production ? style.red(' (PRODUCTION: a real run asks you to type the stage id)') : ''}`);
  if (path) {
    const choice = plan.paths.length > 1 ? `  (${plan.paths.length} paths; choose with --path N)` : '';
    out.push(`  path    ${path.number}. ${path.title}${choice}`);
  }

  out.push('', style.bold('Feature flags'));
  if (plan.flags.length === 0) out.push(style.yellow('  none found in the note: check by hand what the rollback must switch off'));
  for (const flag of plan.flags) out.push(`  ${formatFlag(flag, style)}`);

  if (plan.parameters.length > 0) {
    out.push('', style.bold('Parameters'));
    const width = Math.max(...plan.parameters.map((parameter) => parameter.name.length));
    for (const parameter of plan.parameters) {
      const option = /\s/.test(parameter.name) ? `--set "${parameter.name}=VALUE"` : `--set ${parameter.name}=VALUE`;
      const value = parameter.value === undefined ? style.yellow(`not set: give ${option}`) : parameter.value;
      const manual = parameter.manualOnly ? style.dim(' (only in text you paste by hand)') : '';
      out.push(`  ${parameter.name.padEnd(width)}  ${value}${manual}  ${style.dim(`(line ${parameter.lines.join(', ')})`)}`);
    }
  }
  if (plan.unsetVariables.length > 0) {
    out.push('', style.bold('Variables the steps use but no step sets'));
    for (const variable of plan.unsetVariables) out.push(`  ${style.yellow(`$${variable.name}`)}  ${style.dim(`(line ${variable.lines.join(', ')})`)}: set it in the environment (or --env), or it expands to nothing`);
  }

  if (path) {
    out.push('', style.bold(`Steps — path ${path.number}: ${path.title}`));
    if (path.steps.length === 0) out.push(style.yellow('  this path has no steps'));
    for (const step of path.steps) out.push(...formatStep(step, path.steps, style, options));
  }

  if (options.verify === false) {
    out.push('', style.bold('Recovery checks after the last step: none (--no-verify)'));
  } else {
    out.push('', style.bold(`Recovery checks after the last step — Prometheus ${maskUrl(plan.prometheus.url)} ${style.dim(`(${describeUrlSource(plan)})`)}`));
    out.push(`  targets: ${describeTargetCheck(plan, options)}`);
  }
  for (const check of options.verify === false ? [] : plan.checks) out.push(...formatCheck(check, style, plan.file, options.window ?? 'since-rollback'));
  if (plan.checks.length === 0 && options.verify !== false) out.push(style.yellow('  no Key Metrics table with queries in the note: only targets are checked'));

  const others = plan.paths.filter((other) => other.number !== path?.number);
  if (others.length > 0) {
    out.push('', style.bold('Other paths (not taken; pick one with --path N)'));
    for (const other of others) {
      const manual = other.steps.length - other.shellSteps;
      out.push(`  ${other.number}. ${other.title} — ${other.shellSteps} shell, ${manual} manual step${manual === 1 ? '' : 's'}`);
    }
  }
  if (options.predicted && options.predicted.size > 0) {
    out.push('');
    for (const [step, reason] of options.predicted) out.push(style.red(`step ${step} will fail: ${reason}`));
  }
  if (options.hazards?.length) {
    out.push('', style.bold('Hazards (as runbook lint reports them)'));
    for (const hazard of escapeDeep(options.hazards)) out.push(style.yellow(`  ${hazard.line === undefined ? '' : `line ${hazard.line}: `}${hazard.message}`));
  }
  for (const step of escapeDeep(options.unchecked ?? [])) {
    out.push(
      style.yellow(
        `unattended (--yes), step ${step.number} "${step.title}" would be left out: its condition "${step.condition}" is not checked; pass --confirm ${step.number} if it holds, --decline ${step.number} if not`,
      ),
    );
  }
  if (options.unattendedStop) {
    const { step, reason } = escapeDeep(options.unattendedStop);
    out.push('', style.yellow(`unattended (--yes), the run would stop at step ${step.number} "${step.title}": ${reason}`));
  }
  if (options.around?.length) out.push('', style.bold('Around the run'), ...options.around);
  if (options.dryRun) out.push('', style.dim('Dry run: nothing was run and nothing was written.'));
  return `${out.join('\n')}\n`;
}

/** Which targets the check after the last step waits for: options first, then the environment profile. */
function describeTargetCheck(plan: Plan, options: PlanTextOptions): string {
  if (options.checkTargets === false) return 'not checked (--no-targets)';
  const profile = plan.environment?.targets;
  if (!options.targetSelectors?.length && profile?.check === false) return `not checked (environment ${plan.environment!.name} has "targets": false)`;
  const profileSelectors = profile ? [...profile.jobs.map((job) => `job=${job}`), ...Object.entries(profile.labels).map(([key, value]) => `${key}=${value}`)] : [];
  const selectors = options.targetSelectors?.length ? options.targetSelectors : profileSelectors;
  return `every active target${selectors.length ? ` matching ${selectors.join(', ')}` : ''} up, with no scrape error, scraped after the last step`;
}

function formatFlag(flag: PlanFlag, style: Style): string {
  const now = flag.current ? describeReading(flag.current, flag, style) : '';
  const where = flag.envFile ? ` in ${flag.envFile}` : '';
  const by = flag.stepNumber !== undefined ? ` (step ${flag.stepNumber})` : flag.step ? ` (step "${flag.step}", another path)` : ' (named in the note; no step sets it)';
  return `${style.bold(flag.name)} → ${flag.rollbackValue}${where}${by}${now}`;
}

function describeReading(reading: FlagReading, flag: PlanFlag, style: Style): string {
  const link = 'link' in reading && reading.link !== undefined ? style.yellow(`; the file is a symlink to ${reading.link}`) : '';
  return describeValue(reading, flag, style) + link;
}

function describeValue(reading: FlagReading, flag: PlanFlag, style: Style): string {
  switch (reading.state) {
    case 'set':
      if (reading.value === flag.rollbackValue) return style.green(`; now ${reading.value} (already rolled back)`);
      if (reading.sedMatches === false) return `; now ${style.yellow(reading.value)}${style.red(`, but no line of the file matches the step's sed pattern ${flag.sedPattern}: the step would change nothing`)}`;
      return `; now ${style.yellow(reading.value)}`;
    case 'unset':
      return style.yellow('; not in the file now');
    case 'no-file':
      return style.yellow(`; ${reading.path} does not exist`);
    case 'unknown':
      return style.dim(`; current value unknown: ${reading.reason}`);
  }
}

const CONDITION_RULE: Record<PlanStep['kind'], string> = {
  shell: 'runs only if you confirm it holds (asked on its own, default no); unattended runs never run it and end incomplete',
  manual: 'do it only if it holds',
  choice: 'pick an option only if it holds',
};

const SCOPE_RULE: Record<PlanStep['kind'], string> = {
  shell: 'runbook runs it on this machine only: asked whether to run it here; unattended runs stop here',
  manual: 'do it there',
  choice: 'its options are for those machines',
};

/** One step, indented under the option of each choice it sits in. */
function formatStep(step: PlanStep, steps: readonly PlanStep[], style: Style, options: PlanTextOptions): string[] {
  const lines: string[] = [];
  const indent = '    '.repeat(step.within.length);
  const option = step.within.at(-1);
  const owner = option ? steps.find((candidate) => candidate.number === option.choice) : undefined;
  if (owner?.kind === 'choice' && owner.options[option!.option]?.steps[0] === step.number) {
    const taken = owner.chosen === option!.option;
    const head = `${'    '.repeat(step.within.length - 1)}   ${optionLetter(option!.option)}) ${owner.options[option!.option]!.title}`;
    lines.push(taken ? style.bold(`${head}  ${style.green(`← taken${owner.chosenBy === 'option' ? ' (--choose)' : ' unless you choose another'}`)}`) : style.dim(`${head}  (not taken)`));
  }
  const marks = [
    step.kind,
    `line ${step.line}`,
    ...(step.gate ? ['gate'] : []),
    ...(step.condition ? ['conditional'] : []),
    ...(step.scope ? [`on ${step.scope}`] : []),
    ...(step.kind === 'shell' && step.destructive.length > 0 ? ['destructive'] : []),
    ...((step.kind === 'shell' || step.kind === 'manual') && (step.hazards?.length ?? 0) > 0 ? ['flagged'] : []),
    ...(step.dataRollback ? [step.dataRollback.requested ? 'data rollback: runs (--with-data-rollback)' : 'data rollback: optional, off unless asked'] : []),
    ...(step.linkedFrom ? [`from ${step.linkedFrom}`] : []),
  ];
  const label = `[${marks.join(', ')}]`;
  const attention = step.kind === 'manual' || step.gate !== undefined || step.condition !== undefined || step.scope !== undefined || (step.kind === 'shell' && (step.destructive.length > 0 || step.hazards.length > 0));
  const left = options.notSelected?.get(step.number);
  const failing = options.predicted?.get(step.number);
  lines.push(`${indent}  ${style.bold(`${step.number}. ${step.title}`)}  ${attention ? style.yellow(label) : style.dim(label)}${left ? `  ${style.yellow(left)}` : ''}`);
  const pad = `${indent}       `;
  if (failing && !left) lines.push(style.red(`${pad}will fail: ${failing}`));
  if (step.condition) lines.push(style.yellow(`${pad}condition: ${step.condition} — ${CONDITION_RULE[step.kind]}`));
  if (step.scope) lines.push(style.yellow(`${pad}runs on: ${step.scope} — ${SCOPE_RULE[step.kind]}`));
  for (const note of step.notes) lines.push(style.dim(`${pad}${note}`));
  if (step.kind === 'shell') {
    for (const line of step.script.split('\n')) lines.push(`${indent}     ${style.cyan('│')} ${line}`);
    if (step.flags.length > 0) lines.push(style.dim(`${pad}sets ${step.flags.join(', ')}`));
    for (const hazard of step.destructive) lines.push(style.red(`${pad}destructive (line ${hazard.line}): ${hazard.command} — ${hazard.reason}; asked for on its own`));
    for (const hazard of step.hazards) lines.push(style.yellow(`${pad}flagged (line ${hazard.line}): ${hazard.command} — ${hazard.reason}; ${hazard.fix}`));
  } else if (step.kind === 'manual') {
    for (const item of step.items) lines.push(`${indent}     [ ] ${item}`);
    if (step.code) for (const line of step.code.text.split('\n')) lines.push(style.dim(`${indent}     ┆ ${line}`));
    for (const hazard of step.hazards ?? []) lines.push(style.yellow(`${pad}flagged (line ${hazard.line}): ${hazard.reason}; ${hazard.fix}`));
    if (step.mislabelled) lines.push(style.yellow(`${pad}the ${step.mislabelled.language} block (line ${step.mislabelled.line}) holds a shell command: not run; label it bash if it should run`));
    if (step.foreign) lines.push(style.yellow(`${pad}line ${step.foreign.line} is typed into ${step.foreign.kind === 'prompt' ? "another program's console" : 'an HTTP console'}, not bash: not run`));
  } else {
    lines.push(style.dim(`${pad}one of ${step.options.length} options runs: ${step.options.map((choice, index) => `${optionLetter(index)}) ${choice.title}`).join(', ')}; pick with --choose ${step.number}=<letter>`));
  }
  if (step.gate) lines.push(style.yellow(`${pad}gate: ${step.gate} — a run stops here until you answer yes; unattended runs stop here`));
  if (step.output?.length) {
    lines.push(style.dim(`${pad}output shown in the note (not run):`));
    for (const line of step.output.slice(0, 12)) lines.push(style.dim(`${pad}  ${line}`));
    if (step.output.length > 12) lines.push(style.dim(`${pad}  … ${step.output.length - 12} more lines`));
  }
  return lines;
}

function formatCheck(check: PlanCheck, style: Style, file: string, window: 'since-rollback' | 'note'): string[] {
  const compared = check.threshold ? thresholdForQuery(check.threshold, check.query) : undefined;
  const rule = check.threshold
    ? `passes while not ${formatThreshold(check.threshold)}${
        compared?.metricUnit
          ? ` (${check.threshold.op}${compared.threshold.baseValue} in the metric's own unit, ms)`
          : check.threshold.unit === '' || check.threshold.unit === 's'
            ? ''
            : ` (${check.threshold.op}${check.threshold.baseValue} in Prometheus units)`
      }`
    : style.yellow(check.thresholdText ? `threshold "${check.thresholdText}" not understood: not checked` : 'no alert threshold: not checked');
  const query = check.query ? `\n      ${style.cyan('│')} ${check.query.split('\n').join(`\n      ${style.cyan('│')} `)}` : style.yellow('\n      no PromQL query for this metric: not checked');
  const problems = promqlProblemsOf(check).map((problem) => style.red(`      ✗ ${file}:${problem.line}: ${problem.message}`));
  const ranges = check.query && problems.length === 0 ? sinceRollbackQuery(check.query, { elapsedMs: 0, minMs: 1000 }).ranges.map((range) => `[${range.note}]`) : [];
  const measured =
    ranges.length === 0
      ? []
      : [
          style.dim(
            window === 'note'
              ? `      ranges ${[...new Set(ranges)].join(', ')} as written (--window note)`
              : `      ranges ${[...new Set(ranges)].join(', ')} measured since the last step finished (at least 4 scrape intervals, at most as written)`,
          ),
        ];
  return [`  ${check.metric}: ${rule}${query}`, ...problems, ...measured];
}

/** Where the Prometheus URL came from, shown next to it. */
export function describeUrlSource(plan: Pick<Plan, 'prometheus'>): string {
  switch (plan.prometheus.source) {
    case 'option':
      return 'from --prometheus-url';
    case 'environment':
      return 'from PROMETHEUS_URL';
    case 'profile':
      return 'from the environment profile';
    case 'note':
      return `from the note, line ${plan.prometheus.line}`;
    case 'default':
      return 'default; the note names none';
  }
}
