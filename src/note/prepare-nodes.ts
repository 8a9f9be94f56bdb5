/**
 * Markdown from other tools, brought to the shapes the step reader knows: content tabs (MDX
 * `<Tabs>`, GitLab `::Tabs`, Hugo `{{< tab >}}`, pymdownx, MkDocs `=== "…"`) become a list
 * marked as alternatives, one item per tab; admonitions (`:::warning`, Hugo
 * `{{< alert >}}`, mkdocs `!!! note`) become blockquotes (notes) with their markup removed;
 * a fence written at column 0 right after a list item belongs to that item; HTML comments
 * vanish. The mdast nodes are not changed; new ones are made where needed.
 */

import type { Blockquote, Code, List, ListItem, Paragraph, RootContent, Text } from 'mdast';
import { rawText, reparsed, textOf } from './markdown.js';
import { classifyBlock } from './shell-block.js';
import { type Tab, tabGroupAt } from './tab-groups.js';

/** Data runbook adds to synthetic nodes. */
export interface NodeData {
  /** A list made of content tabs: each item an alternative, whatever its title says. */
  tab?: boolean;
  /** An admonition turned into a blockquote: a note, never a step. */
  admonition?: boolean;
  /** Commands written as a plain paragraph (no fence): shown line by line, never run. */
  unfenced?: boolean;
}

const SHORTCODE = /^\{\{[<%]\s*\/?\s*[\w-]+[^}]*[>%]\}\}$/;
const COLON_FENCE = /^:::+\s*([\w-]*)/;
const DETAILS = /^<details\b[^>]*>\s*(?:<summary\b[^>]*>([\s\S]*?)<\/summary>)?\s*$/i;
const MKDOCS = /^[!?]{3}\+?\s*([\w-]+)(?:\s+"([^"]*)")?\s*$/;

