/**
 * Markdown text → a typed `Note`. Pure: no disk, no processes. Problems are collected, not
 * thrown, so `lint` can report every problem of a note at once.
 */

import { createHash } from 'node:crypto';
import type { Heading, Nodes, Root, RootContent } from 'mdast';
import type { NoteProblem } from '../errors.js';
import { findFlagAssignments, findScriptFlags } from './flags.js';
import { lineOf, parseMarkdown, textOf } from './markdown.js';
import { fieldValue, readHeader } from './metadata.js';
import { readMonitoring } from './monitoring.js';
import { findTextMarkers } from './placeholders.js';
import { isStageId } from './stage-id.js';
import { findDataRollback, findRollbackSection } from './rollback-section.js';
import { replaceNamedValues } from './replace-values.js';
import { withRestartAfterInstall } from './restart-after-install.js';
import { annotateSteps } from './scope-and-condition.js';
import { extractSteps, readPaths } from './steps.js';
import { flattenSteps } from './walk-steps.js';
import type { FlagMention, Note, Placeholder, RollbackSection, UrlMention } from './types.js';

/**
 * Parses a note. `file` is only used to label the result and its problems. `wholeFile`: a file
 * without a Rollback Procedure section (a linked plan) is read as one, its title left out.
 */
export function parseNote(text: string, file: string, options: { wholeFile?: boolean } = {}): Note {
  const tree = parseMarkdown(text);
  const header = readHeader(tree);
  const problems: NoteProblem[] = [];
  const section = findRollbackSection(tree) ?? (options.wholeFile ? wholeFileSection(tree) : undefined);
  let rollback: RollbackSection | undefined;
  const sectionNodes = new Set<RootContent>();

  if (section) {
    section.nodes.forEach((node) => sectionNodes.add(node));
    // "Rollback Data Migration", wherever it is: the optional last step of every path.
    const data = findDataRollback(tree);
    const pathNodes = data ? section.nodes.filter((node) => !data.nodes.includes(node) && node !== data.heading) : section.nodes;
    const paths = readPaths(pathNodes, section.title, lineOf(section.heading), section.heading.depth);
    for (const path of paths) path.steps = replaceNamedValues(path.steps);
    const component = fieldValue(header.fields, 'Component')?.value || undefined;
    for (const path of paths) path.steps = withRestartAfterInstall(path.steps, component);
    for (const path of paths) annotateSteps(path.steps);
    if (data) {
      data.nodes.forEach((node) => sectionNodes.add(node));
      const steps = extractSteps(data.nodes, data.title).filter((step) => step.kind !== 'manual' || step.code === undefined || step.code.language !== 'text');
      for (const step of steps) {
        step.dataRollback = true;
        step.title = step.title === data.title ? data.title : `${data.title}: ${step.title}`;
      }
      for (const path of paths) path.steps.push(...steps);
    }
    const flagMentions = uniqueSteps(flattenSteps(paths.flatMap((path) => path.steps))).flatMap((step) => (step.kind === 'shell' ? findScriptFlags(step.script, step.lineMap, step.title) : []));
    flagMentions.push(...proseFlags(section.nodes));
    const start = section.heading.position?.start.offset ?? 0;
    const end = (section.nodes.at(-1) ?? section.heading).position?.end.offset ?? text.length;
    rollback = {
      heading: section.title,
      line: lineOf(section.heading),
      hash: createHash('sha256').update(text.slice(start, end)).digest('hex'),
      paths,
      flagMentions,
      prometheusUrls: findPrometheusUrls(section.nodes),
    };
    for (const duplicate of section.duplicates) {
      problems.push({ file, line: lineOf(duplicate), message: `second "${textOf(duplicate)}" section; only the one at line ${rollback.line} is used: merge them` });
    }
  }

  // A Stage that is not a stage id is never used (it names files): build-plan reports it.
  const named = fieldValue(header.fields, 'Stage')?.value || stageFromTitle(header.title);
  const stage = named && isStageId(named) ? named : undefined;
  return {
    file,
    title: header.title,
    titleLine: header.titleLine,
    fields: header.fields,
    stage: stage || undefined,
    component: fieldValue(header.fields, 'Component')?.value || undefined,
    status: fieldValue(header.fields, 'Status')?.value || undefined,
    rollback,
    declaredFlags: declaredFlags(tree, sectionNodes),
    monitoring: readMonitoring(tree, sectionNodes),
    placeholders: headerPlaceholders(header.title, header.titleLine, header.fields),
    problems,
  };
}

