/**
 * Markdown → mdast with unified and remark-parse. Only GFM tables are added (for the Key
 * Metrics table), the way remark-gfm registers them: the rest of GFM (autolink literals,
 * footnotes, strikethrough) costs start-up time and changes nothing runbook reads.
 */

import type { Nodes, Root, RootContent } from 'mdast';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';
import { stripHeadingAnchors } from './heading-anchors.js';

// The helpers that only read a tree live apart, so reading a note's header (the plan does) does
// not load micromark as an ES module: the parser itself runs from dist/note-parser.cjs.
export { lineOf, rawText, textOf } from './mdast-text.js';

function remarkGfmTable(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmTable());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown());
}

let processor: { parse(text: string): Root } | undefined;

/** Parses markdown text (line endings already normalised to `\n`) into an mdast tree. */
export function parseMarkdown(text: string): Root {
  processor ??= unified().use(remarkParse).use(remarkGfmTable).freeze();
  const tree = processor.parse(text);
  stripHeadingAnchors(tree);
  return tree;
}

/** Markdown held in an indented block (a tab's body), parsed with its lines where they are in the note. */
export function reparsed(text: string, lineOffset: number): RootContent[] {
  const shift = (node: Nodes) => {
    if (node.position)
      node.position = { start: { ...node.position.start, line: node.position.start.line + lineOffset, offset: undefined }, end: { ...node.position.end, line: node.position.end.line + lineOffset, offset: undefined } };
    if ('children' in node) for (const child of node.children as Nodes[]) shift(child);
  };
  const tree = parseMarkdown(text);
  shift(tree);
  return tree.children;
}
