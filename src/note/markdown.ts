/**
 * Markdown → mdast with mdast-util-from-markdown (micromark), the parser remark-parse wraps;
 * calling it directly leaves unified and vfile out of start-up. Only GFM tables are added
 * (for the Key Metrics table): the rest of GFM (autolink literals, footnotes, strikethrough)
 * costs start-up time and changes nothing runbook reads.
 */

import type { Nodes, Root } from 'mdast';
import { fromMarkdown, type Options } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { toString } from 'mdast-util-to-string';
import { gfmTable } from 'micromark-extension-gfm-table';

let options: Options | undefined;

/** Parses markdown text (line endings already normalised to `\n`) into an mdast tree. */
export function parseMarkdown(text: string): Root {
  options ??= { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] };
  return fromMarkdown(text, options);
}

/** The plain text of a node, whitespace collapsed, as a person reads it. */
export function textOf(node: Nodes | Nodes[]): string {
  const nodes = Array.isArray(node) ? node : [node];
  return nodes
    .map((child) => toString(child, { includeImageAlt: false }))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The 1-based line a node starts on (micromark always sets positions). */
export function lineOf(node: Nodes): number {
  return node.position?.start.line ?? 1;
}
