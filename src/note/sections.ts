/**
 * A run of mdast nodes as nested sections: the nodes before the first heading, then one
 * section per heading of the shallowest depth, each holding its own sub-sections. Headings
 * inside a section are what decide sequence or alternatives (see alternatives.ts).
 */

import type { Heading, RootContent } from 'mdast';
import { lineOf, textOf } from './markdown.js';
import { cleanTitle } from './rollback-section.js';

export interface SectionTree {
  /** Nodes before the first sub-heading. */
  body: RootContent[];
  children: Section[];
}

export interface Section extends SectionTree {
  heading: Heading;
  title: string;
  line: number;
}

export function sectionTree(nodes: readonly RootContent[]): SectionTree {
  const headings = nodes.filter((node): node is Heading => node.type === 'heading');
  if (headings.length === 0) return { body: [...nodes], children: [] };
  const depth = Math.min(...headings.map((heading) => heading.depth));
  const first = nodes.findIndex((node) => node.type === 'heading' && node.depth === depth);
  const children: Section[] = [];
  let index = first;
  while (index < nodes.length) {
    const heading = nodes[index] as Heading;
    let end = index + 1;
    while (end < nodes.length && !(nodes[end]!.type === 'heading' && (nodes[end] as Heading).depth <= depth)) end += 1;
    const inner = sectionTree(nodes.slice(index + 1, end));
    children.push({ heading, title: cleanTitle(textOf(heading)), line: lineOf(heading), ...inner });
    index = end;
  }
  return { body: nodes.slice(0, first), children };
}

/** The first sentence a section's body starts with, for conditions written under a plain title. */
export function firstSentence(nodes: readonly RootContent[]): string | undefined {
  const paragraph = nodes.find((node) => node.type === 'paragraph');
  if (!paragraph || nodes.indexOf(paragraph) > 1) return undefined;
  // After a block the text no longer starts the section ("… then, when X, rather run:").
  if (nodes.slice(0, nodes.indexOf(paragraph)).some((node) => node.type === 'code' || node.type === 'list')) return undefined;
  return textOf(paragraph).split(/(?<=[.:!?])\s/)[0];
}
