/**
 * Reading an mdast tree: a node's text and line. No parser here, so modules that only read a
 * tree the parser made (the note header, for the plan) load no markdown parser.
 */

import type { Nodes, PhrasingContent } from 'mdast';
import { toString } from 'mdast-util-to-string';

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
