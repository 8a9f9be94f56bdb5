/**
 * A migration note as runbook understands it: plain data, produced by `parseNote` without
 * touching the disk, the network or a process. Lines are 1-based lines of the note file.
 */

import type { NoteProblem } from '../errors.js';

export interface Note {
  file: string;
  /** Text of the first level-1 heading, e.g. "Migration: Dialog Context Repository · Stage 21_01a". */
  title: string;
  /** Line of the title heading. */
  titleLine?: number;
  /** `**Field**: value` lines at the top of the note (Component, Stage, Date, Owner, Status). */
  fields: NoteField[];
  stage?: string;
  component?: string;
  status?: string;
  rollback?: RollbackSection;
  /** Flags named in `Feature flag:` bullets outside the section (Breaking Changes). */
  declaredFlags: FlagMention[];
  monitoring: Monitoring;
  /** Template markers such as `[YYYY-MM-DD]` outside runnable steps (metadata, titles). */
  placeholders: Placeholder[];
  /** Problems found while reading the note; whether they block a run is decided by the plan. */
  problems: NoteProblem[];
}

export interface NoteField {
  name: string;
  value: string;
  line: number;
}

export interface RollbackSection {
  heading: string;
  line: number;
  /** sha256 of the section's text: a resumed run refuses to continue if it changed. */
  hash: string;
  /** Alternative ways to roll back; one untitled path when the section has no sub-headings. */
  paths: RollbackPath[];
  /** Every `NAME=value` flag assignment found in the section, in document order. */
  flagMentions: FlagMention[];
  prometheusUrls: UrlMention[];
}

export interface RollbackPath {
  title: string;
  line: number;
  steps: Step[];
}

export type Step = ShellStep | ManualStep | ChoiceStep;

interface StepBase {
  title: string;
  line: number;
  /** Text around the commands that a person should read (nested bullets, a lead-in). */
  notes: string[];
  /** What the step's commands print, as the note shows it: displayed, never run. */
  output?: string[];
  /** A go/no-go check written in the note: the run does not pass it without an explicit yes. */
  gate?: string;
  /** The note's optional "Rollback Data Migration" step: asked, off by default. */
  dataRollback?: boolean;
  /** Where the step came from when a path points at another file (`docs/x.md:12`). */
  linkedFrom?: string;
  /** The machines the text says the step is for ("each node", "the other server nodes"); runbook runs it on this one. */
  scope?: string;
  /** The step runs only when this holds ("only if the volume is corrupt"): asked on its own, default no, never run unattended. */
  condition?: string;
  /** A consequence of an earlier choice ("(If required) Restore the database"): only that option of it needs the step. */
  decidedBy?: { choice: ChoiceStep; option: number };
}

/**
 * Alternatives the operator picks exactly one of (by OS, install method, datastore, …).
 * `chosen` is the option an unattended run takes.
 */
export interface ChoiceStep extends StepBase {
  kind: 'choice';
  options: ChoiceOption[];
  chosen: number;
  /** Read from per-OS `# Ubuntu` / `# CentOS` comments inside one block (lint suggests splitting it). */
  fromComments?: boolean;
}

export interface ChoiceOption {
  title: string;
  line: number;
  steps: Step[];
}

/** A command that needs attention before it runs: it never exits, needs a terminal, or destroys state. */
export interface CommandHazard {
  line: number;
  command: string;
  /** What is wrong, e.g. "never exits (--watch)". */
  reason: string;
  /** What to do about it. */
  fix: string;
}

export interface ShellStep extends StepBase {
  kind: 'shell';
  /** The bash script as it will run (console prompts stripped, output lines dropped). */
  script: string;
  /** Where each script line came from, so a bash error can be reported as file:line. */
  lineMap: number[];
  /** Template markers left in the script: the note is not runnable while any remain. */
  placeholders: Placeholder[];
  /** Operator parameters such as `<incident-id>`, filled in with `--set`. */
  parameters: ParameterMention[];
  /** Commands that never exit or need a terminal: pointed out, never run unattended. */
  hazards: CommandHazard[];
  /** Commands that delete or overwrite data or state: asked for on their own. */
  destructive: CommandHazard[];
}

