/**
 * Note → rollback plan. Pure: chooses the path, fills in parameters, resolves the Prometheus
 * URL and lists what stops the note from running. Nothing here touches the world.
 */

import { UsageError, type NoteProblem } from '../errors.js';
import { fieldValue } from '../note/metadata.js';
import { isStageId, stageIdProblem } from '../note/stage-id.js';
import type { Note, Step } from '../note/types.js';
import { flattenSteps } from '../note/walk-steps.js';
import { applyChoices } from './choose.js';
import { fillParameters } from './parameters.js';
import { summarizeFlags } from './summarize-flags.js';
import type { Plan, PlanPath, PlanStep, PrometheusSource, PrometheusUrlSource } from './types.js';
import { findUnsetVariables } from './unset-variables.js';

export const DEFAULT_PROMETHEUS_URL = 'http://127.0.0.1:9090';

export interface PlanOptions {
  /** `--path N|title`; the first path with shell steps when absent. */
  path?: string;
  /** `--set` values: each must be a parameter of the note. */
  parameters?: ReadonlyMap<string, string>;
  /** Defaults (from an environment profile), used only by notes that have the parameter. */
  defaultParameters?: ReadonlyMap<string, string>;
  /** Prometheus URL candidates in precedence order (option, environment, profile). */
  prometheusUrl?: { url: string; source: PrometheusUrlSource };
  /** `--choose step=option` as typed: the option a choice step takes. */
  choices?: readonly string[];
  /** `--with-data-rollback`: an unattended run also runs the data rollback step. */
  withDataRollback?: boolean;
}

export function buildPlan(note: Note, options: PlanOptions = {}): Plan {
  const given = options.parameters ?? new Map<string, string>();
  const values = new Map([...(options.defaultParameters ?? []), ...given]);
  const problems: NoteProblem[] = [...runBlockers(note)];
  const paths: PlanPath[] = (note.rollback?.paths ?? []).map((path, index) => {
    const steps = planSteps(path.steps, values, options.withDataRollback === true);
    return { number: index + 1, title: path.title, line: path.line, steps, shellSteps: steps.filter((step) => step.kind === 'shell').length };
  });
  const selectedPath = paths.length === 0 ? 0 : choosePath(paths, options.path);
  if (paths[selectedPath]) applyChoices(paths[selectedPath]!.steps, options.choices ?? []);
  const selected = paths[selectedPath];

  // A linked plan's lines are its own file's: match them only against the steps taken from it.
  const stepNumberAt = (line: number, file?: string) =>
    selected?.steps.find((step) => step.kind === 'shell' && step.lineMap.includes(line) && (file === undefined ? !step.linkedFrom : step.linkedFrom?.startsWith(`${file}:`)))?.number;
  const { flags } = summarizeFlags([...(note.rollback?.flagMentions ?? []), ...note.declaredFlags], note.file, stepNumberAt);
  for (const step of selected?.steps ?? []) {
    if (step.kind === 'shell') step.flags = flags.filter((flag) => flag.stepNumber === step.number).map((flag) => flag.name);
  }

  const parameterLines = new Map<string, number[]>();
  const runnable = new Set<string>();
  for (const step of flattenSteps(note.rollback?.paths.flatMap((path) => path.steps) ?? [])) {
    if (step.kind === 'choice') continue;
    for (const parameter of step.parameters ?? []) parameterLines.set(parameter.name, [...(parameterLines.get(parameter.name) ?? []), parameter.line]);
    if (step.kind === 'shell') for (const parameter of step.parameters) runnable.add(parameter.name);
  }
  for (const name of given.keys()) {
    if (!parameterLines.has(name)) {
      const known = [...parameterLines.keys()];
      throw new UsageError(`--set ${name}: ${note.file} has no parameter <${name}>${known.length > 0 ? `; its parameters: ${known.join(', ')}` : ' (it takes no parameters)'}`);
    }
  }

  return {
    stage: note.stage,
    title: note.title,
    file: note.file,
    component: note.component,
    status: note.status,
    sectionLine: note.rollback?.line,
    sectionHash: note.rollback?.hash,
    flags,
    prometheus: prometheusSource(note, options.prometheusUrl),
    paths,
    selectedPath,
    parameters: [...parameterLines].map(([name, lines]) => ({ name, lines: [...new Set(lines)], value: values.get(name), ...(runnable.has(name) ? {} : { manualOnly: true }) })),
    unsetVariables: selected ? findUnsetVariables(selected.steps) : [],
    checks: note.monitoring.checks.map((check) => ({
      metric: check.metric,
      query: check.query,
      threshold: check.threshold,
      thresholdText: check.thresholdText,
      baseline: check.baseline,
      target: check.target,
      line: check.line,
      queryLine: check.queryLine,
    })),
    problems,
  };
}

/** What makes a note impossible to run at all (lint reports more than this). */
export function runBlockers(note: Note): NoteProblem[] {
  const file = note.file;
  const stageField = fieldValue(note.fields, 'Stage');
  if (stageField && stageField.value !== '' && !isStageId(stageField.value)) return [{ file, line: stageField.line, message: stageIdProblem(stageField.value) }];
  if (isTemplate(note)) {
    return [{ file, line: note.titleLine ?? 1, message: 'this is the migration notes template, not a note: copy it to runbooks/<stage>_<name>.md, fill in every [PLACEHOLDER] and use the copy' }];
  }
  if (!note.rollback) {
    return [{ file, line: 1, message: 'no "Rollback Procedure" section: add a "## Rollback Procedure" heading with the rollback steps' }];
  }
  const steps = flattenSteps(note.rollback.paths.flatMap((path) => path.steps));
  if (steps.length === 0) {
    return [{ file, line: note.rollback.line, message: 'the Rollback Procedure section is empty: add numbered steps with bash blocks' }];
  }
  // Keyed by line: a marker in a shared preamble belongs to several steps but is one problem.
  const byLine = new Map<number, { texts: Set<string>; step: string }>();
  for (const step of new Set(steps)) {
    if (step.kind !== 'shell') continue;
    for (const { line, text } of step.placeholders) {
      const entry = byLine.get(line) ?? { texts: new Set<string>(), step: step.title };
      byLine.set(line, { ...entry, texts: entry.texts.add(text) });
    }
  }
  return [...byLine].map(([line, { texts, step }]) => ({
    file,
    line,
    message: `template placeholder${texts.size > 1 ? 's' : ''} ${[...texts].join(', ')} in step "${step}": replace ${texts.size > 1 ? 'them' : 'it'} with the real value`,
  }));
}

