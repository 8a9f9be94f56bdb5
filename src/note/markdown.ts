/**
 * Markdown → mdast with unified and remark-parse. Only GFM tables are added (for the Key
 * Metrics table), the way remark-gfm registers them: the rest of GFM (autolink literals,
 * footnotes, strikethrough) costs start-up time and changes nothing runbook reads.
 */

import type { Nodes, PhrasingContent, Root, RootContent } from 'mdast';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { toString } from 'mdast-util-to-string';
import { gfmTable } from 'micromark-extension-gfm-table';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';

function remarkGfmTable(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmTable());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown());
}

let processor: { parse(text: string): Root } | undefined;

/** Parses markdown text (line endings already normalised to `\n`) into an mdast tree. */
export function parseMarkdown(text: string): Root {
  processor ??= unified().use(remarkParse).use(remarkGfmTable).freeze();
  return processor.parse(text);
}

/** The plain text of a node, whitespace collapsed, as a person reads it. */
export function textOf(node: Nodes | Nodes[]): string {
  const nodes = Array.isArray(node) ? node : [node];
  return (
    nodes
      .map((child) => toString(child, { includeImageAlt: false }))
      .join('')
      // `Set maintenance mode:<br />`: an inline line break written as HTML reads as a space.
      .replace(/<br\s*\/?>/gi, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** The 1-based line a node starts on (remark always sets positions when parsing). */
export function lineOf(node: Nodes): number {
  return node.position?.start.line ?? 1;
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

/** A paragraph's text with its line breaks and inline code kept (the lines of a shortcode block). */
export function rawText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.type === 'inlineCode' ? `\`${node.value}\`` : node.value;
  if (node.type === 'break') return '\n';
  if ('children' in node) {
    const inner = (node.children as PhrasingContent[]).map((child) => rawText(child)).join('');
    return node.type === 'strong' ? `**${inner}**` : node.type === 'emphasis' ? `*${inner}*` : inner;
  }
  return 'value' in node ? String(node.value) : '';
}
