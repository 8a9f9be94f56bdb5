/**
 * The shared front half of every command that acts on one note: find it, read it, build
 * the plan, check its scripts with `bash -n`, read the flags' current values. Refuses
 * (with every problem listed) when the note cannot run.
 */

import { resolve } from 'node:path';
import { loadEnvironment, ioForEnvironment } from '../environments/load-environment.js';
import type { EnvironmentProfile } from '../environments/parse-environments.js';
import { NoteError, type NoteProblem } from '../errors.js';
import { readFlagValue } from '../flags/env-file.js';
import type { Io } from '../io.js';
import { stepHazards } from '../lint/lint-hazards.js';
import { buildPlan, type PlanOptions } from '../plan/build-plan.js';
import { fillParameters, parseSetOptions } from '../plan/parameters.js';
import type { Plan, PlanShellStep } from '../plan/types.js';
import { displayPath, findNote, runbooksDir } from '../runbooks/find-note.js';
import { loadNote } from '../runbooks/load-note.js';

export interface LoadPlanOptions {
  /** Stage id or path to a `.md` note. */
  reference: string;
  runbooks?: string;
  path?: string;
  /** `--set name=value` options as typed. */
  set?: string[];
  /** `--choose step=option` options as typed. */
  choose?: string[];
  /** `--with-data-rollback`: an unattended run also runs the data rollback step. */
  withDataRollback?: boolean;
  /** `--prometheus-url`; PROMETHEUS_URL from the environment comes next. */
  prometheusUrl?: string;
  /** Working directory of the steps (relative env files are read from here). */
  cwd?: string;
  /** `--env NAME`: an environment from `<runbooks>/environments.json`. */
  environment?: string;
}

/** The plan, and the world its steps run in (HOME and variables from the environment profile). */
export interface LoadedPlan {
  plan: Plan;
  /** What `runbook lint` says about the steps beyond what the plan shows (see lint-hazards.ts). */
  hazards: NoteProblem[];
  io: Io;
  cwd: string;
  environment?: EnvironmentProfile;
}

export async function loadPlan(options: LoadPlanOptions, baseIo: Io): Promise<LoadedPlan> {
  const dir = runbooksDir(options.runbooks, baseIo);
  const environment = options.environment ? await loadEnvironment(options.environment, dir, baseIo) : undefined;
  const io = ioForEnvironment(baseIo, environment);
  const file = await findNote(options.reference, dir, io);
  const note = await loadNote(displayPath(file, io), io);
  // runbook's own PROMETHEUS_URL, not one the profile sets for its steps (it ranks below the profile's prometheusUrl).
  const plan = buildPlan(note, planOptions(options, baseIo, environment));
  if (environment) plan.environment = { name: environment.name, production: environment.production, targets: environment.targets };
  // Variables the steps' environment provides (the shell's, or the profile's) are not missing.
  plan.unsetVariables = plan.unsetVariables.filter((variable) => io.env[variable.name] === undefined);
  const problems = [...plan.problems, ...(await syntaxProblems(plan, io))];
  if (problems.length > 0) {
    const template = problems.some((problem) => problem.message.startsWith('template placeholder'));
    throw new NoteError(`${note.file} cannot run: ${problems.length} problem${problems.length === 1 ? '' : 's'}${template ? ' (an unfilled copy of the template?)' : ''}; fix the note and try again`, problems);
  }
  const cwd = resolve(baseIo.cwd, options.cwd ?? environment?.cwd ?? '.');
  await readFlagValues(plan, io, cwd);
  return { plan, io, cwd, environment, hazards: stepHazards(note) };
}

/** Precedence: command-line option > runbook's environment variables > environment profile > note. */
function planOptions(options: LoadPlanOptions, io: Io, environment: EnvironmentProfile | undefined): PlanOptions {
  const url = options.prometheusUrl
    ? { url: options.prometheusUrl, source: 'option' as const }
    : io.env.PROMETHEUS_URL
      ? { url: io.env.PROMETHEUS_URL, source: 'environment' as const }
      : environment?.prometheusUrl
        ? { url: environment.prometheusUrl, source: 'profile' as const }
        : undefined;
  const defaults = parseSetOptions(Object.entries(environment?.parameters ?? {}).map(([name, value]) => `${name}=${value}`));
  return {
    path: options.path,
    parameters: parseSetOptions(options.set ?? []),
    defaultParameters: defaults,
    prometheusUrl: url,
    choices: options.choose ?? [],
    withDataRollback: options.withDataRollback === true,
  };
}

/** `bash -n` over the selected path's shell steps, problems mapped back to note lines. */
export async function syntaxProblems(plan: Plan, io: Io): Promise<NoteProblem[]> {
  const steps = (plan.paths[plan.selectedPath]?.steps ?? []).filter((step): step is PlanShellStep => step.kind === 'shell');
  const results = await io.checkSyntax(steps.map(scriptForSyntaxCheck));
  return steps.flatMap((step, index) => {
    const problem = results[index];
    if (!problem) return [];
    const line = step.lineMap[Math.min(problem.line, step.lineMap.length - 1)] ?? step.line;
    return [{ file: plan.file, line, message: `bash syntax error in step ${step.number} "${step.title}": ${problem.message}` }];
  });
}

/** Unfilled `<parameters>` would read as redirections; a stand-in word keeps `bash -n` honest. */
export function scriptForSyntaxCheck(step: { source: string }): string {
  return fillParameters(step.source, () => 'PARAMETER');
}

async function readFlagValues(plan: Plan, io: Io, cwd: string): Promise<void> {
  await Promise.all(
    plan.flags.map(async (flag) => {
      if (flag.envFile) flag.current = await readFlagValue(flag.envFile, flag.name, io, cwd, flag.sedPattern);
    }),
  );
}
