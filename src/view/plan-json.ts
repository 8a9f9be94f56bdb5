/**
 * The plan as JSON for other tools (`--json`). The shape is documented in the README and
 * versioned by `schemaVersion`; add fields, never rename them.
 */

import { optionLetter } from '../plan/choose.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { maskUrl } from '../prometheus/url.js';

export const PLAN_SCHEMA_VERSION = 1;

export function planToJson(plan: Plan): object {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    stage: plan.stage ?? null,
    title: plan.title,
    file: plan.file,
    component: plan.component ?? null,
    status: plan.status ?? null,
    flags: plan.flags.map((flag) => ({
      name: flag.name,
      rollbackValue: flag.rollbackValue,
      envFile: flag.envFile ?? null,
      step: flag.stepNumber ?? null,
      stepTitle: flag.step ?? null,
      line: flag.line,
      currentValue: flag.current?.state === 'set' ? flag.current.value : null,
      currentState: flag.current?.state ?? null,
      sedPattern: flag.sedPattern ?? null,
      sedMatches: flag.current?.state === 'set' ? (flag.current.sedMatches ?? null) : null,
    })),
    environment: plan.environment ?? null,
    prometheus: { url: maskUrl(plan.prometheus.url), source: plan.prometheus.source, line: plan.prometheus.line ?? null },
    selectedPath: plan.paths.length > 0 ? plan.selectedPath + 1 : null,
    paths: plan.paths.map((path) => ({
      number: path.number,
      title: path.title,
      line: path.line,
      selected: path.number === plan.selectedPath + 1,
      // Nested: a choice holds its options' steps; only the top-level steps are listed here.
      steps: path.steps.filter((step) => step.within.length === 0).map((step) => stepToJson(step, path.steps)),
    })),
    parameters: plan.parameters.map((parameter) => ({ name: parameter.name, lines: parameter.lines, value: parameter.value ?? null, ...(parameter.manualOnly ? { manualOnly: true } : {}) })),
    unsetVariables: plan.unsetVariables,
    checks: plan.checks.map((check) => ({
      metric: check.metric,
      query: check.query ?? null,
      threshold: check.threshold ? { op: check.threshold.op, value: check.threshold.value, unit: check.threshold.unit, baseValue: check.threshold.baseValue } : null,
      thresholdText: check.thresholdText ?? null,
      baseline: check.baseline ?? null,
      target: check.target ?? null,
      line: check.line,
    })),
    problems: plan.problems,
  };
}

function stepToJson(step: PlanStep, steps: readonly PlanStep[]): object {
  const common = {
    number: step.number,
    title: step.title,
    kind: step.kind,
    line: step.line,
    notes: step.notes,
    output: step.output ?? [],
    gate: step.gate ?? null,
    dataRollback: step.dataRollback ? { optional: true, runsUnattended: step.dataRollback.requested } : null,
    linkedFrom: step.linkedFrom ?? null,
    scope: step.scope ?? null,
    condition: step.condition ?? null,
  };
  if (step.kind === 'shell') {
    return { ...common, script: step.script, flags: step.flags, parameters: step.parameters, destructive: step.destructive, hazards: step.hazards };
  }
  if (step.kind === 'choice') {
    const byNumber = new Map(steps.map((candidate) => [candidate.number, candidate]));
    return {
      ...common,
      options: step.options.map((option, index) => ({
        letter: optionLetter(index),
        title: option.title,
        line: option.line,
        // Direct children only: deeper steps sit in their own choices.
        steps: option.steps
          .map((number) => byNumber.get(number)!)
          .filter((child) => child.within.length === step.within.length + 1)
          .map((child) => stepToJson(child, steps)),
      })),
      chosen: step.chosen,
      chosenBy: step.chosenBy,
    };
  }
  return { ...common, items: step.items, code: step.code ?? null, mislabelled: step.mislabelled ?? null, foreign: step.foreign ?? null, parameters: step.parameters ?? [], hazards: step.hazards ?? [] };
}
