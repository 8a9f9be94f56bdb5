/**
 * Fixture notes for the parser tests: read from `test/fixtures/notes/` (or `test/fixtures/`),
 * decoded and parsed exactly as `runbook` does, and summarised into plain objects that a
 * table test can compare with `toEqual`.
 */

import { readFileSync } from 'node:fs';
import { decodeNote } from '../../src/note/decode.js';
import { parseNote } from '../../src/note/parse-note.js';
import type { Note, Step } from '../../src/note/types.js';

export const notesDir = new URL('../fixtures/notes/', import.meta.url);
export const samplesDir = new URL('../fixtures/', import.meta.url);

export function fixtureBytes(name: string, dir: URL = notesDir): Uint8Array {
  return readFileSync(new URL(name, dir));
}

/** Parses a fixture note; fails the test when it cannot be decoded. */
export function parseFixture(name: string, dir: URL = notesDir): Note {
  const decoded = decodeNote(fixtureBytes(name, dir));
  if (!decoded.ok) throw new Error(`${name}: ${decoded.reason}`);
  return parseNote(decoded.text, name);
}

export type StepSummary =
  | { kind: 'shell'; title: string; line: number; script: string }
  | { kind: 'manual'; title: string; line: number; items: string[]; code?: string }
  | { kind: 'choice'; title: string; line: number; options: { title: string; steps: StepSummary[] }[] };

export function summarizeStep(step: Step): StepSummary {
  if (step.kind === 'shell') return { kind: 'shell', title: step.title, line: step.line, script: step.script };
  if (step.kind === 'choice') return { kind: 'choice', title: step.title, line: step.line, options: step.options.map((option) => ({ title: option.title, steps: option.steps.map(summarizeStep) })) };
  return step.code ? { kind: 'manual', title: step.title, line: step.line, items: step.items, code: step.code.language } : { kind: 'manual', title: step.title, line: step.line, items: step.items };
}

/** Paths and their steps, as a person would list them. */
export function summarizePaths(note: Note): { title: string; line: number; steps: StepSummary[] }[] {
  return (note.rollback?.paths ?? []).map((path) => ({ title: path.title, line: path.line, steps: path.steps.map(summarizeStep) }));
}

/** The one step of a note with this title (fails when there is not exactly one). */
export function stepTitled(note: Note, title: string): Step {
  const steps = [...new Set(note.rollback?.paths.flatMap((path) => path.steps) ?? [])].filter((step) => step.title === title);
  if (steps.length !== 1) throw new Error(`${note.file}: ${steps.length} steps titled "${title}"`);
  return steps[0]!;
}