/** Where a block shows it is typed into another program's console, not bash. */
export interface ForeignBlock {
  /** Note line of the telling line. */
  line: number;
  /** The fence's label ('' when it has none). */
  language: string;
  kind: 'prompt' | 'http';
  text: string;
}

export interface ManualStep extends StepBase {
  kind: 'manual';
  /** Things the operator does by hand and acknowledges. */
  items: string[];
  /** Code shown to the operator but never run (python, promql, …), with its language. */
  code?: { language: string; text: string };
  /** A block whose label says it does not run (`yaml`, `text`) but which holds a shell command. */
  mislabelled?: { line: number; language: string };
  /** A shell-labelled or unlabelled block typed into another console (`127.0.0.1:6379> SAVE`, `DELETE my-index`): never run. */
  foreign?: ForeignBlock;
  /** `<Issue or doc link>` in text the operator pastes (a chat message): asked, never run. */
  parameters?: ParameterMention[];
  /** Commands written in the text (`systemctl status k3s` in inline code): runbook never runs them. */
  commandsInText?: string[];
  /** The step is an empty fence. */
  emptyBlock?: boolean;
  /** What the code needs to be typed into (an interactive database console for `sql`): pointed out. */
  hazards?: CommandHazard[];
  /** "Follow full rollback plan from `docs/…/rollback_plan.md`": a pointer to another plan. */
  link?: { target: string; line: number };
}

export interface Placeholder {
  /** The marker as written, e.g. `[COMPONENT]`. */
  text: string;
  line: number;
  /** Where it was found, e.g. `step 1 "Disable feature flag"` or `field **Date**`. */
  where: string;
}

export interface ParameterMention {
  name: string;
  line: number;
  /** The text the value replaces, as written (`<SNAPSHOT.db>`, `$YOUR_INSTANCE`, `[filename]`). */
  text?: string;
}

export type FlagValue = string;

export interface FlagMention {
  name: string;
  /** The value this mention gives the flag (`false`, `0`, `off`, …) as written. */
  value: FlagValue;
  line: number;
  /** How the value is set: a sed edit of a file, an append to a file, an export, or prose. */
  source: 'sed' | 'append' | 'assignment' | 'prose' | 'declared';
  /** The file edited, as written in the note (e.g. `~/work/infra/.env.infra`). */
  envFile?: string;
  /** Title of the step that sets the flag, when it is set by a step. */
  step?: string;
  /** The linked plan file the mention is in (its `line` is that file's), when not the note itself. */
  file?: string;
  /** For `sed -i 's/X=true/X=false/' FILE`: the pattern (`X=true`) a line of the file must match for the edit to happen. */
  sedPattern?: string;
}

export interface UrlMention {
  /** Base URL of the Prometheus API, without the `/api/v1/...` path. */
  url: string;
  line: number;
}

export interface Monitoring {
  checks: MetricCheck[];
  /** Line of the "Key Metrics to Watch" table, when there is one. */
  tableLine?: number;
  queriesLine?: number;
}

export interface MetricCheck {
  metric: string;
  /** False for a query that no row of the Key Metrics table claimed (no threshold to compare with). */
  fromTable: boolean;
  baseline?: string;
  target?: string;
  /** The Alert Threshold cell as written. */
  thresholdText?: string;
  threshold?: Threshold;
  query?: string;
  /** The query's `# comment` title, when it had one. */
  queryTitle?: string;
  line: number;
  queryLine?: number;
}

export type ThresholdOperator = '>' | '>=' | '<' | '<=';
export type ThresholdUnit = 'ms' | 's' | 'm' | 'h' | '%' | '';

export interface Threshold {
  op: ThresholdOperator;
  /** The number as written, in `unit`. */
  value: number;
  unit: ThresholdUnit;
  /** The value in Prometheus base units: seconds for time, a ratio for percent. */
  baseValue: number;
}
