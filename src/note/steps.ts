/**
 * The steps of a Rollback Procedure, in document order, decided from what the text says:
 * list items and blocks holding shell commands become `shell` steps; bullets, pointers and
 * non-shell code become `manual` steps; alternatives (sub-headings, tabs, labelled bullets,
 * per-OS comment groups, "Alternatively, …") become `choice` steps at any depth; paragraphs
 * around steps are their notes; output shown in the note is output, never a step.
 */

import type { Blockquote, Code, List, ListItem, Nodes, Paragraph, RootContent, Table } from 'mdast';
import { COMMENT_VARIANT_TERMS, alternativeRuns, commandShape, introducesAlternatives, readsAsAlternatively, readsAsCondition, readsAsOption, subOptionTail, variantTerms, type Candidate } from './alternatives.js';
import { findDestructive, findHazards } from './command-hazards.js';
import { withoutAntiExamples } from './anti-examples.js';
import { findVariantLines, flagRepeatedRollbacks } from './variant-lines.js';
import { conditionOf, heldBackReason, leadingCondition, withoutLabel } from './held-back.js';
import { lineOf, textOf } from './markdown.js';
import { findExampleValues, findParameters, findScriptMarkers, normaliseParameters, PARAMETER } from './placeholders.js';
import { nodeData, prepareNodes } from './prepare-nodes.js';
import { readScope } from './scope-and-condition.js';
import { cleanTitle } from './rollback-section.js';
import { firstSentence, sectionTree, type Section, type SectionTree } from './sections.js';
import { classifyBlock, foreignLine, hasCommands, isShellLanguage, isShellSetup, isTranscriptLanguage, isUsageLine, scriptLines, splitOnMarkers, trimBlankEnds, type ScriptLines } from './shell-block.js';
import { stripComment } from './shell-words.js';
import { spreadNamedParts } from './shared-parameters.js';
import { readsAsStatedAfter, readsAsStatedBefore, type StatedBefore, stepMentions } from './stated-order.js';
import type { ChoiceOption, ChoiceStep, ForeignBlock, ManualStep, RollbackPath, ShellStep, Step } from './types.js';
import { gatePreviews } from './preview-gates.js';
import { flattenSteps } from './walk-steps.js';

interface Lead {
  title: string;
  notes: string[];
  /** The whole paragraph as a person reads it. */
  text: string;
  line: number;
  /** The title was bold (`**Disable feature flag**:`), not just the first sentence. */
  bold: boolean;
  /** The lead ended with a colon: it introduces what follows rather than standing alone. */
  introduces: boolean;
  node: Paragraph;
}

/** A sub-heading inside a path ("#### Restart services"): it titles the step that follows it. */
interface PendingHeading {
  title: string;
  line: number;
}

/** The last sentence of a lead says what appears, not what to type ("… and log:", "you will see them ingest …:"). */
const DESCRIBES_OUTPUT = /\b(?:logs?|prints?|shows?|displays?|reports?|outputs?|responds?|returns?|ingests?|you (?:will|should) see|appears?|looks? like)\b/i;
const OUTPUT_LANGUAGES = new Set(['text', 'txt', 'output', 'plaintext', 'plain', 'log', 'none', 'nohighlight']);
const OUTPUT_LEAD =
  /\b(?:example output|sample output|the output|output is|output should|output looks|you should see|(?:will|should) (?:print|show|return|look like)|prints?\s+(?:something\s+)?like|similar to)\b|^output\b/i;
