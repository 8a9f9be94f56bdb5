/**
 * One entry per feature flag: the value the rollback leaves it at, the env file a step edits
 * and which step does it. Mentions that disagree are reported, since one of them is wrong.
 */

import type { NoteProblem } from '../errors.js';
import type { FlagMention } from '../note/types.js';
import type { PlanFlag } from './types.js';

// A step that edits a file says more about the rollback than a bullet that names the flag.
const AUTHORITY: Record<FlagMention['source'], number> = { sed: 4, append: 3, assignment: 2, prose: 1, declared: 0 };

/**
 * `stepNumberAt(line, file)` gives the number of the selected path's step holding a line, if
 * any (`file` is set for mentions in a linked plan, whose lines are that file's).
 */
export function summarizeFlags(mentions: FlagMention[], file: string, stepNumberAt: (line: number, file?: string) => number | undefined): { flags: PlanFlag[]; problems: NoteProblem[] } {
  const byName = new Map<string, FlagMention[]>();
  for (const mention of mentions) byName.set(mention.name, [...(byName.get(mention.name) ?? []), mention]);
  const flags: PlanFlag[] = [];
  const problems: NoteProblem[] = [];
  for (const [name, all] of byName) {
    const numberOf = (mention: FlagMention) => (mention.step === undefined ? undefined : stepNumberAt(mention.line, mention.file));
    // The step of the path a run takes says most; then the most authoritative mention.
    const rank = (mention: FlagMention) => (numberOf(mention) === undefined ? 0 : 10) + AUTHORITY[mention.source];
    const best = all.reduce((chosen, mention) => (rank(mention) >= rank(chosen) ? mention : chosen));
    const stepNumber = numberOf(best);
    flags.push({ name, rollbackValue: best.value, envFile: best.envFile, step: best.step, stepNumber, line: best.line, sedPattern: best.sedPattern });
    for (const other of all) {
      if (other.value.toLowerCase() === best.value.toLowerCase()) continue;
      problems.push({
        file: other.file ?? file,
        line: other.line,
        message: `flag ${name} is ${other.value} here but ${best.value} at line ${best.line}${best.step ? ` (step "${best.step}")` : ''}: make them agree`,
      });
    }
  }
  return { flags, problems };
}
