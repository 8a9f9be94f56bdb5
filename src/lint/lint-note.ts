/**
 * Everything wrong with one note, at once: what would stop it running, and what would make
 * a rollback or its verification go wrong when it is needed. Pure: `bash -n` results come in.
 */

import { basename } from 'node:path';
import type { NoteProblem } from '../errors.js';
import type { SyntaxProblem } from '../io.js';
import { findStepTextMarkers } from '../note/placeholders.js';
import type { ManualStep, Note, ShellStep } from '../note/types.js';
import { isTemplate, runBlockers } from '../plan/build-plan.js';
import { summarizeFlags } from '../plan/summarize-flags.js';
import { findLinks } from '../note/linked-plans.js';
import { flattenSteps } from '../note/walk-steps.js';
import { lintHazards } from './lint-hazards.js';
import { lintPromql } from './lint-promql.js';

/** Shell steps of a note, each once (steps shared by several paths appear in each). */
export function shellStepsOf(note: Note): ShellStep[] {
  const steps = flattenSteps(note.rollback?.paths.flatMap((path) => path.steps) ?? []);
  return [...new Set(steps)].filter((step): step is ShellStep => step.kind === 'shell');
}

function manualStepsOf(note: Note): ManualStep[] {
  const steps = flattenSteps(note.rollback?.paths.flatMap((path) => path.steps) ?? []);
  return [...new Set(steps)].filter((step): step is ManualStep => step.kind === 'manual');
}

/** What lint needs of a note, small enough to send from a worker thread: its problems so far and its scripts. */
export interface PreparedLint {
  file: string;
  stage?: string;
  stageLine: number;
  /** Every problem but bash syntax errors, which need `bash -n` over `scripts`. */
  problems: NoteProblem[];
  scripts: { title: string; line: number; script: string; lineMap: number[] }[];
  /** Pointers to other plans; `prepareNotes` checks the files exist. */
  links: { target: string; line: number }[];
}

/** `syntax[i]` is the `bash -n` result for `shellStepsOf(note)[i]`. */
export function lintNote(note: Note, syntax: (SyntaxProblem | undefined)[]): NoteProblem[] {
  return finishLint(prepareLint(note), syntax);
}

/** Everything wrong with a note that can be seen without running `bash -n`. Pure. */
export function prepareLint(note: Note): PreparedLint {
  const file = note.file;
  const prepared: PreparedLint = { file, stage: note.stage, stageLine: stageLine(note), problems: [], scripts: [], links: findLinks(note).map(({ target, line }) => ({ target, line })) };
  // Everything else about the template is expected: one line says what it is.
  if (isTemplate(note)) return { ...prepared, problems: runBlockers(note), links: [] };
  const problems: NoteProblem[] = [...note.problems, ...runBlockers(note)];
  const add = (line: number | undefined, message: string) => problems.push({ file, line, message });

  for (const placeholder of note.placeholders) add(placeholder.line, `unfilled template placeholder ${placeholder.text} in ${placeholder.where}`);
  for (const step of manualStepsOf(note)) {
    const markers = new Set([step.title, ...step.items].flatMap((text) => findStepTextMarkers(text).map((marker) => marker.text)));
    if (markers.size > 0) add(step.line, `unfilled template placeholder ${[...markers].join(', ')} in manual step "${step.title}": replace it with the real value`);
  }

  if (!note.stage) add(1, 'no **Stage**: field: add one (e.g. **Stage**: 21_01a) so `runbook rollback <stage>` finds the note');
  else if (!basename(file).startsWith(`${note.stage}_`) && basename(file) !== `${note.stage}.md`) {
    add(stageLine(note), `**Stage** is ${note.stage} but the file name does not start with ${note.stage}_: rename the file or fix the field`);
  }

  const section = note.rollback;
  const scripts: PreparedLint['scripts'] = [];
  if (section && section.paths.some((path) => path.steps.length > 0)) {
    for (const path of section.paths) if (path.steps.length === 0) add(path.line, `path "${path.title}" has no steps: add them or remove the heading`);
    for (const step of shellStepsOf(note)) scripts.push({ title: step.title, line: step.line, script: step.script, lineMap: step.lineMap });
    problems.push(...flagProblems(note));
    if (section.prometheusUrls.length === 0) {
      add(section.line, 'no Prometheus URL in the Rollback Procedure: add a check such as `curl -s http://127.0.0.1:9090/api/v1/targets`');
    }
  }
  problems.push(...monitoringProblems(note), ...lintPromql(note), ...lintHazards(note));
  return { ...prepared, problems, scripts };
}

/** Adds the bash syntax errors (`syntax[i]` is the result for `prepared.scripts[i]`), sorted by line. */
export function finishLint(prepared: PreparedLint, syntax: (SyntaxProblem | undefined)[]): NoteProblem[] {
  const problems = [...prepared.problems];
  prepared.scripts.forEach((step, index) => {
    const problem = syntax[index];
    if (!problem) return;
    const line = step.lineMap[Math.min(problem.line, step.lineMap.length - 1)] ?? step.line;
    problems.push({ file: prepared.file, line, message: `bash syntax error in step "${step.title}": ${problem.message}` });
  });
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function stageLine(note: Note): number {
  return note.fields.find((field) => field.name.toLowerCase() === 'stage')?.line ?? 1;
}

function flagProblems(note: Note): NoteProblem[] {
  const section = note.rollback!;
  const mentions = [...section.flagMentions, ...note.declaredFlags];
  if (mentions.length === 0) {
    return [{ file: note.file, line: section.line, message: 'no feature flag named: write the flag the rollback turns off, e.g. `USE_NEW_X=false`, in a step or a "Feature flag:" bullet' }];
  }
  const problems = summarizeFlags(mentions, note.file, () => undefined).problems;
  const setInSection = new Set(section.flagMentions.map((mention) => mention.name));
  for (const declared of note.declaredFlags) {
    if (!setInSection.has(declared.name)) {
      problems.push({ file: note.file, line: declared.line, message: `flag ${declared.name} is named here but no rollback step sets it: add the step that sets ${declared.name}=${declared.value}` });
    }
  }
  return problems;
}

function monitoringProblems(note: Note): NoteProblem[] {
  const problems: NoteProblem[] = [];
  const { checks, tableLine } = note.monitoring;
  if (tableLine === undefined) {
    problems.push({ file: note.file, line: note.rollback?.line ?? 1, message: 'no "Key Metrics to Watch" table (Metric | Baseline | Target | Alert Threshold): recovery can only be checked by targets' });
  }
  for (const check of checks) {
    if (!check.fromTable) {
      problems.push({ file: note.file, line: check.line, message: `query "${check.metric}" matches no row of the Key Metrics table: add a row with its Alert Threshold` });
      continue;
    }
    if (check.thresholdText === undefined) {
      problems.push({ file: note.file, line: check.line, message: `metric "${check.metric}" has no Alert Threshold: write one such as >150ms or <0.5%` });
    } else if (check.thresholdText !== undefined && !check.threshold) {
      problems.push({ file: note.file, line: check.line, message: `alert threshold "${check.thresholdText}" of "${check.metric}" is not understood: write an operator, a number and a unit, e.g. >150ms, <0.5%, >30s` });
    }
    if (!check.query) problems.push({ file: note.file, line: check.line, message: `metric "${check.metric}" has no PromQL query: add one under "Prometheus Queries" titled # ${check.metric}` });
  }
  return problems;
}