// "When confident that …, apply", "Once you are satisfied with the plan, run": the text asks for a
// judgement before the block, a go/no-go of its own.
const CONFIDENT = /^(?:when|once|if|after)\s+(?:you(?:'re|\s+are|\s+feel)\s+)?(?:confident|satisfied|sure|certain|comfortable|convinced|happy)\s+(?:that|with)\b/i;
// A heading that only names output: "Output", "Example output", "Expected result", "Response".
const OUTPUT_HEADING = /^(?:(?:example|sample|expected|typical)\s+)?(?:output|results?|response)$/i;
// "This time the application returns …": a statement of what the action before printed. Not a
// lead that names the block itself as a command ("The following query shows …").
const NAMES_BLOCK = /\b(?:following|below|this|these|next)\s+(?:\w+\s+)?(?:commands?|quer(?:y|ies)|scripts?|requests?|statements?|snippets?|code|steps?)\b/i;

function describesOutput(text: string): boolean {
  const last = text.split(/(?<=[.!?])\s+/).at(-1)!;
  return DESCRIBES_OUTPUT.test(last) && !NAMES_BLOCK.test(text) && !IMPERATIVE.test(last.replace(/^(?:now|then|next|finally),?\s+/i, ''));
}

const GATE =
  /\b(?:(?:allowed|permitted) only (?:if|when)|only (?:allowed|permitted) (?:if|when)|approves?\b|(?:verify|review|inspect|check)\s+(?:the\s+)?contents?\b|complete and accurate|(?:before|until) (?:you )?(?:proceed(?:ing)?|go(?:ing)? on|continu(?:e|ing)|apply(?:ing)? it)\b|(?:go on|continue|proceed|move on)\b[^.]*\bonly (?:if|when|after)|only (?:go on|continue|proceed)\b|if\b[^.]*\b(?:match(?:es)?|pass(?:es)?|succeeds?|is healthy|are healthy|looks? (?:right|good|correct))\b[^.]*,\s*(?:go on|continue|proceed|move on)|sign(?:ed|s)?[- ]off|get (?:an? )?(?:approval|go-ahead)|go\/no-go|do not (?:go on|continue|proceed) (?:until|unless))\b/i;
/** First words of a sentence that tells the reader to do something (a manual step, not a note); "Rollback is only safe if …" is a statement. */
const IMPERATIVE =
  /^(?:follow|restart|run|check|verify|confirm|make sure|ensure|post|notify|tell|page|stop|start|type|enter|open|log in|sign in|revert|reset|restore|remove|delete|update|edit|set|copy|move|wait|ask|contact|schedule|create|apply|redeploy|deploy|roll back|rollback|downgrade|upgrade|install|uninstall|reinstall|disable|enable|replace|go back|take|download|upload|switch|announce|inform|escalate|review|monitor|watch|drain|cordon|scale|rerun|re-run|retry|clear|flush|purge|reboot|shut down|bring)\b(?!\s+(?:is|are|was|were|will|would|can|could|may|might|should|must|has|had|does)\b)/i;

interface Flow {
  steps: Step[];
  /** Notes read before any step: they go with the next step. */
  pending: string[];
}

/** The alternative paths of a Rollback Procedure, each with its steps. */
export function readPaths(nodes: RootContent[], sectionTitle: string, sectionLine: number, depth: number): RollbackPath[] {
  const paths = pathsOf(nodes, sectionTitle, sectionLine, depth);
  for (const path of paths) {
    linkConsequences(path.steps);
    path.steps = gatePreviews(path.steps);
  }
  return paths;
}

function pathsOf(nodes: RootContent[], sectionTitle: string, sectionLine: number, depth: number): RollbackPath[] {
  const tree = sectionTree(prepareNodes(nodes, depth + 1));
  const candidates = tree.children.map(candidateOf);
  const runs = alternativeRuns(candidates, introducesAlternatives(lastText(tree.body)));
  // One sub-heading holding everything: the path is named after it.
  const only = tree.children.length === 1 && !tree.body.some((node) => node.type !== 'html' && node.type !== 'thematicBreak') ? tree.children[0] : undefined;
  const prelude = preludeNotes(tree.body);
  const withAfter = (steps: Step[]) => flagRepeatedRollbacks(spreadNamedParts(acrossSections([...steps, ...statedAfter(prelude, steps)])));
  if (only) return [{ title: only.title, line: only.line, steps: withAfter(stepsOfTree(only, only.title)) }];
  const tabs = wholeTabGroup(tree);
  if (tabs) return tabs.map((path) => ({ ...path, steps: withAfter(path.steps) }));
  if (runs.length === 0) return [{ title: sectionTitle, line: sectionLine, steps: withAfter(stepsOfTree(tree, sectionTitle)) }];
  const [start, end] = runs[0]!;
  const carry: string[] = [];
  const before = [...flowSteps(tree.body, sectionTitle, carry), ...stepsOfChildren(tree.children.slice(0, start))];
  attachNotes(before, carry);
  const rest = tree.children.slice(end);
  // A section after the paths that only points at other documents is read with each path, as a note.
  const references = rest.flatMap((section) => (tableNotes(section) ? [] : (referenceNotes(section) ?? [])));
  // A table after the paths ("### Decision Matrix") helps pick one: shown with each path's first step, before anything runs.
  const tables = rest.flatMap((section) => tableNotes(section) ?? []);
  const after = stepsOfChildren(rest.filter((section) => !referenceNotes(section)));
  const options = optionsOf(tree.children.slice(start, end), true);
  crossReferences(options);
  return options.map((option) => {
    const steps = flagRepeatedRollbacks(spreadNamedParts(acrossSections([...before, ...option.steps, ...statedAfter(prelude, option.steps), ...after])));
    if (references.length > 0 && steps.length > 0) steps[steps.length - 1] = { ...steps.at(-1)!, notes: [...steps.at(-1)!.notes, ...references] };
    if (tables.length > 0 && steps[0]) steps[0] = { ...steps[0], notes: [...tables, ...steps[0].notes] };
    // Notes before the paths go with each path's first step (a copy: each path is its own list).
    if (before.length === 0 && carry.length > 0 && steps[0]) steps[0] = { ...steps[0], notes: [...carry, ...steps[0].notes] };
    return { title: option.title, line: option.line, steps };
  });
}

/**
 * "Note: after any downgrade check the databases with `migrator drift`" before the paths: a
 * last manual step of each path whose steps do a downgrade (the note stays a note too).
 */
function statedAfter(notes: readonly { text: string; line: number }[], steps: readonly Step[]): ManualStep[] {
  return notes.flatMap(({ text, line }) => {
    const reading = readsAsStatedAfter(text);
    if (!reading || !steps.some((step) => stepMentions(step, reading.target))) return [];
    return [manualStep(shortTitle(cleanTitle(reading.title)), line, [text])];
  });
}

/**
 * A section of the path whose only content says it comes before what an earlier section does
 * ("### Gateways" / "Reinstall the old gateways before you uninstall the canary."): that step
 * moves before the first step that does it. (Within one section flowSteps has placed them.)
 */
function acrossSections(steps: Step[]): Step[] {
  const out = [...steps];
  for (let index = 1; index < out.length; index++) {
    const step = out[index]!;
    if (step.kind !== 'manual' || step.code || step.gate || step.link || step.items.length === 0) continue;
    const readings = step.items.map((item) => readsAsStatedBefore(item));
    if (readings.some((reading) => reading?.target === undefined)) continue;
    const target = out.slice(0, index).findIndex((earlier) => readings.every((reading) => stepMentions(earlier, reading!.target!)));
    if (target === -1) continue;
    const gate = readings.find((reading) => reading!.gate)?.gate;
    out.splice(index, 1);
    out.splice(target, 0, gate ? { ...step, gate } : step);
  }
  return out;
}

/** The paragraphs and quotes a section opens with, before its first step or sub-heading. */
function preludeNotes(nodes: readonly RootContent[]): { text: string; line: number }[] {
  const end = nodes.findIndex((node) => node.type !== 'paragraph' && node.type !== 'blockquote' && node.type !== 'html' && node.type !== 'thematicBreak');
  return nodes.slice(0, end === -1 ? nodes.length : end).flatMap((node) => {
    if (node.type === 'paragraph') return [{ text: cleanTitle(textOf(node)), line: lineOf(node) }];
    if (node.type !== 'blockquote' || containsCode(node)) return [];
    return [
      {
        text: node.children
          .map((child) => textOf(child))
          .filter((part) => part !== '')
          .join(' '),
        line: lineOf(node),
      },
    ];
  });
}

/** "(If required) Restore the database", "(if needed) …": a step that runs only when an earlier decision says so. */
const CONSEQUENCE = /^\(\s*((?:only\s+)?(?:if|when))\s+(required|needed|necessary|applicable)\s*\)\s*[:.\-–—]?\s*/i;
/** "Decide whether a DB restore is required", "Check if you need to restore": a choice that decides it. */
const DECIDES = /\b(?:whether|if)\b.*\b(?:required|needed|necessary|needs?)\b/i;
const NEEDS = /\b(?:needs?|requires?|required)\b/i;

/**
 * A step marked "(If required)" is conditional ("if required"); when a choice before it decides
 * whether it is required ("Decide whether a DB restore is required"), the condition names that
 * choice and the option whose text says the step is needed. The step stays where the note puts
 * it: the order between (stop writers, then restore) is the note's.
 */
function linkConsequences(steps: Step[]): void {
  steps.forEach((step, index) => {
    if (step.kind === 'choice') {
      for (const option of step.options) linkConsequences(option.steps);
      return;
    }
    const marker = CONSEQUENCE.exec(step.title);
    if (!marker || step.condition !== undefined || marker[0].length === step.title.length) return;
    const rest = step.title.slice(marker[0].length);
    step.title = rest.charAt(0).toUpperCase() + rest.slice(1);
    const condition = `${marker[1]!.toLowerCase()} ${marker[2]!.toLowerCase()}`;
    const decision = steps
      .slice(0, index)
      .reverse()
      .find((before): before is ChoiceStep => before.kind === 'choice' && DECIDES.test(before.title));
    const needs = decision?.options.filter((option) => NEEDS.test([option.title, ...flattenSteps(option.steps).flatMap((inner) => [inner.title, ...(inner.kind === 'manual' ? inner.items : [])])].join(' ')));
    step.condition = !decision ? condition : `${condition} (decided at "${decision.title}"${needs?.length === 1 ? `: ${needs[0]!.title}` : ''})`;
    if (decision && needs?.length === 1) step.decidedBy = { choice: decision, option: decision.options.indexOf(needs[0]!) };
  });
}

/**
 * Content tabs that hold the whole procedure (only notes before them, nothing after): each tab
 * is a path, as sub-headings would be. Tabs among other steps are a choice step instead.
 */
function wholeTabGroup(tree: SectionTree): RollbackPath[] | undefined {
  if (tree.children.length > 0) return undefined;
  const body = tree.body.filter((node) => node.type !== 'html' && node.type !== 'thematicBreak');
  const list = body.at(-1);
  if (list?.type !== 'list' || nodeData(list).tab !== true || list.children.length < 2) return undefined;
  if (!body.slice(0, -1).every((node) => node.type === 'paragraph' || (node.type === 'blockquote' && !containsCode(node)))) return undefined;
  const notes = body.slice(0, -1).map((node) => textOf(node));
  return list.children.map((item) => {
    const title = cleanTitle(textOf(item.children[0]!));
    const steps = flowSteps(item.children.slice(1), title);
    if (steps.length === 0) steps.push(manualStep(title, lineOf(item), [title]));
    steps[0]!.notes.unshift(...notes);
    return { title, line: lineOf(item), steps };
  });
}

/**
 * "Downgrade Synapse itself, following the instructions … in the "Rolling back to older
 * versions" section above": a manual step that sends the reader to another path of the note
 * is replaced by that path's steps. The first of them (a copy: the other path keeps its own)
 * takes the reference's words as its title and a note, so the plan reads as the note does. A
 * path whose title names the version it rolls back to ("Rolling back to v1.25.0 …") fills
 * that version in wherever its steps, the referenced ones included, leave `<version>` open.
 */
function crossReferences(options: ChoiceOption[]): void {
  const own = new Map(options.map((option) => [option, option.steps]));
  for (const option of options) {
    option.steps = option.steps.flatMap((step) => {
      if (step.kind !== 'manual' || step.code || step.items.length !== 1) return [step];
      const text = step.items[0]!;
      if (!/\b(?:section|instructions|steps|above|below)\b/i.test(text)) return [step];
      const target = options.find((other) => other !== option && text.includes(`"${other.title}"`));
      const steps = target ? own.get(target)! : [];
      if (steps.length === 0) return [step];
      const [first, ...rest] = steps;
      const note = `${text} (the steps of "${target!.title}")`;
      const title = steps.length === 1 ? shortTitle(cleanTitle(text)) : first!.title;
      return [{ ...first!, title, notes: [note, ...first!.notes] }, ...rest];
    });
    const version = targetVersion(option.title);
    if (version) option.steps = option.steps.map((step) => withVersion(step, version));
  }
}

/** "Rolling back to v1.25.0 after a failed upgrade", "Downgrade to 2.3": the version a path ends at. */
function targetVersion(title: string): string | undefined {
  return /\b(?:roll(?:ing|ed)?[ -]?back|downgrad\w*|revert\w*|go(?:ing)? back)\b[^.]*?\bto\s+v?(\d+(?:\.\d+)+)\b/i.exec(title)?.[1];
}

/** Parameters that stand for the version to install: `<version>` (from an example value), `<x.y.z>`, `<vX.Y.Z>`. */
const VERSION_PARAMETER = /^(?:(?:target[-_ ]?)?version|v?x\.y\.z)$/i;

/** The step (a copy when it changes) with `<version>` filled in; spelled `v1.2.3` where the note wrote a `v`. */
function withVersion(step: Step, version: string): Step {
  if (step.kind === 'choice') {
    const options = step.options.map((option) => ({ ...option, steps: option.steps.map((inner) => withVersion(inner, version)) }));
    return options.some((option, index) => option.steps.some((inner, at) => inner !== step.options[index]!.steps[at])) ? { ...step, options } : step;
  }
  if (step.kind !== 'shell') return step;
  const filled = step.parameters.filter((parameter) => VERSION_PARAMETER.test(parameter.name));
  if (filled.length === 0) return step;
  const spelled = (name: string) => (/^v/i.test(filled.find((parameter) => parameter.name === name)?.text ?? name) ? `v${version}` : version);
  const names = new Set(filled.map((parameter) => parameter.name));
  const script = step.script.replace(PARAMETER, (whole, name: string) => (names.has(name) ? spelled(name) : whole));
  const values = [...names].map((name) => `<${name}> is ${spelled(name)}`).join(', ');
  return { ...step, script, parameters: step.parameters.filter((parameter) => !names.has(parameter.name)), notes: [...step.notes, `${values}: the version this path rolls back to`] };
}

/** Notes read before any step of a section go with its first step. */
function attachNotes(steps: Step[], notes: string[]): void {
  if (steps[0] && notes.length > 0) {
    steps[0].notes.unshift(...notes);
    notes.length = 0;
  }
}

/** Steps of a run of nodes (a path, a blockquote): sub-headings become steps or choices. */
export function extractSteps(nodes: RootContent[], pathTitle: string): Step[] {
  return stepsOfTree(sectionTree(prepareNodes(nodes, 3)), pathTitle);
}

function stepsOfTree(tree: SectionTree, title: string): Step[] {
  const carry: string[] = [];
  const steps = flowSteps(tree.body, title, tree.children.length > 0 ? carry : undefined);
  for (const step of steps) if (step.kind === 'choice' && step.title === 'Choose one') step.title = purposeOf(step.options[0]!.title) ?? step.title;
  steps.push(...stepsOfChildren(tree.children, introducesAlternatives(lastText(tree.body)), steps.length > 0));
  attachNotes(steps, carry);
  if (steps.length === 0 && carry.length > 0) steps.push(manualStep(title, tree.children[0]?.line ?? 1, carry));
  return steps;
}

function stepsOfChildren(children: Section[], introduced = false, preceded = false): Step[] {
  const runs = alternativeRuns(children.map(candidateOf), introduced);
  const steps: Step[] = [];
  for (let index = 0; index < children.length; index++) {
    const run = runs.find(([start]) => start === index);
    if (run) {
      const group = children.slice(run[0], run[1]);
      steps.push(choiceStep(choiceTitle(group), group[0]!.line, optionsOf(group)));
      index = run[1] - 1;
      continue;
    }
    const references = referenceNotes(children[index]!);
    const output = outputOf(children[index]!);
    const producing = producer(steps.at(-1));
    if (output && producing && producing.kind !== 'choice') (producing.output ??= []).push(...output);
    else if (references && steps.length > 0) steps.at(-1)!.notes.push(...references);
    else if (index === children.length - 1 && (preceded || steps.length > 0) && CLEAN_UP.test(children[index]!.title)) steps.push(...stepsOfSection(children[index]!).map(cleanUpStep));
    else steps.push(...stepsOfSection(children[index]!));
  }
  return steps;
}

/** "### Output" over nothing but blocks: what the step before prints, never a step (unseen2 W4). */
function outputOf(section: Section): string[] | undefined {
  if (section.children.length > 0 || !OUTPUT_HEADING.test(section.title) || section.body.length === 0) return undefined;
  if (!section.body.every((node) => node.type === 'code')) return undefined;
  return section.body.flatMap((node) => (node as Code).value.split('\n'));
}

/**
 * "### Delete solution", "### Clean up resources" as the last section: a tutorial removing what it
 * set up (the resource group with the app), not part of the rollback. Its steps run only when the
 * operator says so (unseen2 W11).
 */
const CLEAN_UP =
  /^(?:(?:clean[\s-]?up|tear[\s-]?down)(?:\s+(?:the\s+)?(?:tutorial\s+|created\s+)?(?:resources|everything))?|(?:delete|remove)\s+(?:the\s+)?(?:solution|(?:tutorial\s+|created\s+)?resources|resource group))(?:\s*\(optional\))?$/i;

function cleanUpStep(step: Step): Step {
  return step.condition ? step : { ...step, condition: 'if you want to clean up what the page set up: not needed for the rollback' };
}

const REFERENCE = /\b(?:(?:is|are) (?:described|documented|explained|covered) in|see the|refer to|learn more|more (?:details|information) in)\b/i;

/**
 * "MariaDB Server Migration: … is described in the [Troubleshooting Guide](…)": a section with
 * no commands and no instructions that only points elsewhere is a note, not a step or a path.
 */
function referenceNotes(section: Section): string[] | undefined {
  const table = tableNotes(section);
  if (table) return table;
  if (section.children.length > 0 || section.body.some((node) => node.type !== 'paragraph')) return undefined;
  const texts = section.body.map((node) => textOf(node)).filter((text) => text !== '');
  if (texts.length === 0 || !texts.some((text) => REFERENCE.test(text)) || texts.some((text) => IMPERATIVE.test(text) && !REFERENCE.test(text))) return undefined;
  if (!section.body.some((node) => containsLink(node))) return undefined;
  return [`${section.title}: ${texts.join(' ')}`];
}

/**
 * "### Decision Matrix" over a table (and perhaps a sentence about it): information that helps
 * pick a path, a note, never a step to acknowledge on every path.
 */
function tableNotes(section: Section): string[] | undefined {
  if (section.children.length > 0 || !section.body.some((node) => node.type === 'table')) return undefined;
  const body = section.body.filter((node) => node.type !== 'thematicBreak' && node.type !== 'html');
  if (body.some((node) => node.type !== 'table' && !(node.type === 'paragraph' && !IMPERATIVE.test(textOf(node))))) return undefined;
  return body.map((node) => (node.type === 'table' ? `${section.title}: ${tableText(node)}` : textOf(node)));
}

/** A table as one line: "Symptom: Latency, Action: Investigate; …" (header cells name the values). */
function tableText(table: Table): string {
  const [header, ...rows] = table.children.map((row) => row.children.map((cell) => textOf(cell)));
  if (!header) return '';
  return rows.map((row) => row.map((cell, index) => (header[index] ? `${header[index]}: ${cell}` : cell)).join(', ')).join('; ');
}

/** A table whose header names a step column and a command column: its rows are steps to do by hand. */
function tableSteps(table: Table): ManualStep[] | undefined {
  const [header, ...rows] = table.children;
  if (!header || rows.length === 0) return undefined;
  const names = header.children.map((cell) => textOf(cell).toLowerCase());
  const named = names.findIndex((name) => /^(?:step|steps|action|task|what)$/.test(name));
  const stepColumn = named !== -1 ? named : names.findIndex((name) => /^(?:#|no\.?)$/.test(name));
  const commandColumn = names.findIndex((name) => /^(?:commands?|run|how|shell)$/.test(name));
  if (stepColumn === -1 || commandColumn === -1) return undefined;
  const outputColumn = names.findIndex((name) => /^(?:expected(?: output| result)?|output|result)$/.test(name));
  return rows.map((row) => {
    const cell = (index: number) => (index === -1 ? '' : textOf(row.children[index] ?? { type: 'text', value: '' }));
    const step = manualStep(stepHeadingTitle(cell(stepColumn)) || cell(commandColumn), lineOf(row), [cell(commandColumn)]);
    if (cell(outputColumn) !== '') step.output = [cell(outputColumn)];
    return withCommandsInText(step, row);
  });
}

function containsLink(node: Nodes): boolean {
  if (node.type === 'link' || node.type === 'linkReference') return true;
  return 'children' in node && (node.children as Nodes[]).some(containsLink);
}

/** A section read as a step of a sequence: its heading titles its first step. */
function stepsOfSection(section: Section): Step[] {
  const carry: string[] = [];
  const steps = flowSteps([section.heading, ...section.body], section.title, section.children.length > 0 ? carry : undefined);
  // "### Step 1: Back up your data" over "**Option 1** …" / "**Option 2** …": the heading names the choice.
  if (steps[0]?.kind === 'choice' && steps[0].title === 'Choose one') steps[0].title = stepHeadingTitle(section.title);
  const own = steps.length;
  steps.push(...stepsOfChildren(section.children, introducesAlternatives(lastText(section.body))));
  // "### Restart it" over "#### Option A" / "#### Option B": the choice is named by the heading.
  const first = steps[own];
  if (own === 0 && first?.kind === 'choice' && first.title.startsWith('Choose one')) first.title = section.title;
  attachNotes(steps, carry);
  if (steps.length === 0) steps.push(manualStep(section.title, section.line, [section.title]));
  return steps;
}

/** Sections that are alternatives → options; a with/without tail becomes a choice inside the option before it. */
function optionsOf(group: Section[], asPaths = false): ChoiceOption[] {
  const tail = subOptionTail(group.map((section) => section.title));
  const main = tail ? group.slice(0, tail[0]) : group;
  // A path's steps are titled by their own leads; an option inside a path by its heading.
  const options = main.map((section) => ({ title: section.title, line: section.line, steps: asPaths ? pathSteps(section) : stepsOfSection(section) }));
  if (tail && options.length > 0) {
    const subs = group.slice(tail[0], tail[1]);
    options.at(-1)!.steps.push(choiceStep(`${options.at(-1)!.title}: choose one`, subs[0]!.line, optionsOf(subs)));
  }
  return options;
}

/** A path's steps; a choice the path opens with that nothing else names is named by the path ("Manual Update"). */
function pathSteps(section: Section): Step[] {
  const steps = stepsOfTree(section, section.title);
  if (steps[0]?.kind === 'choice' && steps[0].title === 'Choose one') steps[0].title = section.title;
  return steps;
}

function candidateOf(section: Section): Candidate {
  const candidate: Candidate = { title: section.title, firstText: firstSentence(section.body) };
  // A section whose only runnable content is one block: its command tells ways of one action apart.
  const blocks = section.children.length === 0 ? codeNodes(section.body).filter((block) => classifyBlock(block.lang, block.value) !== 'other') : [];
  if (blocks.length === 1) {
    const block = blocks[0]!;
    const command = commandShape(scriptLines(block.value, classifyBlock(block.lang, block.value)).lines.join('\n'));
    if (command) candidate.command = command;
  }
  return candidate;
}

function codeNodes(nodes: readonly RootContent[]): Code[] {
  return nodes.flatMap((node): Code[] => (node.type === 'code' ? [node] : 'children' in node ? codeNodes(node.children as RootContent[]) : []));
}

function choiceTitle(group: Section[]): string {
  const tail = subOptionTail(group.map((section) => section.title));
  return `Choose one: ${(tail ? group.slice(0, tail[0]) : group).map((section) => section.title).join(' / ')}`;
}

function choiceStep(title: string, line: number, options: ChoiceOption[]): ChoiceStep {
  return { kind: 'choice', title, line, notes: [], options, chosen: 0 };
}

function lastText(nodes: readonly RootContent[]): string {
  const last = [...nodes].reverse().find((node) => node.type === 'paragraph');
  return last ? textOf(last) : '';
}

/**
 * The flat part of a section: paragraphs, blocks, lists, quotes and tables in order. A heading
 * may only come first (it titles the first step).
 */
function flowSteps(nodes: readonly RootContent[], pathTitle: string, carry?: string[]): Step[] {
  const flow: Flow = { steps: [], pending: [] };
  let heading: PendingHeading | undefined;
  let lead: Lead | undefined;
  /** Steps since the last alternative boundary: what an "Alternatively, …" replaces. */
  let anchor = 0;
  /** Where the steps of an "Option 1: …" lead begin: the next option lead makes them a choice. */
  let optionStart = -1;
  let groupKind: 'option' | 'condition' | undefined;
  /** The lead that started the group at `at` ("If Docker Compose:"): it names the first option, not the heading above it. */
  let groupLead: { title: string; at: number } | undefined;
  const titleFor = (fallback: string) => (lead && (lead.bold || !heading) ? lead.title : (heading?.title ?? lead?.title ?? fallback));
  const notesFor = () => (lead ? (lead.bold || !heading ? lead.notes : [lead.text]) : []);
  /** Items written after a step that must be done before an earlier one ("… before you run `downgrade`"). */
  const stated: Stated[] = [];
  /** Records `text` as a stated-before item when it names a step already read; false: it stays where it is. */
  const statedBefore = (text: string, line: number): boolean => {
    const reading = flow.steps.length > 0 ? readsAsStatedBefore(text) : undefined;
    if (!reading) return false;
    const target = reading.target ? flow.steps.find((step) => stepMentions(step, reading.target!)) : flow.steps.at(-1);
    if (!target) return false;
    stated.push({ text, line, reading, target });
    return true;
  };
  const addNote = (text: string, line?: number) => {
    if (text === '') return;
    if (line !== undefined && statedBefore(text, line)) return;
    const last = flow.steps.at(-1);
    if (last) last.notes.push(text);
    else flow.pending.push(text);
  };
  const push = (...steps: Step[]) => {
    if (steps.length === 0) return;
    steps[0]!.notes.unshift(...flow.pending);
    flow.pending = [];
    flow.steps.push(...steps);
    heading = undefined;
  };
  /** A paragraph nothing followed up on: an instruction is a manual step, anything else a note. */
  const flushLead = () => {
    if (!lead) return;
    const text = lead.text;
    if (statedBefore(text, lead.line)) {
      lead = undefined;
      return;
    }
    if (GATE.test(text)) push(gateStep(text, lead.line));
    // "**Warning:** Only do this if you're sure!" after a block: a warning of that step, not a step.
    else if (lead.bold && flow.steps.length > 0 && /^(?:warning|caution|danger|important|note|tip|attention)$/i.test(lead.title.replace(/[:!]\s*$/, ''))) addNote(text);
    else if (lead.bold && readsAsOption(lead.title) && !(groupKind === 'option' && optionStart === anchor && flow.steps.length > anchor)) {
      // "**Option 1: Mark it rolled back**", then prose and its steps: the label opens an option, it is no step of its own.
      startOptions(lead.title);
      flow.pending.push(text);
    } else if (readsAsAlternatively(text) && flow.steps.length > anchor) {
      alternative([manualStep(cleanTitle(text.split(/(?<=[.!?])\s/)[0]!), lead.line, [text])], text, lead.line);
    } else if ((IMPERATIVE.test(text) && sentences(text) <= 2) || lead.bold || (flow.steps.length === 0 && heading !== undefined && isLast(lead))) {
      push(withLink(withCommandsInText(manualStep(titleFor(pathTitle), heading && !lead.bold ? heading.line : lead.line, [text], lead.bold ? lead.notes : []), lead.node), lead.node));
    } else if (instructionIn(text) && !heading) {
      // "Restoring also restores the passwords: if you changed yours since, sign in with the old one."
      push(withCommandsInText(manualStep(instructionIn(text)!, lead.line, [text]), lead.node));
    } else addNote(text, lead.line);
    lead = undefined;
  };
  const isLast = (current: Lead) => !nodes.some((node) => node.type !== 'paragraph' && lineOf(node) > current.line && node.type !== 'thematicBreak');
  /** "Option 1: …" opens a group of options: the steps from here on are its first option. */
  const startOptions = (title: string) => {
    optionStart = anchor = flow.steps.length;
    groupKind = 'option';
    groupLead = { title, at: anchor };
  };
  /** Makes the steps since `anchor` and `steps` one choice (or adds `steps` to the choice there). */
  const alternative = (steps: Step[], text: string, line: number) => {
    const title = optionTitle(text, steps);
    const last = flow.steps.at(-1);
    if (last?.kind === 'choice' && flow.steps.length - 1 === anchor && last.title.startsWith('Choose one')) {
      last.options.push({ title, line, steps });
      return;
    }
    const before = flow.steps.splice(anchor);
    const first = before[0]!;
    const named = groupLead?.at === anchor ? groupLead.title : undefined;
    if (named && before.length === 1) {
      first.title = named;
      first.notes = first.notes.filter((note) => note !== named);
    }
    const choice = choiceStep('Choose one', first.line, [
      { title: named ?? first.title, line: first.line, steps: before },
      { title, line, steps },
    ]);
    flow.steps.push(choice);
    anchor = flow.steps.length - 1;
    if (optionStart !== -1) optionStart = anchor;
  };

  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    switch (node.type) {
      case 'heading':
        flushLead();
        heading = { title: stepHeadingTitle(textOf(node)), line: lineOf(node) };
        break;
      case 'paragraph': {
        flushLead();
        if (node.children.every((child) => child.type === 'image' || (child.type === 'text' && child.value.trim() === '') || child.type === 'break')) {
          addNote(
            node.children
              .filter((child) => child.type === 'image')
              .map((child) => `(image: ${child.alt || child.url})`)
              .join(' '),
          );
          break;
        }
        lead = readLead(node);
        break;
      }
      case 'code': {
        const blocks: Code[] = [node];
        while (nodes[index + 1]?.type === 'code') blocks.push(nodes[++index] as Code);
        const last = producer(flow.steps.at(-1));
        const outputLead = lead !== undefined && OUTPUT_LEAD.test(lead.text);
        const outputFence = blocks.every((block) => OUTPUT_LANGUAGES.has((block.lang ?? '').toLowerCase()));
        // "Restart the servers. They ingest the recovery file and log:" + a `text` block: what a
        // person's action prints, shown under it, never a "run by hand" step of its own.
        if (outputFence && lead?.introduces && !lead.bold && DESCRIBES_OUTPUT.test(lead.text.split(/(?<=[.!?])\s+/).at(-1)!)) {
          const lines = blocks.flatMap((block) => block.value.split('\n'));
          const sentences = lead.text.split(/(?<=[.!?])\s+/);
          if (IMPERATIVE.test(lead.text.replace(/^(?:now|then|next|finally),?\s+/i, '')) || !last) {
            const step = manualStep(cleanTitle(sentences[0]!), lead.line, [lead.text]);
            step.output = lines;
            push(step);
          } else {
            addNote(lead.text);
            (last.output ??= []).push(...lines);
          }
          lead = undefined;
          heading = undefined;
          break;
        }
        if (last && last.kind !== 'choice' && (outputLead || (outputFence && lead === undefined) || (outputFence && last.kind === 'shell' && lead !== undefined && lead.introduces && /\boutput\b/i.test(lead.text)))) {
          if (lead && !outputLead) addNote(lead.text);
          (last.output ??= []).push(...blocks.flatMap((block) => block.value.split('\n')));
          lead = undefined;
          break;
        }
        // "### Output" over a block, or "This time the application returns Hello World!." over a
        // block that holds no command: what the step before prints, never a step of its own.
        const neverRun = blocks.every((block) => classifyBlock(block.lang, block.value) === 'other');
        const again = neverRun && lead ? runAgain(lead, blocks, flow.steps) : undefined;
        if (again) {
          push(again);
          lead = undefined;
          break;
        }
        const outputHeading = lead === undefined && heading !== undefined && OUTPUT_HEADING.test(heading.title);
        const describedOutput = neverRun && lead !== undefined && !lead.bold && describesOutput(lead.text);
        if (last && last.kind !== 'choice' && (outputHeading || describedOutput)) {
          if (lead) addNote(lead.text);
          (last.output ??= []).push(...blocks.flatMap((block) => block.value.split('\n')));
          lead = undefined;
          heading = undefined;
          break;
        }
        const line = lead && (lead.bold || !heading) ? lead.line : (heading?.line ?? lead?.line ?? lineOf(node));
        // "Option 1:" then "Option 2:", "If it ran:" then "If it did not:": a second lead of the same kind is the other branch.
        const leadKind = lead === undefined ? undefined : readsAsOption(lead.title) ? 'option' : readsAsCondition(lead.text) && !GATE.test(lead.text) ? 'condition' : undefined;
        const alternativeLead = lead !== undefined && flow.steps.length > anchor && (isAlternativeLead(lead.text, flow.steps.at(-1)!) || (leadKind !== undefined && groupKind === leadKind && optionStart === anchor));
        if (leadKind && !alternativeLead) {
          optionStart = anchor = flow.steps.length;
          groupKind = leadKind;
          groupLead = { title: lead!.title, at: anchor };
        }
        const held = heldBackReason(lead?.text ?? '') ?? (heading ? heldBackReason(heading.title) : undefined);
        const condition = conditionOf(lead?.text ?? '') ?? (heading ? conditionOf(heading.title) : undefined);
        const steps = blockSteps(blocks, { title: titleFor(pathTitle), line, notes: notesFor(), intro: lead?.text ?? heading?.title, held, condition });
        if (alternativeLead) alternative(steps, lead!.text, lead!.line);
        else {
          if (lead && !GATE.test(lead.text) && !lead.bold && (readsAsCondition(lead.text) || readsAsVariantLead(lead.text)) && flow.steps.length > 0) anchor = flow.steps.length;
          // "When confident that the test results work, apply configuration:": decide, then run.
          const confident = lead?.text.split(/(?<=[.!?])\s+/).find((sentence) => CONFIDENT.test(sentence));
          if (confident) push(gateStep(confident, lead!.line));
          push(...steps);
        }
        lead = undefined;
        heading = undefined;
        break;
      }
      case 'list': {
        // "If you changed images, prefer:" over a list after a step: a variant of that step, not one more step.
        const preferred = lead !== undefined && flow.steps.length > anchor && readsAsPreferredVariant(lead.text) ? lead : undefined;
        // "**Option 2: Resolve as applied**" over a list, after "**Option 1: …**" and its steps: the other option.
        const option = lead?.bold && readsAsOption(lead.title) ? lead : undefined;
        if (option && groupKind === 'option' && optionStart === anchor && flow.steps.length > anchor) {
          lead = undefined;
          alternative(stepsOfList(node, undefined, undefined).steps, option.title, option.line);
          break;
        }
        if (option) {
          startOptions(option.title);
          lead = undefined;
        }
        const listSteps = stepsOfList(node, preferred ? undefined : lead, preferred ? undefined : heading);
        if (preferred) {
          lead = undefined;
          alternative(listSteps.steps, preferred.text, preferred.line);
          break;
        }
        if (listSteps.consumedLead) lead = undefined;
        flushLead();
        for (const note of listSteps.notes ?? []) addNote(note);
        heading = undefined;
        const kept = withoutStatedItems(listSteps.steps, node, statedBefore);
        // Every item moved: the lead that titled them is a note of the step before.
        if (kept.length === 0 && listSteps.steps[0]) addNote(listSteps.steps[0].title);
        push(...kept);
        break;
      }
      case 'blockquote': {
        flushLead();
        const held = heldBlockquote(node);
        if (held) {
          push(...blockSteps(collectCode([node]), { title: held.title, line: lineOf(node), notes: held.texts, held: held.reason, condition: held.condition }));
          heading = undefined;
        } else if (containsCode(node)) {
          push(...extractSteps(node.children, heading?.title ?? pathTitle));
          heading = undefined;
        } else {
          const text = node.children
            .map((child) => textOf(child))
            .filter((part) => part !== '')
            .join(' ');
          if (GATE.test(text) && nodeData(node).admonition !== true) push(gateStep(text, lineOf(node)));
          else addNote(text, lineOf(node));
        }
        break;
      }
      case 'table': {
        flushLead();
        // "| Step | Command | Expected |": one manual step per row, in order (cells are not fences: never run).
        const rows = tableSteps(node);
        if (rows) push(...rows);
        // Any other table in the procedure is information (a compatibility matrix): a note, not a step.
        else addNote(tableText(node));
        break;
      }
      case 'html': {
        flushLead();
        const text = node.value
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
        addNote(text);
        break;
      }
      default:
        // thematic breaks, link definitions: nothing to do
        break;
    }
  }
  flushLead();
  flow.steps.forEach(withExampleOptions);
  placeStated(flow.steps, stated);
  // A section of notes only (prose, a warning) is a step to read and acknowledge, unless
  // sub-sections follow that the notes introduce.
  if (flow.steps.length === 0 && carry) carry.push(...flow.pending);
  else if (flow.steps.length === 0 && flow.pending.length > 0)
    flow.steps.push(withLink(manualStep(heading?.title ?? pathTitle, heading?.line ?? lineOf(nodes[0]!), [...flow.pending]), { type: 'root', children: [...nodes] }));
  else if (flow.pending.length > 0) flow.steps.at(-1)!.notes.push(...flow.pending);
  return flow.steps;
}

interface Stated {
  text: string;
  line: number;
  reading: StatedBefore;
  /** The step the item goes before. */
  target: Step;
}

/**
 * A checklist written after a step whose items say they come before it ("Turn off every
 * service … before you run `downgrade`"): those items leave the checklist (`take` records
 * them). One item left titles the step itself; the lead stays as its note.
 */
function withoutStatedItems(steps: Step[], list: List, take: (text: string, line: number) => boolean): Step[] {
  const step = steps[0];
  if (steps.length !== 1 || step?.kind !== 'manual' || step.code || step.gate || step.link || step.items.length !== list.children.length) return steps;
  const kept = step.items.flatMap((item, index) => (take(item, lineOf(list.children[index]!)) ? [] : [{ item, line: lineOf(list.children[index]!) }]));
  if (kept.length === step.items.length) return steps;
  if (kept.length === 0) return [];
  const items = kept.map((entry) => entry.item);
  if (kept.length === 1) return [{ ...step, title: cleanTitle(items[0]!), line: kept[0]!.line, items, notes: [step.title, ...step.notes] }];
  return [{ ...step, items }];
}

/** Stated-before items become manual steps right before their targets; items with one target are one step. */
function placeStated(steps: Step[], stated: readonly Stated[]): void {
  for (const target of new Set(stated.map((entry) => entry.target))) {
    const entries = stated.filter((entry) => entry.target === target);
    const index = steps.findIndex((step) => step === target || flattenSteps([step]).includes(target));
    if (index === -1) {
      steps.at(-1)?.notes.push(...entries.map((entry) => entry.text));
      continue;
    }
    const step = manualStep(
      shortTitle(cleanTitle(entries[0]!.reading.title)),
      entries[0]!.line,
      entries.map((entry) => entry.text),
    );
    const gate = entries.find((entry) => entry.reading.gate)?.reading.gate;
    if (gate) step.gate = gate;
    steps.splice(index, 0, step);
  }
}

// "Run the same `showmigrations` command to confirm:", "Run `status` again:".
const RUN_AGAIN = /\brun (?:the same|that) (\S+) command\b|\brun (\S+) (?:command )?again\b/i;

/**
 * "Run the same `showmigrations` command to confirm:" over a block that holds no command: the
 * block is what that earlier command prints now, and the step runs it again (unseen2 W4).
 */
function runAgain(lead: Lead, blocks: Code[], earlier: readonly Step[]): ShellStep | undefined {
  const sentence = lead.text.split(/(?<=[.!?])\s+/).find((text) => RUN_AGAIN.test(text));
  const match = sentence?.match(RUN_AGAIN);
  const name = match?.[1] ?? match?.[2];
  if (!sentence || !name || !lead.node.children.some((child) => child.type === 'inlineCode' && child.value === name)) return undefined;
  if (blocks.some((block) => block.value.includes(name))) return undefined;
  const word = new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\s|$)`, 'm');
  const step = [...earlier].reverse().find((candidate): candidate is ShellStep => candidate.kind === 'shell' && word.test(candidate.script));
  if (!step) return undefined;
  return { ...structuredClone(step), title: cleanTitle(sentence), line: lead.line, notes: [lead.text], output: blocks.flatMap((block) => block.value.split('\n')) };
}

/** The step whose output a block right after `step` shows: inside a choice, the last option's last step. */
function producer(step: Step | undefined): Step | undefined {
  if (step?.kind !== 'choice' || step.fromComments) return step;
  return producer(step.options.at(-1)?.steps.at(-1));
}

/**
 * A warning or note around a block that reserves it for a condition ("Only if the volume is
 * corrupt, …": a conditional step) or marks it as reference commands (never run).
 */
function heldBlockquote(node: Blockquote): { reason?: string; condition?: string; title: string; texts: string[] } | undefined {
  if (!containsCode(node)) return undefined;
  const texts = textsWithoutCode(node);
  const condition = texts.map((text) => conditionOf(text)).find((found) => found !== undefined) ?? conditionOf(texts.join(' '));
  const reason = condition ? undefined : (texts.map((text) => heldBackReason(text)).find((found) => found !== undefined) ?? heldBackReason(texts.join(' ')));
  if (!reason && !condition) return undefined;
  const sentence = cleanTitle(withoutLabel(texts.join(' ')).split(/(?<=[.!?])\s/)[0]!);
  // "Only if the volume is corrupt, wipe it": the title is what to do, the condition is shown apart.
  const rest = leadingCondition(sentence)?.rest;
  return { reason, condition, title: shortTitle(cleanTitle(rest && rest.split(/\s+/).length > 2 ? rest : sentence)), texts };
}

/** "For PostgreSQL run:", "On macOS:", "With Helm:": the block is for one platform or tool. */
function readsAsVariantLead(text: string): boolean {
  return /^(?:for|on|with|using|in|if (?:you(?:'re| are)? )?(?:on|using))\s/i.test(text.trim()) && variantTerms(text).length > 0 && text.split(/\s+/).length <= 10;
}

/** "If you changed images, prefer:", "When the node is gone, rather run:": under a condition, what replaces the step before. */
function readsAsPreferredVariant(text: string): boolean {
  return readsAsCondition(text) && /\b(?:prefer(?:ably)?|rather|better)\b[^.]*[:：]?\s*$/i.test(text);
}

/** "When you run Podman …:", "Alternatively, …", "you can also …": this block replaces the one before. */
function isAlternativeLead(text: string, previous: Step): boolean {
  if (readsAsAlternatively(text) || /\byou can also\b|\binstead\b/i.test(text) || readsAsPreferredVariant(text)) return true;
  if (readsAsVariantLead(text) && previous.title.length > 0 && readsAsVariantLead(previous.title)) return true;
  return previous.kind !== 'manual' && /^(?:when|if)\s+(?:you(?:'re| are)?\s+(?:run|use|using|on|have|deploy)|on\s|using\s)/i.test(text.trim());
}

/** "with backup copies of both folders, the simplest route is …" → "with backup copies of both folders". */
function shortTitle(text: string): string {
  if (text.length <= 60) return text;
  const clause = text.split(/[,;:(]\s/)[0]!;
  return clause.length <= 80 ? clause : `${clause.slice(0, 77)}…`;
}

function optionTitle(text: string, steps: Step[]): string {
  const sentence = cleanTitle(text.split(/(?<=[.!?])\s/)[0]!);
  return sentence.length <= 80 ? sentence : (steps[0]?.title ?? sentence.slice(0, 77) + '…');
}

/** "To restore the index from a dump you already have, run:": what every variant after it does. */
const PURPOSE = /^to\s+(.+?)(?:,?\s+(?:run|use|type|enter|execute)(?:\s+(?:this|these|the following))?(?:\s+commands?)?)?\s*[:.]?$/i;

/** The goal a choice's first lead states ("To restore the index …, run" → "Restore the index …"), when it states one. */
function purposeOf(text: string): string | undefined {
  const goal = PURPOSE.exec(text.trim())?.[1];
  if (!goal || !IMPERATIVE.test(goal)) return undefined;
  return goal.charAt(0).toUpperCase() + goal.slice(1);
}

/** A leading condition ("if you changed it since, …") kept in front of the instruction it limits. */
const CONDITION_CLAUSE = /^(?:if|when|once|after|before|unless|in case)\b[^,]{3,160},\s*/i;

/**
 * The instruction a short explanatory paragraph ends in: the part after a colon or semicolon
 * that is imperative once a leading condition is set aside ("Restoring the database
 * also restores every password: if you changed yours since, sign in with the old one" → "If you
 * changed yours since, sign in with the old one"). Undefined when the paragraph only explains.
 */
function instructionIn(text: string): string | undefined {
  if (sentences(text) > 2) return undefined;
  for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z])/)) {
    // Only after the colon: a sentence of its own that starts "When in doubt, contact support" is advice, a note.
    const [statement, ...clauses] = sentence.split(/[:;]\s+/);
    // "Note: restart it after editing", "Important: run this as root": a label, advice on the step before.
    if (statement!.trim().split(/\s+/).length < 4) continue;
    for (const clause of clauses) {
      const condition = CONDITION_CLAUSE.exec(clause)?.[0] ?? '';
      if (!IMPERATIVE.test(clause.slice(condition.length))) continue;
      const title = cleanTitle(clause).replace(/[.!]$/, '');
      return title.charAt(0).toUpperCase() + title.slice(1);
    }
  }
  return undefined;
}

function sentences(text: string): number {
  return text.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
}

function gateStep(text: string, line: number): ManualStep {
  return { kind: 'manual', title: `Go/no-go: ${cleanTitle(text.split(/(?<=[.!?])\s/)[0]!)}`, line, items: [text], notes: [], gate: text };
}

/** "Step 2: Restart services" → "Restart services": runbook numbers the steps itself. */
function stepHeadingTitle(text: string): string {
  return cleanTitle(cleanTitle(text).replace(/^(?:step\s+\d+\s*[.:)\-–—]?|\d+[.)](?!\d))\s*/i, '')) || cleanTitle(text);
}

/** A paragraph read as a title: a bold lead (`**Disable feature flag**:`) or the whole text. */
function readLead(paragraph: Paragraph): Lead {
  const text = textOf(paragraph);
  const first = paragraph.children[0];
  const introduces = /[:：]\s*$/.test(text);
  const line = lineOf(paragraph);
  if (first?.type === 'strong') {
    const title = cleanTitle(textOf(first));
    const rest = cleanTitle(textOf(paragraph.children.slice(1)).replace(/^[:：]\s*/, ''));
    return { title, notes: rest === '' ? [] : [rest], text: cleanTitle(text), line, bold: true, introduces, node: paragraph };
  }
  return { title: cleanTitle(text), notes: [], text: cleanTitle(text), line, bold: false, introduces, node: paragraph };
}

/** "Follow these steps to …", "The following steps …", "… as follows.": a sentence about the list after it. */
const INTRODUCES_STEPS = /\b(?:(?:these|the following|the next|the steps? below)(?:\s+\w+)?\s+steps?\b|as follows\b)/i;

/** "You can set it by:", "It can be done with:", "for example:": what follows are possibilities, not instructions. */
const INFORMATION_LEAD = /\b(?:you can|you may|can be|could|for example|for instance|such as|e\.g\.)\b[^.!?]*[:：]\s*$/i;

/** "Never:", "Do not:", "Avoid:" leading a list (its colon already stripped from the lead). */
const PROHIBITION = /^(?:never|do not|don't|avoid|must not|you must not)\b[^.]{0,40}$/i;

function stepsOfList(list: List, lead: Lead | undefined, heading: PendingHeading | undefined): { steps: Step[]; consumedLead: boolean; notes?: string[] } {
  const items = list.children;
  const alternatives = alternativeItems(list, lead?.text);
  if (alternatives) {
    // A lead of several sentences titles the choice by its first; the whole lead is its note.
    const long = lead !== undefined && !lead.bold && sentences(lead.text) > 1;
    const title = long ? cleanTitle(lead!.text.split(/(?<=[.!?])\s+(?=[A-Z])/)[0]!).replace(/\.$/, '') : (lead?.title ?? heading?.title ?? 'Choose one');
    const choice = choiceStep(
      title,
      lead?.line ?? heading?.line ?? lineOf(list),
      items.map((item) => optionOfItem(item)),
    );
    if (long) choice.notes.push(lead!.text);
    if (lead && lead.notes.length > 0) choice.notes.push(...lead.notes);
    return { steps: [choice], consumedLead: lead !== undefined };
  }
  const isTask = (item: ListItem) => item.checked === true || item.checked === false;
  const isSimple = (item: ListItem) => !containsCode(item) && !item.children.some((child) => child.type === 'list') && !isTask(item) && !GATE.test(textOf(item));
  const plain = !list.ordered && items.every((item) => !containsCode(item) && !item.children.some((child) => child.type === 'list'));
  if (plain && lead?.introduces) {
    const texts = items.map((item) => textOf(item));
    // "Never:" / "Do not:" over bullets: prohibitions to keep in mind, not things to do.
    if (PROHIBITION.test(lead.text)) return { steps: [], consumedLead: true, notes: [`${lead.text}: ${texts.join('; ')}`] };
    // "Rollback is allowed only if:" over bullets: preconditions someone confirms before going on.
    if (GATE.test(lead.text)) {
      const step = manualStep(lead.title, lead.line, texts);
      step.gate = `${lead.text}: ${texts.join('; ')}`;
      return { steps: [step], consumedLead: true };
    }
  }
  if (!list.ordered && items.every(isSimple)) {
    const texts = items.map((item) => textOf(item));
    // A plain bullet list is one checklist the operator goes through.
    // "### Prerequisites" over "… so you need:": the heading names the checklist, the lead is its note.
    if (heading && lead && !lead.bold && lead.introduces) return { steps: [manualStep(heading.title, heading.line, texts, [lead.text])], consumedLead: true };
    const title = lead?.title ?? heading?.title ?? (texts.length === 1 ? cleanTitle(texts[0]!) : 'Checklist');
    return { steps: [manualStep(title, lead?.line ?? heading?.line ?? lineOf(list), texts, lead?.notes ?? [])], consumedLead: lead !== undefined };
  }
  const steps = items.flatMap((item) => stepsOfItem(item));
  // "Run these in order:", "Follow these steps to …." introduce the list; keep it as a note on the first step.
  if (lead && (lead.introduces || lead.bold || INTRODUCES_STEPS.test(lead.text)) && steps[0]) {
    steps[0].notes.unshift(lead.text);
    // "Then, on the database host:" over the list: every step of it is for that machine.
    const scope = readScope(lead.text);
    if (scope) for (const step of steps) step.scope ??= scope;
    return { steps, consumedLead: true };
  }
  return { steps, consumedLead: false };
}

/**
 * A bullet list whose items are alternatives: every item is labelled ("pip:", "Server nodes:")
 * and holds its own blocks or sub-list, and the labels name different variants or conditions;
 * or every item is a condition ("with a backup …", "without one …").
 */
function alternativeItems(list: List, intro: string | undefined): boolean {
  if (list.children.length < 2) return false;
  const labels = list.children.map((item) => {
    const first = item.children[0];
    return { title: first?.type === 'paragraph' ? cleanTitle(textOf(first)) : '', more: item.children.length > 1 };
  });
  if (labels.some((label) => label.title === '')) return false;
  // MkDocs content tabs (`=== "Docker"`): alternatives whatever they are named.
  if (nodeData(list).tab === true) return true;
  // A numbered list is a sequence unless every item is an option ("1. Option A — …") or the text says "one of".
  if (list.ordered)
    return (
      labels.every((label) => readsAsOption(label.title)) ||
      labels.every((label) => readsAsCondition(label.title) && label.more) ||
      (intro !== undefined && introducesAlternatives(intro) && labels.every((label) => label.more))
    );
  if (labels.every((label) => readsAsCondition(label.title)) && list.children.every((item) => item.checked == null)) return true;
  if (!labels.every((label) => label.more && label.title.split(/\s+/).length <= 8)) return false;
  const runs = alternativeRuns(
    labels.map((label) => ({ title: label.title, label: true })),
    intro !== undefined && introducesAlternatives(intro),
  );
  return runs.length === 1 && runs[0]![0] === 0 && runs[0]![1] === labels.length;
}

function optionOfItem(item: ListItem): ChoiceOption {
  const first = item.children[0] as Paragraph;
  const title = shortTitle(cleanTitle(textOf(first)));
  const body = item.children.slice(1);
  const steps =
    body.length === 0
      ? [manualStep(title, lineOf(item), [textOf(item)])]
      : flowSteps([{ type: 'heading', depth: 6, children: [{ type: 'text', value: title }], position: first.position }, ...prepareNodes(body, 6)], title);
  return { title, line: lineOf(item), steps };
}

function stepsOfItem(item: ListItem): Step[] {
  const children = prepareNodes(item.children, 6);
  const [first, ...rest] = children;
  const lead = first?.type === 'paragraph' ? readLead(first) : undefined;
  const title = lead?.title ?? 'Untitled step';
  const line = lineOf(item);
  const body = lead ? rest : children;
  const prose = [lead?.text ?? '', ...body.flatMap((node) => textsWithoutCode(node))].join(' ');
  const gate = lead && GATE.test(prose) ? (body.flatMap((node) => textsWithoutCode(node)).find((text) => GATE.test(text)) ?? prose) : undefined;
  if (!body.some(containsCode)) {
    // "Fetch the snapshot from one of these places:" over a sub-list: the places are options.
    const places = body.length === 1 && body[0]!.type === 'list' && lead && introducesAlternatives(lead.text) ? body[0].children : [];
    if (places.length >= 2) {
      const options = places.map((place) => {
        const text = textsWithoutCode(place).join(' ');
        return { title: shortTitle(cleanTitle(text)), line: lineOf(place), steps: [manualStep(shortTitle(cleanTitle(text)), lineOf(place), [text])] as Step[] };
      });
      return [choiceStep(title, line, options)];
    }
    // "> **Note** InnoDB also prints …" under the item: a note of the step, not one more thing to do.
    const quoted = body.filter((node): node is Blockquote => node.type === 'blockquote');
    const texts = body.filter((node) => node.type !== 'blockquote').flatMap((node) => textsWithoutCode(node));
    const items = texts.length > 0 ? texts : [lead ? lead.text : textOf(item)];
    const quotes = quoted.map((node) => textsWithoutCode(node).join(' ')).filter((text) => text !== '');
    const step = manualStep(title, line, items, [...(texts.length > 0 ? (lead?.notes ?? []) : []), ...quotes]);
    if (gate) step.gate = gate;
    withLink(withCommandsInText(step, item), item);
    return [step];
  }
  // Sub-lists that are alternatives or a sequence of their own: read the body as a flow.
  const variantLeads = body.filter((node) => node.type === 'paragraph' && readsAsVariantLead(textOf(node))).length;
  const nested = variantLeads >= 2 || alternativeLeadsInside(body) || body.some((node) => node.type === 'list' && (alternativeItems(node, lead?.text) || (node.ordered === true && node.children.some(containsCode))));
  if (nested) {
    const intro = lead ? [manualOrNote(lead)] : [];
    const steps = flowSteps(body, title);
    if (intro[0] && steps[0]?.kind === 'choice' && steps[0].title === 'Choose one') {
      steps[0].title = title;
      steps[0].line = line;
      steps[0].notes.unshift(...lead!.notes);
      return steps;
    }
    if (steps[0]?.kind === 'choice' && lead) {
      steps[0].title = title;
      steps[0].line = line;
      return steps;
    }
    // "Delete the data:" + a block, then "For PostgreSQL run:" / "For SQLite run:": the choice is part of that item.
    for (const step of steps) if (step.kind === 'choice' && step.title === 'Choose one') step.title = `${title}: choose one`;
    return steps;
  }
  const codes = body.filter((node): node is Code => node.type === 'code');
  if (lead && introducesAlternatives(lead.text) && codes.length === 1 && body.length === 1) {
    const choice = commandChoice(codes[0]!, title, line);
    if (choice) return [choice];
  }
  const segments = segmentItem(body);
  const itemHeld = lead ? heldBackReason(lead.text) : undefined;
  const itemCondition = lead ? conditionOf(lead.text) : undefined;
  let shellSegments = 0;
  const steps = segments.flatMap((segment) => {
    if (segment.kind === 'manual') return [manualStep(`${title} (by hand)`, segment.line, segment.items)];
    const first = shellSegments++ === 0;
    return blockSteps(segment.blocks, {
      title: first ? title : (segment.lead ?? `${title} (continued)`),
      line: first ? line : lineOf(segment.blocks[0]!),
      notes: [...(first ? (lead?.notes ?? []) : []), ...segment.notes],
      intro: lead?.text,
      outputs: segment.outputs,
      held: itemHeld ?? segment.held,
      condition: itemCondition ?? segment.condition,
    });
  });
  // The go/no-go comes after the item's commands (compare, then decide).
  if (gate && steps.at(-1)) steps.at(-1)!.gate = gate;
  return steps;
}

/**
 * "If it runs under systemd, then run:" / "If it runs in Docker, then run:", "**Option 1**" /
 * "**Option 2**", or "Alternatively, …" after a block, inside one list item: the item holds
 * alternatives, read as a flow (as at the top level) so they become a choice, never one script.
 */
function alternativeLeadsInside(body: readonly Nodes[]): boolean {
  const leads = body.flatMap((node, index) => (node.type === 'paragraph' && body[index + 1]?.type === 'code' ? [{ lead: readLead(node), index }] : []));
  const options = leads.filter(({ lead }) => readsAsOption(lead.title)).length;
  const conditions = leads.filter(({ lead }) => readsAsCondition(lead.text) && !GATE.test(lead.text)).length;
  const alternatively = leads.some(({ lead, index }) => readsAsAlternatively(lead.text) && body.slice(0, index).some((node) => node.type === 'code'));
  return options >= 2 || conditions >= 2 || alternatively;
}

/** "Run any one of the commands below:" over one block of plain command lines: each line is an option. */
function commandChoice(block: Code, title: string, line: number): ChoiceStep | undefined {
  const lines = block.value.split('\n');
  const commands = lines.flatMap((text, index) => (text.trim() !== '' && !text.trim().startsWith('#') && !/[\\|&;]\s*$|<<|[{(]\s*$/.test(text) ? [{ text, index }] : []));
  if (commands.length < 2 || commands.length !== lines.filter((text) => text.trim() !== '').length) return undefined;
  const fence = lineOf(block);
  const options = commands.map(({ text, index }) => {
    const code: Code = { ...block, value: text, position: { start: { line: fence + index, column: 1 }, end: { line: fence + index + 2, column: 1 } } };
    return { title: text.trim(), line: fence + 1 + index, steps: blockSteps([code], { title: text.trim(), line: fence + 1 + index, notes: [] }) };
  });
  return choiceStep(title, line, options);
}

function manualOrNote(lead: Lead): string {
  return lead.text;
}

type Segment = { kind: 'code'; blocks: Code[]; notes: string[]; outputs: Set<Code>; held?: string; condition?: string; lead?: string } | { kind: 'manual'; items: string[]; line: number };

/** "Then set these variables …:", "Next, download …": the item's next action, a step of its own. */
const NEXT_ACTION = /^(?:then|next|after that|afterwards|finally),?\s+/i;

/**
 * The body of a list item with code, in order: runs of code blocks, and runs of bullets without
 * code. Such bullets ("Restart: `make restart`") are things to do by hand, so they become manual
 * steps in their place rather than notes a reader might skim past. A bullet that introduces a
 * block ("Edit the env file:") and paragraphs are notes of the blocks they go with. A block
 * introduced as output ("Example output:") is output of the block before it.
 */
function segmentItem(body: Nodes[]): Segment[] {
  const segments: Segment[] = [];
  let pendingNotes: string[] = [];
  let outputNext = false;
  let nextLead: string | undefined;
  const addCode = (blocks: Code[], notes: string[]) => {
    if (blocks.length === 0) {
      pendingNotes.push(...notes);
      return;
    }
    const last = segments.at(-1);
    const outputs = new Set<Code>();
    const isOutput = (block: Code) => last?.kind === 'code' && (outputNext || OUTPUT_LANGUAGES.has((block.lang ?? '').toLowerCase()));
    for (const block of blocks) if (isOutput(block)) outputs.add(block);
    outputNext = false;
    if (nextLead !== undefined) {
      segments.push({ kind: 'code', blocks, notes: [...pendingNotes, ...notes], outputs: new Set(), lead: nextLead });
      nextLead = undefined;
    } else if (last?.kind === 'code' && last.held === undefined && last.condition === undefined) {
      last.blocks.push(...blocks);
      for (const block of outputs) last.outputs.add(block);
      last.notes.push(...pendingNotes, ...notes);
    } else {
      segments.push({ kind: 'code', blocks, notes: [...pendingNotes, ...notes], outputs });
    }
    pendingNotes = [];
  };
  const addByHand = (text: string, line: number) => {
    const last = segments.at(-1);
    if (last?.kind === 'manual') last.items.push(text);
    else segments.push({ kind: 'manual', items: [text], line });
  };
  for (const [index, node] of body.entries()) {
    if (node.type === 'paragraph' && OUTPUT_LEAD.test(textOf(node))) {
      outputNext = true;
      continue;
    }
    // "You can set it by:" over bullets without code: ways one could do it, read as notes, not things to do.
    const previous = body[index - 1];
    if (node.type === 'list' && !containsCode(node) && previous?.type === 'paragraph' && INFORMATION_LEAD.test(textOf(previous))) {
      pendingNotes.push(...node.children.map((child) => textsWithoutCode(child).join(' ')).filter((text) => text !== ''));
      continue;
    }
    // "Then set these environment variables …:" after a block: what follows is the next step, titled by it.
    if (node.type === 'paragraph' && segments.at(-1)?.kind === 'code' && NEXT_ACTION.test(textOf(node)) && IMPERATIVE.test(textOf(node).replace(NEXT_ACTION, ''))) {
      nextLead = cleanTitle(textOf(node).replace(NEXT_ACTION, ''));
      nextLead = nextLead.charAt(0).toUpperCase() + nextLead.slice(1);
      continue;
    }
    const held = node.type === 'blockquote' ? heldBlockquote(node) : undefined;
    if (held) {
      segments.push({ kind: 'code', blocks: collectCode([node]), notes: [...pendingNotes, ...held.texts], outputs: new Set(), held: held.reason, condition: held.condition });
      pendingNotes = [];
      continue;
    }
    if (node.type !== 'list') {
      addCode(collectCode([node]), textsWithoutCode(node));
      continue;
    }
    for (const child of node.children) {
      const text = textsWithoutCode(child).join(' ');
      if (containsCode(child) || /[:：]$/.test(text)) addCode(collectCode([child]), text === '' ? [] : [cleanTitle(text)]);
      else if (text !== '') addByHand(text, lineOf(child));
    }
  }
  // Notes after the last block still belong to the step.
  const lastCode = segments.findLast((segment): segment is Extract<Segment, { kind: 'code' }> => segment.kind === 'code');
  lastCode?.notes.push(...pendingNotes);
  return segments;
}

function containsCode(node: Nodes): boolean {
  if (node.type === 'code') return true;
  return 'children' in node && (node.children as Nodes[]).some(containsCode);
}

function collectCode(nodes: Nodes[]): Code[] {
  return nodes.flatMap((node) => {
    if (node.type === 'code') return [node];
    return 'children' in node ? collectCode(node.children as Nodes[]) : [];
  });
}

/** Texts a person reads inside an item (nested bullets, paragraphs), code left out. */
function textsWithoutCode(node: Nodes): string[] {
  if (node.type === 'code') return [];
  if (node.type === 'html') return [];
  if (node.type === 'list') return node.children.flatMap((item) => textsWithoutCode(item));
  if (node.type === 'listItem' || node.type === 'blockquote') {
    const texts = node.children.flatMap((child) => textsWithoutCode(child));
    return node.type === 'listItem' ? [texts.join(' ')].filter((text) => text !== '') : texts;
  }
  const text = textOf(node);
  return text === '' ? [] : [text];
}

interface BlockContext {
  title: string;
  line: number;
  notes: string[];
  /** Said instead of `title` when `# 1. Title` markers title the steps (the lead that introduced the block). */
  intro?: string;
  /** Blocks that are output of the block before them. */
  outputs?: Set<Code>;
  /** The text keeps these blocks out of a run (held-back.ts): shown, never run. */
  held?: string;
  /** Comments shared by per-OS variants of one block ("# (Replace with gitlab-ce …)"). */
  comments?: string[];
  /** The text reserves these blocks for a condition (held-back.ts): they run only when the operator confirms it. */
  condition?: string;
}

/** Runme's fence attributes (`{"name":"undo","excludeFromRunAll":"true"}` or `{ name=undo interactive=true }`). */
export function fenceAttributes(meta: string | null | undefined): Record<string, string> {
  const text = (meta ?? '').trim();
  if (!text.startsWith('{')) return {};
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  } catch {
    const attributes: Record<string, string> = {};
    // A name starts after a non-name character: without the lookbehind a 50 KB run of letters took 38 s (quadratic backtracking).
    for (const match of text.slice(1, -1).matchAll(/(?<![\w-])([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s}]+)/g)) attributes[match[1]!] = match[2]!.replace(/^["']|["']$/g, '');
    return attributes;
  }
}

/**
 * Code blocks → steps, in document order. Adjacent shell blocks are one script; `# 1. Title`
 * markers split it into one step per marker; other blocks become manual steps.
 */
function blockSteps(blocks: Code[], context: BlockContext): Step[] {
  const { title, notes } = context;
  const steps: Step[] = [];
  const wouldRun = (block: Code) => block.value.trim() !== '' && nodeData(block).unfenced !== true && fenceAttributes(block.meta).excludeFromRunAll !== 'true' && classifyBlock(block.lang, block.value) !== 'other';
  const runs = (block: Code) => context.held === undefined && wouldRun(block);
  const hasShell = blocks.some(runs);
  let script: ScriptLines = { lines: [], origins: [], output: [] };
  let named: string | undefined;
  const antiExamples: string[] = [];
  const flushShell = () => {
    if (script.lines.length > 0) {
      const made = scriptSteps(script, { ...context, title: named ?? context.title, notes: [...(steps.length === 0 ? notes : []), ...antiExamples.splice(0)] });
      steps.push(...made);
    } else if ((script.output ?? []).length > 0 && steps.at(-1)) (steps.at(-1)!.output ??= []).push(...script.output!);
    script = { lines: [], origins: [], output: [] };
  };
  for (const block of blocks) {
    const attributes = fenceAttributes(block.meta);
    if (context.outputs?.has(block)) {
      // "Example output:" between two commands of one item: shown with the step, which stays one
      // step (the commands go together, as the item says).
      if (script.lines.length > 0) {
        script.output!.push(...block.value.split('\n'));
        continue;
      }
      const last = steps.at(-1);
      if (last) (last.output ??= []).push(...block.value.split('\n'));
      continue;
    }
    // A `text`/`output` fence right after a command's block is what it prints (issue #12), not a step.
    if (script.lines.length > 0 && OUTPUT_LANGUAGES.has((block.lang ?? '').toLowerCase())) {
      script.output!.push(...block.value.split('\n'));
      continue;
    }
    const kind = classifyBlock(block.lang, block.value);
    if (!runs(block)) {
      flushShell();
      const language = block.lang ?? 'text';
      const step = codeStep(
        block,
        context.intro,
        hasShell ? `${title} (${language})` : title,
        steps.length === 0 ? notes : [],
        attributes.excludeFromRunAll === 'true' ? EXCLUDE_FROM_RUN_ALL : wouldRun(block) ? context.held : undefined,
      );
      if (context.condition) step.condition = context.condition;
      steps.push(step);
      continue;
    }
    if (attributes.name && !named) named = attributes.name;
    const firstLine = lineOf(block) + 1; // the fence itself is on lineOf(block)
    const { script: lines, held: wrong } = withoutAntiExamples(scriptLines(block.value, kind));
    antiExamples.push(...wrong.map((shown) => `Not run (line ${firstLine + shown.origin}, shown as "${shown.label}"): ${shown.command}`));
    const cwd = attributes.cwd ? [`cd ${shellQuote(attributes.cwd)}`] : [];
    script.lines.push(...cwd, ...lines.lines);
    script.origins.push(...cwd.map(() => firstLine - 1), ...lines.origins.map((origin) => firstLine + origin));
    script.output!.push(...(lines.output ?? []));
    if (attributes.interactive === 'true' || attributes.background === 'true') script.runme = attributes.interactive === 'true' ? 'interactive' : 'background';
  }
  flushShell();
  return steps;
}

function shellQuote(text: string): string {
  return /^[\w./~-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** One script → one step, or one step per `# N. Title` marker, or a choice for per-OS comment groups. */
function scriptSteps(script: ScriptLines, context: BlockContext): Step[] {
  const variants = splitVariants(script);
  if (variants && 'parallel' in variants) return [parallelLabelsStep(script, variants.parallel, context)];
  if (variants) {
    const steps: Step[] = [];
    const common = trimBlankEnds(variants.before);
    if (hasCommands(common.lines)) steps.push(...scriptSteps({ ...common, output: [] }, context));
    const shared = { ...context, comments: variants.before.lines.filter((text) => /^\s*#/.test(text)) };
    const options = variants.groups.map((group) => ({ title: group.title, line: group.line, steps: [makeShellStep(`${context.title} (${group.title})`, group.line, group.lines, group.origins, [], shared)] }));
    const choice = choiceStep(context.title, context.line, options);
    choice.fromComments = true;
    if (steps.length === 0) choice.notes.push(...context.notes);
    choice.output = script.output?.length ? script.output : undefined;
    steps.push(choice);
    const after = trimBlankEnds(variants.after);
    if (hasCommands(after.lines)) steps.push(...scriptSteps({ ...after, output: [] }, { ...context, title: `${context.title} (continued)`, notes: [] }));
    return steps;
  }
  const parts = splitOnMarkers(script);
  if (!parts.some((part) => part.title !== undefined)) {
    const trimmed = trimBlankEnds(script);
    const titled = splitTitledCommands(trimmed, context);
    if (titled) return titled;
    const step = makeShellStep(context.title, context.line, trimmed.lines, trimmed.origins, context.notes, context);
    if (script.output?.length) step.output = script.output;
    if (script.runme)
      step.hazards.push({
        line: context.line,
        command: trimmed.lines[0] ?? '',
        reason: script.runme === 'interactive' ? 'marked interactive (Runme): needs a terminal' : 'marked background (Runme): never exits',
        fix: 'run it by hand',
      });
    return [step];
  }
  // Lines before the first marker that only set up the shell (`set -euo pipefail`, `export
  // KUBECONFIG=…`, `cd`) belong to every marked step, since each step runs in its own shell.
  // Anything else there is a step of its own, titled by the lead.
  const preamble = parts[0]!.title === undefined ? trimBlankEnds(parts[0]!) : undefined;
  const prelude = preamble && isShellSetup(preamble.lines) ? preamble : { lines: [], origins: [] };
  const steps: Step[] = [];
  if (preamble && prelude !== preamble) steps.push(makeShellStep(context.title, context.line, preamble.lines, preamble.origins, context.notes, context));
  for (const part of parts) {
    if (part.title === undefined) continue;
    const body = trimBlankEnds(part);
    if (!hasCommands(body.lines)) {
      // A marker over comments only is something to do by hand: never dropped.
      const texts = body.lines.map((text) => text.replace(/^\s*#+\s?/, '').trim()).filter((text) => text !== '');
      steps.push(manualStep(part.title, part.markerLine ?? context.line, texts.length > 0 ? texts : [part.title]));
      continue;
    }
    const first = steps.length === 0;
    const notes = first ? [...(context.intro ? [context.intro] : []), ...context.notes] : [];
    steps.push(makeShellStep(part.title, part.markerLine ?? context.line, [...prelude.lines, ...body.lines], [...prelude.origins, ...body.origins], notes, context));
  }
  if (script.output?.length && steps.at(-1)) steps.at(-1)!.output = script.output;
  return steps;
}

/**
 * A block whose comments read alike ("# If the pod is stuck" / "# If the PVC is stuck") but name
 * no platform: maybe variants, maybe steps in turn. One step, flagged, so it never runs unread.
 */
function parallelLabelsStep(script: ScriptLines, labels: number[], context: BlockContext): ShellStep {
  const trimmed = trimBlankEnds(script);
  const step = makeShellStep(context.title, context.line, trimmed.lines, trimmed.origins, context.notes, context);
  if (script.output?.length) step.output = script.output;
  const texts = labels.map((line) => trimmed.lines[trimmed.origins.indexOf(line)]?.trim() ?? '');
  step.hazards.push({
    line: labels[0]!,
    command: texts.join(' / '),
    reason: `reads like ${labels.length} variants (lines ${labels.join(', ')}), and runbook would run them all`,
    fix: 'if only one applies, give each its own block under a lead such as "If …:" (runbook then asks which); if all apply, reword the comments',
  });
  return step;
}

interface VariantGroup {
  title: string;
  line: number;
  lines: string[];
  origins: number[];
}

/**
 * Comment lines that label variants split one block into a choice: commands before the first
 * label are shared. A label names one platform or init system (`# If on Ubuntu:`, `# CentOS`),
 * or reads as a condition naming a platform or tool (`# For systems running systemd`, `# With
 * Docker`), and the labels name at least two different ones. Labels that only read alike (`# If
 * the pod is stuck` / `# If the PVC is stuck`: same leading words, each over its own commands)
 * may be variants or steps in turn: runbook cannot tell, so the step is flagged instead.
 */
function splitVariants(script: ScriptLines): { before: ScriptLines; groups: VariantGroup[]; after: ScriptLines } | { parallel: number[] } | undefined {
  const heads: { index: number; title: string; term?: string; lead?: string }[] = [];
  script.lines.forEach((line, index) => {
    if (!/^\s*#/.test(line) || stripComment(line).trim() !== '') return;
    const text = line.replace(/^\s*#+\s*/, '').trim();
    if (text.split(/\s+/).length > 8) return;
    const condition = VARIANT_LABEL.exec(text);
    const terms = variantTerms(text).filter((term) => condition !== null || COMMENT_VARIANT_TERMS.has(term));
    const title = cleanTitle(text.replace(VARIANT_LABEL_PREFIX, '').replace(/[:：].*$/, '')) || text;
    heads.push({ index, title, term: terms.length > 0 ? terms.join('+') : undefined, lead: condition?.[0].toLowerCase().replace(/\s+/g, ' ') });
  });
  const groupsOf = (chosen: typeof heads) =>
    chosen.map((head, position) => {
      const end = chosen[position + 1]?.index ?? script.lines.length;
      const trimmed = trimBlankEnds({ lines: script.lines.slice(head.index + 1, end), origins: script.origins.slice(head.index + 1, end) });
      return { title: head.title, line: script.origins[head.index]!, lines: trimmed.lines, origins: trimmed.origins };
    });
  const labelled = heads.filter((head) => head.term !== undefined);
  if (labelled.length >= 2 && new Set(labelled.map((head) => head.term)).size >= 2) {
    const groups = groupsOf(labelled);
    if (groups.every((group) => hasCommands(group.lines))) {
      const first = labelled[0]!.index;
      return { before: { lines: script.lines.slice(0, first), origins: script.origins.slice(0, first) }, groups, after: { lines: [], origins: [] } };
    }
  }
  // The same two leading words ("If the …", "For systems …") over commands of their own.
  const leads = heads.filter((head) => head.lead !== undefined);
  const byLead = new Map<string, typeof heads>();
  for (const head of leads) byLead.set(head.lead!, [...(byLead.get(head.lead!) ?? []), head]);
  const parallel = [...byLead.values()].find(
    (same) => same.length >= 2 && new Set(same.map((head) => head.title.toLowerCase())).size === same.length && alike(same.map((head) => head.title)) && groupsOf(same).every((group) => hasCommands(group.lines)),
  );
  return parallel ? { parallel: parallel.map((head) => script.origins[head.index]!) } : undefined;
}

/** Labels that share at least half their words ("If the pod is stuck terminating" / "If the claim is stuck pending"). */
function alike(labels: string[]): boolean {
  const words = labels.map(
    (label) =>
      new Set(
        label
          .toLowerCase()
          .split(/[^a-z0-9]+/)
          .filter(Boolean),
      ),
  );
  return words.every((set, index) => {
    const other = words[index === 0 ? 1 : 0]!;
    const shared = [...set].filter((word) => other.has(word)).length;
    return shared * 2 >= new Set([...set, ...other]).size;
  });
}

/** "If on", "For systems running", "When using", "With": a comment that reads as a variant's condition (its first two words). */
const VARIANT_LABEL = /^(?:if|for|on|when|with|using|in case of)\s+\S+/i;
const VARIANT_LABEL_PREFIX = /^(?:(?:if|when|for)\s+(?:(?:you(?:'re| are)?|systems?|hosts?|machines?|servers?|nodes?|installs?|installations?)\s+)?(?:on|using|running|with|use)\s+|(?:on|with|using)\s+)/i;

/**
 * A block of `# title` + command pairs where some command needs its own confirmation (a pager
 * to review, a destructive command): one step per pair, so each is asked for on its own.
 */
function splitTitledCommands(script: { lines: string[]; origins: number[] }, context: BlockContext): ShellStep[] | undefined {
  const groups: { title: string; line: number; lines: string[]; origins: number[] }[] = [];
  let current: (typeof groups)[number] | undefined;
  for (let index = 0; index < script.lines.length; index++) {
    const line = script.lines[index]!;
    if (/^\s*#/.test(line) && stripComment(line).trim() === '') {
      if (current && hasCommands(current.lines)) {
        groups.push(current);
        current = undefined;
      }
      const text = line.replace(/^\s*#+\s*/, '').trim();
      current ??= { title: text, line: script.origins[index]!, lines: [], origins: [] };
      continue;
    }
    if (!current) return undefined;
    current.lines.push(line);
    current.origins.push(script.origins[index]!);
  }
  if (current && hasCommands(current.lines)) groups.push(current);
  if (groups.length < 2) return undefined;
  const attention = groups.some((group) => findHazards(group.lines.join('\n'), group.origins).length > 0 || findDestructive(group.lines.join('\n'), group.origins).length > 0);
  if (!attention) return undefined;
  // The lead over the block ("**For v4.5.0 and later:**") titles none of the pairs: it is the first one's note.
  const said = [context.title, ...(context.notes.length > 0 ? context.notes : context.intro ? [context.intro] : [])];
  const lead = said.filter((text, index) => text !== '' && said.indexOf(text) === index && !groups.some((group) => group.title === text));
  return groups.map((group, index) => {
    const trimmed = trimBlankEnds(group);
    const step = makeShellStep(group.title || context.title, group.line, trimmed.lines, trimmed.origins, index === 0 ? lead : [], context);
    if (/^review\b/i.test(group.title)) step.gate = `${group.title}: go on only when it looks right`;
    return step;
  });
}

/** A caption that names only the block's form ("Command and output", "Example"): no title. */
const FORM_ONLY = /^(?:(?:the|an?|example|sample)\s+)?(?:commands?|output|example|sample|code|snippet|script|terminal|console|shell)(?:\s+(?:and|&|with)\s+(?:its\s+|the\s+)?(?:output|results?|commands?))?$/i;

function makeShellStep(caption: string, line: number, raw: string[], lineMap: number[], notes: string[], context: BlockContext): ShellStep {
  const first = raw.find((text) => stripComment(text).trim() !== '');
  // "*Command and output*" over a block: the step is named by what it runs.
  const title =
    FORM_ONLY.test(caption) && first
      ? `Run ${shortTitle(
          stripComment(first)
            .trim()
            .replace(/^cd\s+\S+\s+&&\s+/, ''),
        )}`
      : caption;
  const where = `step "${title}"`;
  const examples = findExampleValues([context.intro ?? '', ...notes, ...(context.comments ?? []), ...raw.filter((text) => /^\s*#/.test(text))], raw);
  const rewritten: { name: string; text: string; line: number }[] = [];
  const lines = raw.map((text, index) => {
    // `… <NODE-THREE-NAME> ...`: a literal "and so on" is not an argument.
    const cleaned = stripComment(text).trim() === '' ? text : text.replace(/\s+(?:\.\.\.|…)(?=\s*(?:#.*)?$)/, '');
    const normalised = normaliseParameters(datedExample(cleaned), examples);
    for (const entry of normalised.rewritten) rewritten.push({ ...entry, line: lineMap[index]! });
    return normalised.line;
  });
  const placeholders = lines.flatMap((text, index) => findScriptMarkers(text).map((marker) => ({ text: marker.text, line: lineMap[index]!, where })));
  const parameters = lines.flatMap((text, index) =>
    findParameters(text).map((parameter) => {
      const spelled = rewritten.find((entry) => entry.name === parameter.text && entry.line === lineMap[index])?.text;
      return spelled ? { name: parameter.text, line: lineMap[index]!, text: spelled } : { name: parameter.text, line: lineMap[index]! };
    }),
  );
  const script = lines.join('\n');
  const destructive = findDestructive(script, lineMap);
  // "⚠️ This is destructive", "this wipes any existing data": the text's word counts when no command is in the catalogue.
  const said = [title, context.intro ?? '', ...notes].find((text) => DESTRUCTIVE_TEXT.test(text));
  if (destructive.length === 0 && said && hasCommands(lines)) {
    const first = lines.findIndex((text) => stripComment(text).trim() !== '');
    destructive.push({ line: lineMap[first] ?? line, command: lines[first]!.trim(), reason: `the note says: "${cleanTitle(said).slice(0, 80)}"`, fix: 'check what it deletes before running it' });
  }
  const relative = relativeSource(lines);
  const told = relative ? [...notes, `\`${relative}\` is a path relative to the directory the step runs in: start runbook in the directory the note means, or add a \`cd\` to the block`] : notes;
  return {
    kind: 'shell',
    title,
    line,
    notes: told,
    script,
    lineMap,
    placeholders,
    parameters,
    hazards: [...findHazards(script, lineMap), ...findVariantLines(lines, lineMap)],
    destructive,
    ...(context.condition ? { condition: context.condition } : {}),
  };
}

/**
 * `source env/bin/activate`, `. venv/bin/activate` before any `cd`: the file is looked up where
 * runbook runs, not where the note's author stood (Synapse's `env/` is in its install directory).
 */
function relativeSource(lines: readonly string[]): string | undefined {
  for (const text of lines) {
    const command = stripComment(text).trim();
    if (/^(?:cd|pushd)\s/.test(command)) return undefined;
    const path = /^(?:source|\.)\s+([^\s;&|]+)/.exec(command)?.[1];
    if (path && !/^[/~$]/.test(path) && !/^["']?[/~$]/.test(path)) return path;
  }
  return undefined;
}

const DESTRUCTIVE_TEXT =
  /\b(?:(?:is|are) destructive|destructive (?:step|command|operation|action)|(?:wipes?|erases?|deletes?|drops?|destroys?|removes?) (?:all|any|every|the existing|the whole|the entire)\b[^.]*\b(?:data|messages?|rows?|records?|tables?|volumes?|files?)|(?:can |will |may )?los(?:e|es|ing) (?:all |the |your )?(?:\w+ )?data\b|data loss|cannot be undone|irreversible)\b/i;

const POINTER = /\b(?:follow|see|use|run|execute|apply|do)\b[^.]*?\b(?:rollback|roll-back|plan|procedure|runbook|steps|instructions)\b[^.]*?((?:\.{1,2}\/|\/)?[\w.@-]+(?:\/[\w.@-]+)*\.md)\b/i;

/** The longest manual step read as a pointer (docs/security.md). */
const MAX_POINTER_TEXT = 300;

/** A manual step that only points at another plan ("Follow full rollback plan from `docs/x.md`"). */
function withLink(step: ManualStep, node?: Nodes): ManualStep {
  // A pointer is one short sentence; POINTER backtracks polynomially, so a 36 KB item hung `show` for minutes.
  if (step.items.length !== 1 || step.items[0]!.length > MAX_POINTER_TEXT) return step;
  const match = POINTER.exec(step.items[0]!);
  if (match && !/^https?:/i.test(match[1]!)) step.link = { target: match[1]!, line: step.line };
  // "See [the full rollback plan](plans/x.md) and follow it": the same pointer, as a markdown link.
  const targets = node ? linkUrls(node).filter((url) => !/^[a-z][a-z+.-]*:/i.test(url) && /\.md$/i.test(url.split('#')[0]!)) : [];
  if (!step.link && targets.length === 1 && LINK_POINTER.test(step.items[0]!)) step.link = { target: targets[0]!.split('#')[0]!, line: step.line };
  return step;
}

const LINK_POINTER = /\b(?:follow|see|use|run|execute|apply|do)\b[^.]{0,80}?\b(?:rollback|roll-back|plan|procedure|runbook|steps|instructions)\b/i;

function linkUrls(node: Nodes): string[] {
  if (node.type === 'link') return [node.url];
  return 'children' in node ? (node.children as Nodes[]).flatMap(linkUrls) : [];
}

/** Inline code in a manual step's text that reads as a command (`systemctl status k3s`): lint says runbook never runs it. */
function withCommandsInText(step: ManualStep, node: Nodes): ManualStep {
  const commands: string[] = [];
  const visit = (current: Nodes) => {
    if (current.type === 'inlineCode' && /\s/.test(current.value.trim()) && classifyBlock(null, current.value) === 'shell') commands.push(current.value);
    if ('children' in current) for (const child of current.children as Nodes[]) if (child.type !== 'code') visit(child);
  };
  visit(node);
  if (commands.length > 0) step.commandsInText = commands;
  return step;
}

/**
 * `export BACKUP=/root/backup_2021-07-07_16-39-44/x.psql`: a dated value set for later steps is
 * an example of the operator's own backup, so it becomes the parameter `<BACKUP>`.
 */
function datedExample(line: string): string {
  return line.replace(/^(\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=)(["']?)([^\s"'$`]*\d{4}-\d{2}-\d{2}[^\s"'$`]*)\3\s*$/, (_, head: string, name: string) => `${head}<${name}>`);
}

function manualStep(title: string, line: number, items: string[], notes: string[] = []): ManualStep {
  return { kind: 'manual', title, line, items, notes };
}

const EXCLUDE_FROM_RUN_ALL = 'marked excludeFromRunAll';

/** `file = "59/01ignored_user.py"`: a value no identifier can spell, compared in double quotes. */
const DOUBLE_QUOTED_VALUE = /(?:=|<>|!=|\bin\s*\(|\blike)\s*"[^"\n]*[^\w"\n][^"\n]*"/i;

/** Fence labels of code typed into a database console. */
const CONSOLE_LANGUAGES = new Set(['sql', 'psql', 'pgsql', 'postgresql', 'mysql', 'sqlite', 'sqlite3', 'plsql', 'tsql', 'cql']);
/**
 * A block labelled for a shell that is typed into another console (see `foreignLine`). A
 * `console` transcript of a `mysql>` session, or an unlabelled one, says what it is: only a
 * `bash`/`sh` label is worth a lint.
 */
function foreignBlock(code: Code): ForeignBlock | undefined {
  const language = (code.lang ?? '').toLowerCase();
  if (!isShellLanguage(language) || isTranscriptLanguage(language)) return undefined;
  const found = foreignLine(code.value);
  return found && { line: lineOf(code) + 1 + found.line, language, kind: found.kind, text: found.text };
}

function foreignItem(code: Code): string | undefined {
  if (code.lang && !isShellLanguage(code.lang)) return undefined;
  const found = foreignLine(code.value);
  if (!found) return undefined;
  const line = lineOf(code) + 1 + found.line;
  return found.kind === 'prompt'
    ? `Type into the console whose prompt starts line ${line}, not into bash (not run by runbook)`
    : `Send from an HTTP console such as Kibana Dev Tools: line ${line} is a request, not a shell command (not run by runbook)`;
}

/** Code in a language runbook does not run (python, promql, json, sql): shown, acknowledged by hand. */
function codeStep(code: Code, intro: string | undefined, title: string, notes: string[], excluded: string | undefined): ManualStep {
  const language = code.lang ?? 'text';
  const unfenced = nodeData(code).unfenced === true;
  const edit = excluded === undefined && !unfenced && classifyBlock(code.lang, code.value) !== 'shell' ? configEdit(intro ?? title) : undefined;
  const item = unfenced
    ? 'Run by hand (commands written as plain text, not in a fence: runbook does not run them)'
    : edit
      ? `Write this into ${edit.file} (${language} block, not run by runbook)`
      : excluded
        ? excluded === EXCLUDE_FROM_RUN_ALL
          ? `Run by hand if needed (marked excludeFromRunAll, not run by runbook)`
          : `Not run by runbook: ${excluded}`
        : language.toLowerCase() === 'sql'
          ? 'Type into the database console (sql block, not run by runbook)'
          : isUsageLine(code.value)
            ? 'Syntax reference: a usage line, not a command (not run by runbook)'
            : (foreignItem(code) ?? `Run by hand if needed (${language} block, not run by runbook)`);
  // A heading over the caption keeps titling the step; the caption alone is rewritten as the instruction.
  const step: ManualStep = { kind: 'manual', title: edit && (intro === undefined || cleanTitle(intro) === title) ? edit.title : title, line: lineOf(code), items: [item], notes, code: { language, text: code.value } };
  const foreign = excluded === undefined ? foreignBlock(code) : undefined;
  if (foreign) step.foreign = foreign;
  if (code.value.trim() === '') step.emptyBlock = true;
  // SQL is typed into `psql` / `mysql` / `sqlite3`: an interactive console, the flagged kind of command.
  else if (!excluded && CONSOLE_LANGUAGES.has(language.toLowerCase())) {
    step.hazards = [
      {
        line: lineOf(code) + 1,
        command: code.value.trim().split('\n')[0]!,
        reason: 'typed into an interactive database console (psql, mysql, sqlite3, …)',
        fix: 'open the console on the database by hand and type it there; runbook never runs it',
      },
    ];
    const quoted = code.value.split('\n').findIndex((text) => DOUBLE_QUOTED_VALUE.test(text));
    if (quoted !== -1) {
      step.notes = [
        ...step.notes,
        `line ${lineOf(code) + 1 + quoted} compares with a "double-quoted" value: SQLite and MySQL read it as a string, PostgreSQL (and standard SQL) as a column name; on PostgreSQL write it in 'single quotes'`,
      ];
    }
  }
  // A `yaml`/`text` fence holding a command: shown, never run, and lint says so.
  if (excluded === undefined && code.lang && classifyBlock(null, code.value) === 'shell') step.mislabelled = { line: lineOf(code), language: code.lang };
  // A fence's first line is the fence itself; a paragraph's first line is its first command.
  const first = lineOf(code) + (unfenced ? 0 : 1);
  // A usage line's `<job>` is a metavariable, not a value to ask for.
  const parameters = isUsageLine(code.value) ? [] : code.value.split('\n').flatMap((text, index) => [...text.matchAll(PARAMETER)].map((match) => ({ name: match[1]!, line: first + index })));
  if (parameters.length > 0) step.parameters = parameters;
  // Lint: "names the command … runbook does not run it; put it in a bash block".
  if (unfenced) step.commandsInText = code.value.split('\n');
  return step;
}

/** A participle caption over a value ("Altered `command:` value in the `docker-compose.yaml`"). */
const CONFIG_CHANGE = /^(?:altered|changed|modified|updated|edited|amended|new)\s+(.+?)\s+in\s+(?:the\s+|your\s+)?(\S+)$/i;
/** An instruction to put a value in a file ("Edit `values.yaml`", "Add this to /etc/app.conf"). */
const CONFIG_VERB = /^(?:edit|change|update|set|add|put|append|write|insert)\b.*?\b(?:in|into|to)?\s*(?:the\s+|your\s+)?(\S+)$/i;
const FILE_NAME = /^(?:[\w~.-]*\/)*[\w.-]*\.[A-Za-z][\w-]*$/;

/**
 * A block that is a value to write into a named file, not something to run: the step says so,
 * and a caption that describes the change is read as the instruction ("Set the `command:`
 * value in docker-compose.yaml").
 */
function configEdit(title: string): { title: string; file: string } | undefined {
  const change = CONFIG_CHANGE.exec(title);
  if (change && FILE_NAME.test(change[2]!)) return { title: `Set the ${change[1]} in ${change[2]}`, file: change[2]! };
  const verb = CONFIG_VERB.exec(title);
  if (verb && FILE_NAME.test(verb[1]!.replace(/[.:]$/, ''))) return { title, file: verb[1]!.replace(/[.:]$/, '') };
  return undefined;
}

const EXAMPLE = /\b(?:an example|for example|example of|e\.g\.|for instance)\b/i;

/**
 * "An example of `downgrade` …" over a value to write (`--from=v4.5.1`, `--to=v4.0.0`): the
 * versions given to options there are the operator's own, parameters named by the option.
 * Run once the step has its notes (a lead read before the caption is one of them).
 */
function withExampleOptions(step: Step): void {
  if (step.kind !== 'manual' || !step.code || ![step.title, ...step.notes].some((text) => EXAMPLE.test(text))) return;
  const option = /(?<![\w-])(--([a-z][\w-]*)[= ]['"]?)(v?\d+\.\d+(?:\.\d+)?)\b/gi;
  const found = step.code.text.split('\n').flatMap((text, index) => [...text.matchAll(option)].map((match) => ({ name: match[2]!, line: step.line + 1 + index, text: match[3]! })));
  if (found.length === 0) return;
  step.parameters = [...(step.parameters ?? []), ...found];
  // Spelled `<from>` as in a runnable step, so `--set from=…` fills it in where it is shown.
  step.code = { ...step.code, text: step.code.text.replace(option, (_, head: string, name: string) => `${head}<${name}>`) };
}
