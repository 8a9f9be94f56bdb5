/**
 * The steps of one rollback path, in document order: list items and blocks holding shell
 * commands become `shell` steps; bullets, pointers and non-shell code become `manual` steps.
 */

import type { Code, List, ListItem, Nodes, Paragraph, RootContent } from 'mdast';
import { lineOf, textOf } from './markdown.js';
import { findParameters, findScriptMarkers } from './placeholders.js';
import { cleanTitle } from './rollback-section.js';
import { classifyBlock, hasCommands, isShellSetup, scriptLines, splitOnMarkers, trimBlankEnds, type ScriptLines } from './shell-block.js';
import type { ManualStep, ShellStep, Step } from './types.js';

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
}

/** A sub-heading inside a path ("#### Restart services"): it titles the step that follows it. */
interface PendingHeading {
  title: string;
  line: number;
}

/** Steps of a path. `pathTitle` names shell blocks that have no title of their own. */
export function extractSteps(nodes: RootContent[], pathTitle: string): Step[] {
  const steps: Step[] = [];
  let heading: PendingHeading | undefined;
  let lead: Lead | undefined;
  // A plain paragraph under a step heading ("Restart the worker first:") describes the step the
  // heading names; a bold lead is a title of its own.
  const titleFor = (fallback: string) => (lead && (lead.bold || !heading) ? lead.title : (heading?.title ?? lead?.title ?? fallback));
  const notesFor = () => (lead ? (lead.bold || !heading ? lead.notes : [lead.text]) : []);
  // A paragraph nothing followed up on is a manual step of its own.
  const flushLead = () => {
    if (!lead) return;
    steps.push(manualStep(titleFor(pathTitle), heading && !lead.bold ? heading.line : lead.line, [lead.text]));
    lead = undefined;
    heading = undefined;
  };

  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    switch (node.type) {
      case 'heading':
        flushLead();
        heading = { title: stepHeadingTitle(textOf(node)), line: lineOf(node) };
        break;
      case 'paragraph':
        flushLead();
        lead = readLead(node);
        break;
      case 'code': {
        const blocks: Code[] = [node];
        while (nodes[index + 1]?.type === 'code') blocks.push(nodes[++index] as Code);
        const line = lead && (lead.bold || !heading) ? lead.line : (heading?.line ?? lead?.line ?? lineOf(node));
        steps.push(...blockSteps(blocks, { title: titleFor(pathTitle), line, notes: notesFor(), intro: lead?.text ?? heading?.title }));
        lead = undefined;
        heading = undefined;
        break;
      }
      case 'list': {
        const listSteps = stepsOfList(node, lead, heading);
        if (listSteps.consumedLead) lead = undefined;
        flushLead();
        heading = undefined;
        steps.push(...listSteps.steps);
        break;
      }
      case 'blockquote':
        flushLead();
        steps.push(...extractSteps(node.children, heading?.title ?? pathTitle));
        heading = undefined;
        break;
      case 'table':
        flushLead();
        steps.push(manualStep(heading?.title ?? 'Table', lineOf(node), node.children.map((row) => row.children.map((cell) => textOf(cell)).join(' | '))));
        heading = undefined;
        break;
      default:
        // thematic breaks, html comments, link definitions: nothing to do
        break;
    }
  }
  flushLead();
  return steps;
}

/** "Step 2: Restart services" → "Restart services": runbook numbers the steps itself. */
function stepHeadingTitle(text: string): string {
  return cleanTitle(cleanTitle(text).replace(/^(?:step\s+\d+\s*[.:)\-–—]?|\d+[.)])\s*/i, '')) || cleanTitle(text);
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
    return { title, notes: rest === '' ? [] : [rest], text: cleanTitle(text), line, bold: true, introduces };
  }
  return { title: cleanTitle(text), notes: [], text: cleanTitle(text), line, bold: false, introduces };
}

function stepsOfList(list: List, lead: Lead | undefined, heading: PendingHeading | undefined): { steps: Step[]; consumedLead: boolean } {
  const items = list.children;
  const isSimple = (item: ListItem) => !containsCode(item) && !item.children.some((child) => child.type === 'list');
  if (!list.ordered && items.every(isSimple)) {
    // A plain bullet list is one checklist the operator goes through.
    const texts = items.map((item) => textOf(item));
    const title = lead?.title ?? heading?.title ?? (texts.length === 1 ? cleanTitle(texts[0]!) : 'Checklist');
    return { steps: [manualStep(title, lead?.line ?? heading?.line ?? lineOf(list), texts, lead?.notes ?? [])], consumedLead: lead !== undefined };
  }
  const steps = items.flatMap((item) => stepsOfItem(item));
  // "Run these in order:" introduces the list; keep it as a note on the first step.
  if (lead?.introduces && steps[0]) {
    steps[0].notes.unshift(lead.text);
    return { steps, consumedLead: true };
  }
  return { steps, consumedLead: false };
}

function stepsOfItem(item: ListItem): Step[] {
  const [first, ...rest] = item.children;
  const lead = first?.type === 'paragraph' ? readLead(first) : undefined;
  const title = lead?.title ?? 'Untitled step';
  const line = lineOf(item);
  const body = lead ? rest : item.children;
  if (!body.some(containsCode)) {
    const texts = body.flatMap((node) => textsWithoutCode(node));
    const items = texts.length > 0 ? texts : [lead ? lead.text : textOf(item)];
    return [manualStep(title, line, items, texts.length > 0 ? (lead?.notes ?? []) : [])];
  }
  const segments = segmentItem(body);
  let shellSegments = 0;
  return segments.flatMap((segment) => {
    if (segment.kind === 'manual') return [manualStep(`${title} (by hand)`, segment.line, segment.items)];
    const first = shellSegments++ === 0;
    return blockSteps(segment.blocks, {
      title: first ? title : `${title} (continued)`,
      line: first ? line : lineOf(segment.blocks[0]!),
      notes: [...(first ? (lead?.notes ?? []) : []), ...segment.notes],
      intro: lead?.text,
    });
  });
}

