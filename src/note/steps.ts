/**
 * The steps of one rollback path, in document order: list items and blocks holding shell
 * commands become `shell` steps; bullets, pointers and non-shell code become `manual` steps.
 */

import type { Code, List, ListItem, Nodes, Paragraph, RootContent } from 'mdast';
import { lineOf, textOf } from './markdown.js';
import { findParameters, findScriptMarkers } from './placeholders.js';
import { cleanTitle } from './rollback-section.js';
import { classifyBlock, hasCommands, scriptLines, splitOnMarkers, trimBlankEnds } from './shell-block.js';
import type { ManualStep, ShellStep, Step } from './types.js';

interface Lead {
  title: string;
  notes: string[];
  line: number;
  /** The lead ended with a colon: it introduces what follows rather than standing alone. */
  introduces: boolean;
}

/** Steps of a path. `pathTitle` names shell blocks that have no title of their own. */
export function extractSteps(nodes: RootContent[], pathTitle: string): Step[] {
  const steps: Step[] = [];
  let heading: string | undefined;
  let lead: Lead | undefined;
  const flushLead = () => {
    if (lead) steps.push(manualStep(lead.title, lead.line, [lead.title, ...lead.notes].filter(unique), lead.notes));
    lead = undefined;
  };

  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    switch (node.type) {
      case 'heading':
        flushLead();
        heading = cleanTitle(textOf(node));
        break;
      case 'paragraph':
        flushLead();
        lead = readLead(node);
        break;
      case 'code': {
        const blocks: Code[] = [node];
        while (nodes[index + 1]?.type === 'code') blocks.push(nodes[++index] as Code);
        const title = lead?.title ?? heading ?? pathTitle;
        steps.push(...blockSteps(blocks, title, lead?.line ?? lineOf(node), lead?.notes ?? []));
        lead = undefined;
        break;
      }
      case 'list': {
        const listSteps = stepsOfList(node, lead);
        if (lead && listSteps.consumedLead) lead = undefined;
        flushLead();
        steps.push(...listSteps.steps);
        break;
      }
      case 'blockquote':
        flushLead();
        steps.push(...extractSteps(node.children, heading ?? pathTitle));
        break;
      case 'table':
        flushLead();
        steps.push(manualStep(heading ?? 'Table', lineOf(node), node.children.map((row) => row.children.map((cell) => textOf(cell)).join(' | '))));
        break;
      default:
        // thematic breaks, html comments, link definitions: nothing to do
        break;
    }
  }
  flushLead();
  return steps;
}

function unique(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index;
}

/** A paragraph read as a title: a bold lead (`**Disable feature flag**:`) or the whole text. */
function readLead(paragraph: Paragraph): Lead {
  const text = textOf(paragraph);
  const first = paragraph.children[0];
  const introduces = /[:：]\s*$/.test(text);
  if (first?.type === 'strong') {
    const title = cleanTitle(textOf(first));
    const rest = cleanTitle(textOf(paragraph.children.slice(1)).replace(/^[:：]\s*/, ''));
    return { title, notes: rest === '' ? [] : [rest], line: lineOf(paragraph), introduces };
  }
  return { title: cleanTitle(text), notes: [], line: lineOf(paragraph), introduces };
}

function stepsOfList(list: List, lead: Lead | undefined): { steps: Step[]; consumedLead: boolean } {
  const items = list.children;
  const isSimple = (item: ListItem) => !containsCode(item) && !item.children.some((child) => child.type === 'list');
  if (!list.ordered && items.every(isSimple)) {
    // A plain bullet list is one checklist the operator goes through.
    const texts = items.map((item) => textOf(item));
    const title = lead?.title ?? (texts.length === 1 ? cleanTitle(texts[0]!) : 'Checklist');
    return { steps: [manualStep(title, lead?.line ?? lineOf(list), texts, lead?.notes ?? [])], consumedLead: lead !== undefined };
  }
  const steps = items.flatMap((item) => stepsOfItem(item));
  // "Run these in order:" introduces the list; keep it as a note on the first step.
  if (lead?.introduces && steps[0]) {
    steps[0].notes.unshift(lead.title, ...lead.notes);
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
  const codes = collectCode(body);
  const shellBlocks = codes.filter((code) => classifyBlock(code.lang, code.value) !== 'other');
  const otherBlocks = codes.filter((code) => !shellBlocks.includes(code));
  const texts = body.flatMap((node) => textsWithoutCode(node));
  const notes = [...(lead?.notes ?? []), ...texts];

  if (shellBlocks.length > 0) {
    return [...blockSteps(shellBlocks, title, line, notes), ...otherBlocks.map((code) => codeStep(code, `${title} (${code.lang ?? 'text'})`))];
  }
  if (otherBlocks.length > 0) {
    return otherBlocks.map((code, index) => codeStep(code, index === 0 ? title : `${title} (${code.lang ?? 'text'})`, notes));
  }
  const items = texts.length > 0 ? texts : [lead ? [lead.title, ...lead.notes].join(' ') : textOf(item)];
  return [manualStep(title, line, items, texts.length > 0 ? (lead?.notes ?? []) : [])];
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

/**
 * Shell blocks → steps. Adjacent blocks are one script; `# 1. Title` markers split it into
 * one step per marker; non-shell blocks in the run become manual steps.
 */
function blockSteps(blocks: Code[], title: string, line: number, notes: string[]): Step[] {
  const steps: Step[] = [];
  let lines: string[] = [];
  let noteLines: number[] = [];
  const flushShell = () => {
    if (lines.length === 0) return;
    const parts = splitOnMarkers({ lines, origins: noteLines });
    const marked = parts.some((part) => part.title !== undefined);
    parts.forEach((part, index) => {
      const trimmed = trimBlankEnds(part);
      if (!hasCommands(trimmed.lines) && marked) return;
      const stepTitle = part.title ?? title;
      const stepLine = marked && part.title ? (trimmed.origins[0] ?? line) - 1 : line;
      steps.push(shellStep(stepTitle, stepLine, trimmed.lines, trimmed.origins, index === 0 ? notes : []));
    });
    lines = [];
    noteLines = [];
  };
  for (const block of blocks) {
    const kind = classifyBlock(block.lang, block.value);
    if (kind === 'other') {
      flushShell();
      steps.push(codeStep(block, title, notes));
      continue;
    }
    const firstLine = lineOf(block) + 1; // the fence itself is on lineOf(block)
    const script = scriptLines(block.value, kind);
    lines.push(...script.lines);
    noteLines.push(...script.origins.map((origin) => firstLine + origin));
  }
  flushShell();
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