/** Nodes as the step reader expects them; `depth` is the heading depth tabs take. */
export function prepareNodes(nodes: readonly RootContent[], depth: number): RootContent[] {
  const out: RootContent[] = [];
  let inShortcode: { kind: string; nodes: RootContent[] } | undefined;
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    // MDX `<Tabs>`, GitLab `::Tabs`, Hugo `{{< tab >}}`, pymdownx `/// tab |`: variants of one procedure (tab-groups.ts).
    const group = tabGroupAt(nodes, index);
    if (group) {
      out.push(...prepareNodes(group.before, depth), ...tabList(group.tabs, node, depth));
      index = group.end;
      continue;
    }
    if (node.type === 'html') {
      const value = node.value.trim();
      if (value.startsWith('<!--')) continue;
      // `<details><summary>Emergency only: …</summary>` … `</details>`: a collapsed block, read
      // as a note led by its summary (so "Emergency only" keeps its code out of a run).
      const details = DETAILS.exec(value);
      if (details) {
        const body: RootContent[] = [];
        let end = index + 1;
        while (end < nodes.length && !(nodes[end]!.type === 'html' && /<\/details>/i.test((nodes[end] as { value: string }).value))) body.push(nodes[end++]!);
        const summary = (details[1] ?? '').replace(/<[^>]*>/g, '').trim();
        out.push(noteOf([...(summary === '' ? [] : [paragraphOf(summary, node)]), ...prepareNodes(body, depth)], node, ''));
        index = end;
        continue;
      }
      out.push(node);
      continue;
    }
    if (node.type === 'list') {
      out.push(taskList(node));
      continue;
    }
    if (node.type === 'paragraph') {
      const text = textOf(node);
      const unfenced = unfencedCommands(node, nodes[index - 1]);
      if (unfenced) {
        out.push(unfenced);
        continue;
      }
      // MkDocs content tabs: `=== "Docker"` over an indented body (read by CommonMark as indented code).
      if (MKDOCS_TAB.test(text)) {
        const tabs: Tab[] = [];
        while (index < nodes.length && nodes[index]!.type === 'paragraph' && MKDOCS_TAB.test(textOf(nodes[index]!))) {
          const label = nodes[index]!;
          const body = nodes[index + 1];
          const tab: Tab = { title: MKDOCS_TAB.exec(textOf(label))![1]!, at: label, body: [] };
          if (body?.type === 'code' && !body.lang && body.position) {
            index += 1;
            tab.body = reparsed(body.value, body.position.start.line - 1);
          }
          tabs.push(tab);
          index += 1;
        }
        index -= 1;
        out.push(...tabList(tabs, node, depth));
        continue;
      }
      // HashiCorp's `~> Warning`, `-> Note`, `!> Danger` paragraphs are admonitions.
      const marker = HASHICORP.exec(text);
      const head = node.children[0];
      if (marker && head?.type === 'text') {
        const stripped: Paragraph = { ...node, children: [{ ...head, value: head.value.replace(/^\s*(?:~>|->|!>)\s*/, '') }, ...node.children.slice(1)] };
        out.push(noteOf([stripped], node, marker[1] === '~>' ? 'warning' : marker[1] === '!>' ? 'danger' : 'note'));
        continue;
      }
      // Istio's `{{< text bash >}}` … `{{< /text >}}` (Hugo's `{{< highlight bash >}}`) is a fence.
      const fence = shortcodeFence(node, nodes, index);
      if (fence) {
        out.push(fence.code);
        index = fence.end;
        continue;
      }
      // Hugo shortcodes: `{{< alert type="warning" >}}` … `{{< /alert >}}` wrap a note.
      const inline = /^\{\{[<%]\s*([\w-]+)([^}]*)[>%]\}\}\s*([\s\S]*?)\s*\{\{[<%]\s*\/\s*\1\s*[>%]\}\}$/.exec(text);
      if (inline) {
        out.push(noteOf([paragraphOf(inline[3]!, node)], node, /type="?([\w-]+)/.exec(inline[2]!)?.[1] ?? inline[1]!));
        continue;
      }
      if (SHORTCODE.test(text)) {
        if (inShortcode) {
          out.push(noteOf(inShortcode.nodes, node, inShortcode.kind));
          inShortcode = undefined;
        } else if (!/\/\s*[\w-]+\s*[>%]\}\}$/.test(text)) {
          inShortcode = { kind: /type="?([\w-]+)/.exec(text)?.[1] ?? /\{\{[<%]\s*([\w-]+)/.exec(text)?.[1] ?? 'note', nodes: [] };
        }
        continue;
      }
      const colon = COLON_FENCE.exec(text);
      if (colon) {
        // `:::warning … :::` in one paragraph, or spread over several.
        const inner = stripColonFence(node);
        if (inner) {
          out.push(noteOf([inner], node, colon[1] || 'note'));
          continue;
        }
        const body: RootContent[] = [];
        let end = index + 1;
        while (end < nodes.length && !(nodes[end]!.type === 'paragraph' && /^:::+\s*$/.test(textOf(nodes[end]!)))) body.push(nodes[end++]!);
        out.push(noteOf(body, node, colon[1] || 'note'));
        index = end;
        continue;
      }
      const mkdocs = MKDOCS.exec(text);
      if (mkdocs && nodes[index + 1]?.type === 'code' && !(nodes[index + 1] as { lang?: string | null }).lang) {
        const code = nodes[++index]!;
        out.push(noteOf([paragraphOf((code as { value: string }).value, code)], node, mkdocs[1]!));
        continue;
      }
      // `!!! tldr ""` with its indented body on the next line (mkdocs' usual spelling): CommonMark
      // reads the body as a continuation of the marker's paragraph.
      const inlineBody = head?.type === 'text' ? /^([^\n]*)\n([\s\S]*)$/.exec(head.value) : null;
      const inlineMarker = inlineBody ? MKDOCS.exec(inlineBody[1]!.trim()) : null;
      if (inlineBody && inlineMarker && head?.type === 'text') {
        const stripped: Paragraph = { ...node, children: [{ ...head, value: inlineBody[2]!.replace(/^\s+/, '') }, ...node.children.slice(1)] };
        // `!!! tldr ""`: an empty title means the box has no label; `!!! note "Heads up"` is labelled so.
        out.push(noteOf([stripped], node, inlineMarker[2] ?? inlineMarker[1]!));
        continue;
      }
    }
    if (inShortcode) {
      inShortcode.nodes.push(node);
      continue;
    }
    // A fence at column 0 right after a list continues the list's last item (GitLab's runbooks).
    if (node.type === 'code' && out.at(-1)?.type === 'list') {
      const list = out.at(-1) as List;
      const last = list.children.at(-1);
      if (last) {
        out[out.length - 1] = { ...list, children: [...list.children.slice(0, -1), { ...last, children: [...last.children, node] }] };
        continue;
      }
    }
    out.push(node);
  }
  if (inShortcode) out.push(...inShortcode.nodes);
  return out;
}

/**
 * A group of tabs as a list of alternatives, one item per tab (its title, then its body): never
 * headings, since the text after the group belongs to every tab. One tab alone is no choice.
 */
function tabList(tabs: Tab[], at: RootContent, depth: number): RootContent[] {
  if (tabs.length === 1) return prepareNodes(tabs[0]!.body, depth);
  const items: ListItem[] = tabs.map((tab) => ({
    type: 'listItem',
    spread: false,
    children: [paragraphOf(tab.title, tab.at), ...prepareNodes(tab.body, depth)] as ListItem['children'],
    position: tab.at.position,
  }));
  return [{ type: 'list', ordered: false, spread: false, children: items, position: at.position, data: { tab: true } as List['data'] }];
}