type Segment = { kind: 'code'; blocks: Code[]; notes: string[] } | { kind: 'manual'; items: string[]; line: number };

/**
 * The body of a list item with code, in order: runs of code blocks, and runs of bullets without
 * code. Such bullets ("Restart: `make restart`") are things to do by hand, so they become manual
 * steps in their place rather than notes a reader might skim past. A bullet that introduces a
 * block ("Edit the env file:") and paragraphs are notes of the blocks they go with.
 */
function segmentItem(body: Nodes[]): Segment[] {
  const segments: Segment[] = [];
  let pendingNotes: string[] = [];
  const addCode = (blocks: Code[], notes: string[]) => {
    if (blocks.length === 0) {
      pendingNotes.push(...notes);
      return;
    }
    const last = segments.at(-1);
    if (last?.kind === 'code') {
      last.blocks.push(...blocks);
      last.notes.push(...pendingNotes, ...notes);
    } else {
      segments.push({ kind: 'code', blocks, notes: [...pendingNotes, ...notes] });
    }
    pendingNotes = [];
  };
  const addByHand = (text: string, line: number) => {
    const last = segments.at(-1);
    if (last?.kind === 'manual') last.items.push(text);
    else segments.push({ kind: 'manual', items: [text], line });
  };
  for (const node of body) {
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
}

/**
 * Code blocks → steps, in document order. Adjacent shell blocks are one script; `# 1. Title`
 * markers split it into one step per marker; other blocks become manual steps.
 */
function blockSteps(blocks: Code[], context: BlockContext): Step[] {
  const { title, line, notes } = context;
  const steps: Step[] = [];
  const hasShell = blocks.some((block) => classifyBlock(block.lang, block.value) !== 'other');
  let script: ScriptLines = { lines: [], origins: [] };
  const flushShell = () => {
    if (script.lines.length > 0) steps.push(...scriptSteps(script, { ...context, notes: steps.length === 0 ? notes : [] }));
    script = { lines: [], origins: [] };
  };
  for (const block of blocks) {
    const kind = classifyBlock(block.lang, block.value);
    if (kind === 'other') {
      flushShell();
      const language = block.lang ?? 'text';
      steps.push(codeStep(block, hasShell ? `${title} (${language})` : title, steps.length === 0 ? notes : []));
      continue;
    }
    const firstLine = lineOf(block) + 1; // the fence itself is on lineOf(block)
    const lines = scriptLines(block.value, kind);
    script.lines.push(...lines.lines);
    script.origins.push(...lines.origins.map((origin) => firstLine + origin));
  }
  flushShell();
  return steps;
}

/** One script → one step, or one step per `# N. Title` marker. */
function scriptSteps(script: ScriptLines, context: BlockContext): Step[] {
  const parts = splitOnMarkers(script);
  if (!parts.some((part) => part.title !== undefined)) {
    const trimmed = trimBlankEnds(script);
    return [shellStep(context.title, context.line, trimmed.lines, trimmed.origins, context.notes)];
  }
  // Lines before the first marker that only set up the shell (`set -euo pipefail`, `export
  // KUBECONFIG=…`, `cd`) belong to every marked step, since each step runs in its own shell.
  // Anything else there is a step of its own, titled by the lead.
  const preamble = parts[0]!.title === undefined ? trimBlankEnds(parts[0]!) : undefined;
  const prelude = preamble && isShellSetup(preamble.lines) ? preamble : { lines: [], origins: [] };
  const steps: Step[] = [];
  if (preamble && prelude !== preamble) steps.push(shellStep(context.title, context.line, preamble.lines, preamble.origins, context.notes));
  for (const part of parts) {
    if (part.title === undefined) continue;
    const body = trimBlankEnds(part);
    if (!hasCommands(body.lines)) continue;
    const first = steps.length === 0;
    const notes = first ? [...(context.intro ? [context.intro] : []), ...context.notes] : [];
    steps.push(shellStep(part.title, part.markerLine ?? context.line, [...prelude.lines, ...body.lines], [...prelude.origins, ...body.origins], notes));
  }
  return steps;
}

function shellStep(title: string, line: number, lines: string[], lineMap: number[], notes: string[]): ShellStep {
  const where = `step "${title}"`;
  const placeholders = lines.flatMap((text, index) => findScriptMarkers(text).map((marker) => ({ text: marker.text, line: lineMap[index]!, where })));
  const parameters = lines.flatMap((text, index) => findParameters(text).map((parameter) => ({ name: parameter.text, line: lineMap[index]! })));
  return { kind: 'shell', title, line, notes, script: lines.join('\n'), lineMap, placeholders, parameters };
}

function manualStep(title: string, line: number, items: string[], notes: string[] = []): ManualStep {
  return { kind: 'manual', title, line, items, notes };
}

/** Code in a language runbook does not run (python, promql, json): shown, acknowledged by hand. */
function codeStep(code: Code, title: string, notes: string[] = []): ManualStep {
  const language = code.lang ?? 'text';
  return { kind: 'manual', title, line: lineOf(code), items: [`Run by hand if needed (${language} block, not run by runbook)`], notes, code: { language, text: code.value } };
}