/**
 * The template itself (`migration_notes_template.md`) parses as a note with placeholders; say
 * what it is instead. Its title says "Template" and it has no Stage of its own.
 */
export function isTemplate(note: Note): boolean {
  return note.stage === undefined && /\btemplate\b/i.test(note.title);
}

/**
 * The path's steps in the order a run meets them, numbered from 1: a choice comes first, then
 * its options' steps, each marked with the choice and option it belongs to.
 */
function planSteps(steps: readonly Step[], values: ReadonlyMap<string, string>, withDataRollback: boolean): PlanStep[] {
  const out: PlanStep[] = [];
  const numbers = new Map<Step, number>();
  const visit = (list: readonly Step[], within: PlanStep['within']) => {
    for (const step of list) {
      const planned = planStep(step, out.length + 1, values, within, withDataRollback);
      numbers.set(step, planned.number);
      const decider = step.decidedBy ? numbers.get(step.decidedBy.choice) : undefined;
      if (decider !== undefined) planned.decidedBy = { choice: decider, option: step.decidedBy!.option };
      out.push(planned);
      if (step.kind !== 'choice' || planned.kind !== 'choice') continue;
      step.options.forEach((option, index) => {
        const first = out.length + 1;
        visit(option.steps, [...within, { choice: planned.number, option: index }]);
        planned.options[index]!.steps = Array.from({ length: out.length + 1 - first }, (_, offset) => first + offset);
      });
    }
  };
  visit(steps, []);
  return out;
}

function planStep(step: Step, number: number, values: ReadonlyMap<string, string>, within: PlanStep['within'], withDataRollback: boolean): PlanStep {
  const base = {
    number,
    title: step.title,
    line: step.line,
    notes: step.notes,
    within,
    ...(step.output?.length ? { output: step.output } : {}),
    ...(step.gate ? { gate: step.gate } : {}),
    ...(step.dataRollback ? { dataRollback: { requested: withDataRollback } } : {}),
    ...(step.linkedFrom ? { linkedFrom: step.linkedFrom } : {}),
    ...(step.scope ? { scope: step.scope } : {}),
    ...(step.condition ? { condition: step.condition } : {}),
  };
  if (step.kind === 'choice') {
    const options = step.options.map((option) => ({ title: option.title, line: option.line, steps: [] as number[] }));
    return { ...base, kind: 'choice', options, chosen: step.chosen, chosenBy: 'default' };
  }
  if (step.kind === 'manual') {
    return {
      ...base,
      kind: 'manual',
      items: step.items,
      // `<Issue or doc link>`, `--from=<from>`: text the operator pastes, filled in when given.
      code: step.code && { ...step.code, text: fillParameters(step.code.text, (name) => values.get(name)) },
      ...(step.mislabelled ? { mislabelled: step.mislabelled } : {}),
      ...(step.hazards?.length ? { hazards: step.hazards } : {}),
      ...(step.foreign ? { foreign: step.foreign } : {}),
      ...(step.parameters?.length ? { parameters: [...new Set(step.parameters.map((parameter) => parameter.name))] } : {}),
    };
  }
  return {
    ...base,
    kind: 'shell',
    script: fillParameters(step.script, (name) => values.get(name)),
    source: step.script,
    lineMap: step.lineMap,
    flags: [],
    parameters: [...new Set(step.parameters.map((parameter) => parameter.name))],
    hazards: step.hazards,
    destructive: step.destructive,
  };
}

/** `--path 2` or `--path "1 hour"` (a case-insensitive part of the title). */
export function choosePath(paths: PlanPath[], selector: string | undefined): number {
  if (selector === undefined) {
    const firstRunnable = paths.findIndex((path) => path.shellSteps > 0);
    return firstRunnable === -1 ? 0 : firstRunnable;
  }
  const list = paths.map((path) => `${path.number}. ${path.title}`).join('; ');
  if (/^\d+$/.test(selector)) {
    const index = Number(selector) - 1;
    if (index < 0 || index >= paths.length) throw new UsageError(`--path ${selector}: the note has ${paths.length} path(s): ${list}`);
    return index;
  }
  const wanted = selector.toLowerCase();
  const matches = paths.filter((path) => path.title.toLowerCase().includes(wanted));
  if (matches.length === 1) return matches[0]!.number - 1;
  if (matches.length === 0) throw new UsageError(`--path "${selector}" matches no path; the note's paths: ${list}`);
  throw new UsageError(`--path "${selector}" matches ${matches.length} paths: ${matches.map((path) => `${path.number}. ${path.title}`).join('; ')}; give the number`);
}

function prometheusSource(note: Note, given: PlanOptions['prometheusUrl']): PrometheusSource {
  if (given) return { url: given.url, source: given.source };
  const fromNote = note.rollback?.prometheusUrls[0];
  if (fromNote) return { url: fromNote.url, source: 'note', line: fromNote.line };
  return { url: DEFAULT_PROMETHEUS_URL, source: 'default' };
}