/**
 * "If Kubernetes:" then a paragraph `kubectl rollout undo deployment/<service>`: commands written
 * without a fence, one per line, after a lead that introduces them. A code node marked
 * `unfenced`, so the step shows them line by line (a paragraph joins its lines) and never runs
 * them. Every line must start with a known command and not end a sentence.
 */
function unfencedCommands(node: Paragraph, previous: RootContent | undefined): Code | undefined {
  if (previous?.type !== 'paragraph' || !/[:：]\s*$/.test(textOf(previous))) return undefined;
  if (node.children.some((child) => child.type === 'inlineCode' || child.type === 'link' || child.type === 'strong')) return undefined;
  const lines = rawText(node)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0 || !lines.every((line) => line.split(/\s+/).length >= 2 && !/[.!?]$/.test(line) && classifyBlock(null, line) === 'shell')) return undefined;
  return { type: 'code', lang: null, meta: null, value: lines.join('\n'), position: node.position, data: { unfenced: true } as Code['data'] };
}

const MKDOCS_TAB = /^===\+?\s+"([^"]+)"\s*$/;
const HASHICORP = /^(~>|->|!>)\s/;
const CODE_SHORTCODE = /^\{\{[<%]\s*(text|highlight|code)\s+["']?([\w+-]+)["']?[^}]*?[>%]\}\}/;

/**
 * `{{< text bash >}}` then the lines, then `{{< /text >}}`: in one paragraph, or over several
 * (blank lines inside). Returns the code node and the index of the last node it took.
 */
function shortcodeFence(node: Paragraph, nodes: readonly RootContent[], index: number): { code: Code; end: number } | undefined {
  const raw = rawText(node);
  const open = CODE_SHORTCODE.exec(raw);
  if (!open) return undefined;
  const close = new RegExp(`\\{\\{[<%]\\s*/\\s*${open[1]}\\s*[>%]\\}\\}\\s*$`);
  const parts = [raw.slice(open[0].length)];
  let end = index;
  while (!close.test(parts.at(-1)!) && end + 1 < nodes.length) {
    const next = nodes[++end]!;
    parts.push(next.type === 'paragraph' ? rawText(next) : next.type === 'code' ? next.value : textOf(next));
  }
  if (!close.test(parts.at(-1)!)) return undefined;
  const value = parts
    .join('\n\n')
    .replace(close, '')
    .replace(/^\n+|\s+$/g, '');
  return { code: { type: 'code', lang: open[2]!, meta: null, value, position: node.position }, end };
}

/**
 * GFM task lists (`- [ ] Page the IMOC`) without loading all of GFM: the `[ ]` / `[x]` becomes
 * the item's `checked`, as remark-gfm would make it.
 */
function taskList(list: List): List {
  let changed = false;
  const children = list.children.map((item) => {
    const first = item.children[0];
    const text = first?.type === 'paragraph' ? first.children[0] : undefined;
    const match = text?.type === 'text' ? /^\[([ xX])\]\s+/.exec(text.value) : null;
    if (!match || first?.type !== 'paragraph' || text?.type !== 'text') return item;
    changed = true;
    const stripped: Paragraph = { ...first, children: [{ ...text, value: text.value.slice(match[0].length) }, ...first.children.slice(1)] };
    return { ...item, checked: match[1] !== ' ', children: [stripped, ...item.children.slice(1)] };
  });
  return changed ? { ...list, children } : list;
}

function noteOf(children: RootContent[], at: RootContent, kind: string): Blockquote {
  const label = kind.charAt(0).toUpperCase() + kind.slice(1);
  const body = children.filter((child) => child.type !== 'html') as Blockquote['children'];
  const first = body[0];
  // "Warning: …" keeps the admonition's kind, as a reader sees it rendered.
  const labelled = first?.type === 'paragraph' && kind !== '' ? [{ ...first, children: [{ type: 'text', value: `${label}: ` } as Text, ...first.children] }, ...body.slice(1)] : body;
  return { type: 'blockquote', children: labelled as Blockquote['children'], position: at.position, data: { admonition: true } as Blockquote['data'] };
}

/** The text between `:::kind` and `:::` when both are in one paragraph. */
function stripColonFence(node: Paragraph): Paragraph | undefined {
  const text = node.children.map((child) => ('value' in child ? child.value : textOf(child))).join('');
  const match = /^:::+\s*[\w-]*[^\n]*\n([\s\S]*?)\n:::+\s*$/.exec(text);
  if (!match) return undefined;
  return paragraphOf(match[1]!, node);
}

function paragraphOf(text: string, at: RootContent): Paragraph {
  return { type: 'paragraph', children: [{ type: 'text', value: text.trim() }], position: at.position };
}

export function nodeData(node: RootContent): NodeData {
  return (node.data ?? {}) as NodeData;
}
