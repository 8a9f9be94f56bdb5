/** The plan JSON of a fixture note (`show --json`), read once per note, and walks over its steps. */

import { expect } from 'vitest';
import { fixturesDir, runCli } from './run-cli.js';

export interface JsonStep {
  kind: string;
  title: string;
  condition?: string | null;
  gate?: string | null;
  script?: string;
  items?: string[];
  notes?: string[];
  hazards?: { line: number; command: string }[];
  foreign?: { line: number; kind: string; text: string } | null;
  options?: { title: string; steps: JsonStep[] }[];
}

export interface JsonPlan {
  paths: { title: string; selected: boolean; steps: JsonStep[] }[];
}

/** `plan(note)` for the notes of one fixture folder: one process per note, however many tests ask. */
export function planReader(folder: string): (note: string) => Promise<JsonPlan> {
  const plans = new Map<string, Promise<JsonPlan>>();
  return (note) => {
    let found = plans.get(note);
    if (!found) {
      found = runCli(['show', `${fixturesDir}/${folder}/${note}`, '--json']).then((result) => {
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
        return JSON.parse(result.stdout) as JsonPlan;
      });
      plans.set(note, found);
    }
    return found;
  };
}

/** Every step of every path, options included. */
export function allSteps(steps: JsonStep[]): JsonStep[] {
  return steps.flatMap((step) => [step, ...(step.options ?? []).flatMap((option) => allSteps(option.steps))]);
}
