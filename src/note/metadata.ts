/**
 * The note's title and its `**Field**: value` lines (Component, Stage, Date, Owner, Status).
 */

import type { Paragraph, PhrasingContent, Root } from 'mdast';
import { lineOf, textOf } from './mdast-text.js';
import type { NoteField } from './types.js';

export interface NoteHeader {
  title: string;
  titleLine: number;
  fields: NoteField[];
}

/** Reads the title and the fields written before the first `##` section (or anywhere, if none are there). */
export function readHeader(tree: Root): NoteHeader {
  const titleNode = tree.children.find((node) => node.type === 'heading' && node.depth === 1);
  const firstSection = tree.children.findIndex((node) => node.type === 'heading' && node.depth >= 2);
  const top = firstSection === -1 ? tree.children : tree.children.slice(0, firstSection);
  let fields = top.flatMap((node) => (node.type === 'paragraph' ? paragraphFields(node) : []));
  if (fields.length === 0) fields = tree.children.flatMap((node) => (node.type === 'paragraph' ? paragraphFields(node) : []));
  return {
    title: titleNode ? textOf(titleNode) : '',
    titleLine: titleNode ? lineOf(titleNode) : 1,
    fields,
  };
}

/** `**Stage**: 21_01a` and `**Stage:** 21_01a`, several per paragraph (separated by line breaks). */
function paragraphFields(paragraph: Paragraph): NoteField[] {
  const fields: NoteField[] = [];
  const children = paragraph.children;
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    if (node.type !== 'strong') continue;
    const label = textOf(node);
    const next = children[i + 1];
    let name: string;
    let rest: PhrasingContent[];
    if (label.endsWith(':')) {
      name = label.slice(0, -1).trim();
      rest = children.slice(i + 1);
    } else if (next?.type === 'text' && next.value.startsWith(':')) {
      name = label;
      rest = [{ ...next, value: next.value.slice(1) }, ...children.slice(i + 2)];
    } else {
      continue;
    }
    const end = rest.findIndex((child) => child.type === 'break' || child.type === 'strong' || (child.type === 'text' && child.value.includes('\n')));
    const valueNodes = end === -1 ? rest : rest.slice(0, end);
    // A soft line break ends the value too: keep the text before it.
    const stop = end === -1 ? undefined : rest[end];
    const tail = stop?.type === 'text' ? stop.value.split('\n')[0]! : '';
    const value = (textOf(valueNodes) + tail).trim();
    if (name !== '' && /^[A-Za-z][\w ]*$/.test(name)) fields.push({ name, value, line: lineOf(node) });
  }
  return fields;
}

/** The value of a field by (case-insensitive) name. */
export function fieldValue(fields: NoteField[], name: string): NoteField | undefined {
  return fields.find((field) => field.name.toLowerCase() === name.toLowerCase());
}
