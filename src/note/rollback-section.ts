/**
 * Finds the Rollback Procedure section and divides it into alternative paths.
 */

import type { Heading, Root, RootContent } from 'mdast';
import { lineOf, textOf } from './markdown.js';

export interface SectionNodes {
  heading: Heading;
  title: string;
  /** Everything between the heading and the next heading of the same or a higher level. */
  nodes: RootContent[];
  /** Other headings that also read "Rollback Procedure" (only the first is used). */
  duplicates: Heading[];
}

export interface PathNodes {
  title: string;
  line: number;
  nodes: RootContent[];
}

// "Rollback Procedure(s)", also numbered or decorated ("7. Rollback Procedure", "🔙 Rollback procedures").
const SECTION_TITLE = /^[^\p{L}]*rollback procedures?$/iu;
// "Step 1: Disable flag", "1. Disable flag": sub-headings that are steps of one path.
const STEP_HEADING = /^(step\s+\d+\b|\d+[.)]\s)/i;

// When no heading says that: "Rollback", "Rollback Plan", "Rollback Procedure (Emergency)", "Rollback Steps".
const LOOSE_TITLE = /^[^\p{L}]*rollback(?:\s+(?:plan|procedures?|steps|process|runbook|instructions))?(?:\s*[([—–-].*)?$/iu;
// The template's other sections (and a note's own title): where a Rollback Procedure surely ends.
const TEMPLATE_SECTION =
  /^[^\p{L}]*(?:summary|motivation|breaking changes|migration steps|code examples?|testing|monitoring|key metrics|prometheus|grafana|known issues|data migration|rollback data migration|acceptance criteria|timeline|communication log|references|usage instructions|example|appendix|migration:)/iu;

/** The heading "Rollback Procedure(s)" at any level; a bullet of that name is not a section. */
export function findRollbackSection(tree: Root): SectionNodes | undefined {
  const children = tree.children;
  const isHeading =
    (pattern: RegExp) =>
    (node: RootContent): node is Heading =>
      node.type === 'heading' && pattern.test(cleanTitle(textOf(node)));
  const strict = children.filter(isHeading(SECTION_TITLE));
  const matches = strict.length > 0 ? strict : children.filter(isHeading(LOOSE_TITLE));
  const heading = matches[0];
  if (!heading) return undefined;
  const start = children.indexOf(heading) + 1;
  let end = start;
  while (end < children.length) {
    const node = children[end]!;
    if (node.type === 'heading' && node.depth <= heading.depth) break;
    end += 1;
  }
  const own = children.slice(start, end);
  return { heading, title: textOf(heading), nodes: [...own, ...continuation(children, end, heading, own)], duplicates: matches.slice(1) };
}

/**
 * "## Rollback Procedure", a paragraph or two ("These are the supported options"), then
 * "## 1. Flyway Undo Scripts", "## 2. Manual Rollback" at the same level: those headings are the
 * procedure, not sections of their own. When the section holds no commands, no list and no
 * sub-heading, the same-level headings after it (up to the next template section) are read as
 * its sub-headings, one level deeper, rather than dropped, when they hold a procedure (a block
 * or a numbered list).
 */
function continuation(children: RootContent[], from: number, heading: Heading, own: RootContent[]): RootContent[] {
  if (own.some((node) => node.type === 'heading' || node.type === 'code' || node.type === 'list')) return [];
  let end = from;
  while (end < children.length) {
    const node = children[end]!;
    if (node.type === 'heading' && (TEMPLATE_SECTION.test(cleanTitle(textOf(node))) || SECTION_TITLE.test(cleanTitle(textOf(node))))) break;
    end += 1;
  }
  const absorbed = children.slice(from, end);
  const headings = absorbed.filter((node): node is Heading => node.type === 'heading');
  // Only sections that hold a procedure (a block or a numbered list), never a plain "## Next".
  if (headings.length === 0 || !absorbed.some((node) => node.type === 'code' || (node.type === 'list' && node.ordered === true))) return [];
  const shift = heading.depth + 1 - Math.min(...headings.map((node) => node.depth));
  return absorbed.map((node) => (node.type === 'heading' ? { ...node, depth: Math.min(6, node.depth + shift) as Heading['depth'] } : node));
}

/**
 * Sub-headings are alternative paths ("If Issues Found Within 1 Hour" / ">1 Hour After"),
 * unless they read like steps ("Step 1: …"), in which case the section is one path. Steps
 * written before the first sub-heading are common to every path and come first in each.
 */
export function splitPaths(section: SectionNodes): PathNodes[] {
  const subHeadings = section.nodes.filter((node): node is Heading => node.type === 'heading');
  const pathDepth = Math.min(...subHeadings.map((heading) => heading.depth));
  const pathHeadings = subHeadings.filter((heading) => heading.depth === pathDepth);
  if (pathHeadings.length === 0 || pathHeadings.some((heading) => STEP_HEADING.test(textOf(heading)))) {
    return [{ title: section.title, line: lineOf(section.heading), nodes: section.nodes }];
  }
  const firstPath = section.nodes.indexOf(pathHeadings[0]!);
  const common = section.nodes.slice(0, firstPath);
  return pathHeadings.map((heading, index) => {
    const start = section.nodes.indexOf(heading) + 1;
    const next = pathHeadings[index + 1];
    const end = next ? section.nodes.indexOf(next) : section.nodes.length;
    return { title: cleanTitle(textOf(heading)), line: lineOf(heading), nodes: [...common, ...section.nodes.slice(start, end)] };
  });
}

const DATA_ROLLBACK = /^[^\p{L}]*(?:rollback|roll back|revert(?:ing)?|undo(?:ing)?)\s+(?:the\s+)?data\s+migrations?$|^[^\p{L}]*data\s+migration\s+rollback$/iu;

/** The "Rollback Data Migration" heading anywhere in the note, with the nodes under it. */
export function findDataRollback(tree: Root): { heading: Heading; title: string; nodes: RootContent[] } | undefined {
  const children = tree.children;
  const index = children.findIndex((node) => node.type === 'heading' && DATA_ROLLBACK.test(cleanTitle(textOf(node))));
  if (index === -1) return undefined;
  const heading = children[index] as Heading;
  let end = index + 1;
  while (end < children.length && !(children[end]!.type === 'heading' && (children[end] as Heading).depth <= heading.depth)) end += 1;
  return { heading, title: cleanTitle(textOf(heading)), nodes: children.slice(index + 1, end) };
}

/** Title text without a trailing colon or the brackets the template wraps prose in. */
export function cleanTitle(text: string): string {
  let title = text
    .trim()
    .replace(/[:：]\s*$/, '')
    .trim();
  if (title.startsWith('[') && title.endsWith(']')) title = title.slice(1, -1).trim();
  // "In general you need to undo what the upgrade changed, for example:" introduces examples:
  // the title is what to do ("Undo what the upgrade changed").
  const examples = /^(.{8,}?),?\s+(?:for example|for instance|e\.g\.|such as)$/i.exec(title);
  if (examples) title = examples[1]!;
  const general = /^(?:in general|generally|usually|typically),?\s+you\s+(?:need|have|want)\s+to\s+(\S.{3,})$/i.exec(title);
  if (general) title = general[1]![0]!.toUpperCase() + general[1]!.slice(1);
  return title;
}
