/**
 * Content tabs written as markers between ordinary markdown blocks: each tab is one variant of
 * the same procedure (install type, OS, platform), so a group of tabs is a choice, never a
 * sequence, and the markers themselves are markup, never text. The syntaxes (one marker per
 * line, alone in its paragraph or at its start or end):
 * - GitLab docs: `::Tabs`, `:::TabTitle Linux package`, …, `::EndTabs`;
 * - Hugo / Docsy: `{{< tabs >}}`, `{{< tab "Docker" >}}` (or `name=`/`title=`/`header=`), `{{< /tab >}}`, `{{< /tabs >}}`;
 * - pymdownx blocks: `/// tab | Docker` … `///` (consecutive tabs form one group);
 * - MDX (Docusaurus): `<Tabs>`, `<TabItem value="docker" label="Docker">`, `</TabItem>`, `</Tabs>`.
 * MkDocs `=== "Docker"` tabs (an indented body, no end marker) are read in prepare-nodes.ts.
 */

import type { RootContent } from 'mdast';
import { lineOf, rawText, reparsed } from './markdown.js';

type Marker = { kind: 'open' } | { kind: 'tab'; title: string } | { kind: 'end-tab' } | { kind: 'close' };

export interface Tab {
  title: string;
  /** The node holding the tab's title marker (for its line). */
  at: RootContent;
  body: RootContent[];
}

export interface TabGroup {
  tabs: Tab[];
  /** Text between the group's opening marker and its first tab. */
  before: RootContent[];
  /** Index of the last node the group took. */
  end: number;
}

const HUGO_TAB_TITLE = /^\{\{[<%]\s*tab\b(?:\s+(?:(?:name|title|header|label)\s*=\s*)?(?:"([^"]*)"|'([^']*)'))?[^}]*[>%]\}\}$/i;

/** What a line marks, if it is a tab marker. */
function markerOf(line: string): Marker | undefined {
  const text = line.trim();
  if (/^<Tabs\b[^>]*>$/i.test(text)) return { kind: 'open' };
  if (/^<\/Tabs\s*>$/i.test(text)) return { kind: 'close' };
  if (/^<\/TabItem\s*>$/i.test(text)) return { kind: 'end-tab' };
  if (/^<TabItem\b[^>]*>$/i.test(text)) return { kind: 'tab', title: attribute(text, 'label') ?? attribute(text, 'value') ?? 'Tab' };
  if (/^::Tabs\s*$/i.test(text) || /^\{\{[<%]\s*tabs\b[^}]*[>%]\}\}$/i.test(text)) return { kind: 'open' };
  if (/^::EndTabs\s*$/i.test(text) || /^\{\{[<%]\s*\/\s*tabs\s*[>%]\}\}$/i.test(text)) return { kind: 'close' };
  if (/^\{\{[<%]\s*\/\s*tab\s*[>%]\}\}$/i.test(text) || /^\/{3,}\s*$/.test(text)) return { kind: 'end-tab' };
  const gitlab = /^:::TabTitle\s+(.+)$/i.exec(text);
  if (gitlab) return { kind: 'tab', title: gitlab[1]!.trim() };
  const blocks = /^\/{3,}\s*tab\s*\|\s*(.+?)\s*$/i.exec(text);
  if (blocks) return { kind: 'tab', title: blocks[1]!.replace(/^["']|["']$/g, '') };
  const hugo = HUGO_TAB_TITLE.exec(text);
  if (hugo) return { kind: 'tab', title: hugo[1] ?? hugo[2] ?? 'Tab' };
  return undefined;
}

/** `label="Docker"`, `label='Docker'` or `label={"Docker"}` in a JSX tag. */
function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}=(?:"([^"]*)"|'([^']*)'|\\{\\s*["'\`]([^"'\`]*)["'\`]\\s*\\})`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** A node as tab markers and the content around them, in order. */
type Piece = { marker: Marker } | { content: RootContent[] };

function piecesOf(node: RootContent): Piece[] | undefined {
  if (node.type !== 'paragraph' && node.type !== 'html') return undefined;
  const lines = (node.type === 'html' ? node.value : rawText(node)).split('\n');
  const markers = lines.map(markerOf);
  if (!markers.some((marker) => marker !== undefined)) return undefined;
  const pieces: Piece[] = [];
  const first = lineOf(node);
  let start = 0;
  const flush = (end: number) => {
    const text = lines.slice(start, end).join('\n');
    // Text sharing a paragraph with a marker: parsed again where it stands in the note.
    if (text.trim() !== '') pieces.push({ content: reparsed(text, first - 1 + start) });
  };
  markers.forEach((marker, index) => {
    if (!marker) return;
    flush(index);
    pieces.push({ marker });
    start = index + 1;
  });
  flush(lines.length);
  return pieces;
}

/**
 * The tab group starting at `nodes[index]`, when that node opens one (an opening marker or a
 * first tab title). A group ends at its closing marker, at a heading, or — when it has no
 * closing marker (pymdownx) — at the first text after a tab's end marker.
 */
export function tabGroupAt(nodes: readonly RootContent[], index: number): TabGroup | undefined {
  const opening = piecesOf(nodes[index]!);
  const head = opening?.[0];
  if (!head || !('marker' in head) || (head.marker.kind !== 'open' && head.marker.kind !== 'tab')) return undefined;
  const group: TabGroup = { tabs: [], before: [], end: index };
  const explicit = head.marker.kind === 'open';
  let current: Tab | undefined;
  let ended = false;
  for (let at = index; at < nodes.length; at++) {
    const node = nodes[at]!;
    if (at > index && node.type === 'heading') break;
    const pieces = (at === index ? opening : piecesOf(node)) ?? [{ content: [node] }];
    let closed = false;
    for (const piece of pieces) {
      if ('content' in piece) {
        // pymdownx: text after a tab's `///` is no longer in the group.
        if (!explicit && ended) break;
        if (current) current.body.push(...piece.content);
        else group.before.push(...piece.content);
        continue;
      }
      const { marker } = piece;
      if (marker.kind === 'tab') {
        current = { title: marker.title, at: node, body: [] };
        group.tabs.push(current);
        ended = false;
      } else if (marker.kind === 'end-tab') {
        current = undefined;
        ended = true;
      } else if (marker.kind === 'close') closed = true;
    }
    if (!explicit && ended && pieces.some((piece) => 'content' in piece)) break;
    group.end = at;
    if (closed) break;
  }
  return group.tabs.length > 0 ? group : undefined;
}
