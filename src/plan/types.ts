/**
 * The rollback plan: what a run would do, as plain data. `--dry-run` and `show` print it,
 * `--json` serialises it (schema in the README), the executor walks it.
 */

import type { NoteProblem } from '../errors.js';
import type { FlagReading } from '../flags/env-file.js';
import type { ForeignBlock, Threshold } from '../note/types.js';

export interface Plan {
  stage?: string;
  title: string;
  file: string;
  component?: string;
  status?: string;
  /** Line of the Rollback Procedure heading. */
  sectionLine?: number;
  /** sha256 of the Rollback Procedure section (see RollbackSection.hash). */
  sectionHash?: string;
  flags: PlanFlag[];
  prometheus: PrometheusSource;
  paths: PlanPath[];
  /** Index into `paths` of the path a run takes. */
  selectedPath: number;
  parameters: PlanParameter[];
  /** `$VAR` / `${VAR}` the steps use that no step sets: the environment must provide them. */
  unsetVariables: { name: string; lines: number[] }[];
  checks: PlanCheck[];
  /** Problems that stop the note from running (placeholders, no section, syntax errors). */
  problems: NoteProblem[];
  /** The `--env` environment the plan runs in, when one was chosen. */
  environment?: { name: string; production: boolean; targets: { jobs: string[]; labels: Record<string, string>; check: boolean } };
}

export interface PlanFlag {
  name: string;
  /** The value the rollback leaves the flag at, e.g. `false`. */
  rollbackValue: string;
  /** The env file as written in the note (`~/work/infra/.env.infra`), when a step edits one. */
  envFile?: string;
  /** Title and number (in the selected path) of the step that sets it. */
  step?: string;
  stepNumber?: number;
  line: number;
  /** The `sed -i` pattern the step needs to find in the env file, when it edits it that way. */
  sedPattern?: string;
  /** What the env file holds now; filled in by the command that reads the file. */
  current?: FlagReading;
}

export type PrometheusUrlSource = 'option' | 'environment' | 'profile' | 'note' | 'default';

export interface PrometheusSource {
  url: string;
  source: PrometheusUrlSource;
  line?: number;
}

export interface PlanPath {
  number: number;
  title: string;
  line: number;
  steps: PlanStep[];
  shellSteps: number;
}

export interface PlanStepBase {
  number: number;
  title: string;
  line: number;
  notes: string[];
  /**
   * The choices this step sits in, outermost first: it runs only when each of them takes
   * `option` (0-based). Empty for a step every run of the path goes through.
   */
  within: { choice: number; option: number }[];
  /** An earlier choice whose option `option` needs this step (W11): another option taken skips it. */
  decidedBy?: { choice: number; option: number };
  /** What the step's commands print, as the note shows it: shown, never run. */
  output?: string[];
  /** A go/no-go check: the run does not pass it without the operator's explicit yes. */
  gate?: string;
  /** The optional data rollback: `requested` by `--with-data-rollback` for unattended runs. */
  dataRollback?: { requested: boolean };
  /** `file:line` of the note this step was taken from when a path points at another plan. */
  linkedFrom?: string;
  /** The machines the note says the step is for ("the other server nodes"); a run happens on this machine only. */
  scope?: string;
  /** Runs only when this holds: interactive runs ask (default no), unattended runs never run it. */
  condition?: string;
}

export interface PlanShellStep extends PlanStepBase {
  kind: 'shell';
  /** The script with parameters filled in (unfilled ones stay as `<name>`). */
  script: string;
  /** The script as written in the note. */
  source: string;
  lineMap: number[];
  /** Flags this step sets, by name. */
  flags: string[];
  parameters: string[];
  /** Commands that never exit or need a terminal: pointed out; an unattended run stops before them. */
  hazards: PlanHazard[];
  /** Commands that delete or overwrite data or state: asked for on their own. */
  destructive: PlanHazard[];
}

export interface PlanHazard {
  line: number;
  command: string;
  reason: string;
  fix: string;
}

/** Alternatives: exactly one option's steps run. `chosen` is what an unattended run takes. */
export interface PlanChoiceStep extends PlanStepBase {
  kind: 'choice';
  options: { title: string; line: number; steps: number[] }[];
  chosen: number;
  /** `--choose` picked it, or it is the first option. */
  chosenBy: 'option' | 'default';
}

export interface PlanManualStep extends PlanStepBase {
  kind: 'manual';
  items: string[];
  code?: { language: string; text: string };
  /** The block's label says it never runs, but it holds a shell command. */
  mislabelled?: { line: number; language: string };
  /** A shell-labelled block typed into another console: never run. */
  foreign?: ForeignBlock;
  parameters?: string[];
  /** The code needs an interactive console (SQL): pointed out, typed by hand. */
  hazards?: PlanHazard[];
}

export type PlanStep = PlanShellStep | PlanManualStep | PlanChoiceStep;

export interface PlanParameter {
  name: string;
  lines: number[];
  value?: string;
  /** Only in text the operator pastes by hand (a chat message): shown, never required to run. */
  manualOnly?: boolean;
}

export interface PlanCheck {
  metric: string;
  query?: string;
  threshold?: Threshold;
  thresholdText?: string;
  baseline?: string;
  target?: string;
  line: number;
  /** Where the query starts in the note. */
  queryLine?: number;
}
