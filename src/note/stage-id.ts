/**
 * Stage ids name files (the lock `<stage>.lock`, the run id in the journal's name): letters,
 * digits, `_`, `-` and `.`, never `..` — so `**Stage**: ../../poetry` cannot make the lock
 * `./poetry.lock` (issue #9).
 */

const STAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Longer is not a stage id but a sentence; it would also make file names too long. */
const MAX_STAGE_ID = 100;

export function isStageId(text: string): boolean {
  return text.length <= MAX_STAGE_ID && STAGE_ID.test(text) && !text.includes('..');
}

/** The message for a Stage field that is not a stage id (JSON quoting shows control characters). */
export function stageIdProblem(value: string): string {
  return `**Stage**: ${JSON.stringify(value.slice(0, MAX_STAGE_ID))} is not a stage id: use letters, digits, "_", "-" and "." only (e.g. 21_01a)`;
}