function wholeFileSection(tree: Root): ReturnType<typeof findRollbackSection> {
  const title = tree.children.find((node): node is Heading => node.type === 'heading' && node.depth === 1);
  const heading: Heading = title ?? { type: 'heading', depth: 1, children: [{ type: 'text', value: 'Rollback plan' }], position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } };
  return { heading, title: textOf(heading), nodes: tree.children.filter((node) => node !== title), duplicates: [] };
}

/** Shell steps shared by several paths (written before the first path heading) are scanned once. */
function uniqueSteps<T>(steps: T[]): T[] {
  return [...new Set(steps)];
}

function stageFromTitle(title: string): string | undefined {
  return /\bStage\s+([A-Za-z0-9][\w.-]*)/.exec(title)?.[1];
}

/** Flags named in inline code or prose of the section (`USE_NEW_X=false` in a bullet). */
function proseFlags(nodes: RootContent[]): FlagMention[] {
  const mentions: FlagMention[] = [];
  walk(nodes, (node) => {
    if (node.type === 'inlineCode') {
      for (const { name, value } of findFlagAssignments(node.value)) mentions.push({ name, value, line: lineOf(node), source: 'prose' });
    }
  });
  return mentions;
}

/** `Feature flag: \`NAME=false\`` bullets outside the section (the template puts one under Breaking Changes). */
function declaredFlags(tree: Root, sectionNodes: ReadonlySet<RootContent>): FlagMention[] {
  const mentions: FlagMention[] = [];
  walk(
    tree.children.filter((node) => !sectionNodes.has(node)),
    (node) => {
      // Most paragraphs are prose: look at the first words before building the whole text.
      if (node.type !== 'paragraph' || !/^\W*feature/i.test(firstText(node))) return;
      const text = textOf(node);
      if (!/^feature flags?\s*:/i.test(text)) return;
      for (const { name, value } of findFlagAssignments(text)) mentions.push({ name, value, line: lineOf(node), source: 'declared' });
    },
  );
  return mentions;
}

const PROMETHEUS_API = /\bhttps?:\/\/[^\s'"`<>()]+?(?=\/api\/v1\/(?:targets|query|query_range|series|labels|alerts|rules)\b)/g;

/** Base URLs of Prometheus API calls in the section's commands, inline code, links and text. */
function findPrometheusUrls(nodes: RootContent[]): UrlMention[] {
  const urls: UrlMention[] = [];
  walk(nodes, (node) => {
    const texts: { text: string; line: number }[] = [];
    if (node.type === 'code') node.value.split('\n').forEach((text, index) => texts.push({ text, line: lineOf(node) + 1 + index }));
    if (node.type === 'inlineCode' || node.type === 'text') texts.push({ text: node.value, line: lineOf(node) });
    if (node.type === 'link') texts.push({ text: node.url, line: lineOf(node) });
    for (const { text, line } of texts) {
      if (!text.includes('/api/v1/')) continue;
      for (const match of text.matchAll(PROMETHEUS_API)) urls.push({ url: match[0], line });
    }
  });
  return urls;
}

function headerPlaceholders(title: string, titleLine: number, fields: Note['fields']): Placeholder[] {
  const found: Placeholder[] = findTextMarkers(title).map((marker) => ({ text: marker.text, line: titleLine, where: 'the title' }));
  for (const field of fields) {
    for (const marker of findTextMarkers(field.value)) found.push({ text: marker.text, line: field.line, where: `field **${field.name}**` });
  }
  return found;
}

/** The first piece of text in a node, however deeply it is nested (`**Feature flag**:` → "Feature flag"). */
function firstText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  const first = 'children' in node ? (node.children as Nodes[])[0] : undefined;
  return first ? firstText(first) : '';
}

function walk(nodes: Nodes[], visit: (node: Nodes) => void): void {
  for (const node of nodes) {
    visit(node);
    if ('children' in node) walk(node.children as Nodes[], visit);
  }
}
