/**
 * Heading anchors that docs builders write after a title: docs-builder `## Title [anchor]`,
 * Pandoc / MkDocs attr_list `## Title {#anchor}` (also `{#anchor .class}`, kramdown `{: #anchor}`).
 * They are markup for links, not words of the title, and never a template placeholder.
 */

import type { Heading, Nodes } from 'mdast';

// `{#id}`, `{#id .class key=value}`, `{: #id}` at the end of the title.
const ATTRIBUTES = /\s*\{:?\s*#[A-Za-z][\w:.-]*(?:\s+[^{}]*)?\}\s*$/;
// `[delete-and-restore]`: a kebab-case slug of two or more lowercase words. One word
// (`[service]`) or shouted names (`[STAGE_ID]`, `[YYYY-MM-DD]`) stay template markers.
const SLUG = /\s+\[([a-z0-9]+(?:-[a-z0-9]+)+)\]\s*$/;

/** Removes trailing anchors from every heading of the tree (in place: the tree was just parsed). */
export function stripHeadingAnchors(node: Nodes): void {
  if (node.type === 'heading') stripAnchor(node);
  else if ('children' in node) for (const child of node.children as Nodes[]) stripHeadingAnchors(child);
}

function stripAnchor(heading: Heading): void {
  const last = heading.children.at(-1);
  if (last?.type !== 'text') return;
  const value = last.value.replace(ATTRIBUTES, '').replace(SLUG, '');
  if (value === last.value || (value.trim() === '' && heading.children.length === 1)) return;
  last.value = value.trimEnd();
}
