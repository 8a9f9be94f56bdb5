/**
 * Linked plans: a path whose only step of its own points at another markdown file ("Follow
 * full rollback plan from `docs/…/rollback_plan.md`") takes its steps from that file — its
 * Rollback Procedure, or the whole file when it is itself a plan of steps. Pure: the caller
 * reads the file; this decides where to look and splices the steps in.
 */

import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Note, RollbackPath, Step } from './types.js';
import { flattenSteps } from './walk-steps.js';

export interface LinkRequest {
  path: RollbackPath;
  /** Index in `path.steps` of the pointer. */
  index: number;
  target: string;
  line: number;
}

/** Paths whose own steps are just a pointer (steps shared with other paths do not count). */
export function findLinks(note: Note): LinkRequest[] {
  const paths = note.rollback?.paths ?? [];
  const shared = new Set(paths.length > 1 ? paths.flatMap((path) => path.steps).filter((step, index, all) => all.indexOf(step) !== index) : []);
  return paths.flatMap((path) => {
    const own = path.steps.filter((step) => !shared.has(step));
    const pointer = own.length === 1 ? own[0] : undefined;
    if (pointer?.kind !== 'manual' || !pointer.link) return [];
    return [{ path, index: path.steps.indexOf(pointer), target: pointer.link.target, line: pointer.link.line }];
  });
}

/**
 * Where a pointer may lead, in order: next to the note, in the runbooks folder, at the repository
 * root. A pointer is a path inside one of these folders: `../../../etc/x.md` (or `/etc/x.md`, read
 * as relative) that climbs out of a folder is no candidate there (docs/security.md).
 */
export function linkCandidates(noteFile: string, target: string, dirs: LinkRoots): string[] {
  const roots = linkRoots(noteFile, dirs);
  const candidates = roots.flatMap((root) => {
    const candidate = resolve(root, target.replace(/^\/+/, ''));
    return isInside(candidate, root) ? [candidate] : [];
  });
  return [...new Set(candidates)];
}

export interface LinkRoots {
  cwd: string;
  runbooks: string;
  repoRoot?: string;
}

/** The folders a linked plan must lie in (after symlinks are followed, too). */
export function linkRoots(noteFile: string, dirs: LinkRoots): string[] {
  // The working folder only outside a repository: run from `/`, it would let a pointer lead anywhere.
  return [...new Set([dirname(resolve(dirs.cwd, noteFile)), resolve(dirs.cwd, dirs.runbooks), dirs.repoRoot ?? dirs.cwd])];
}

export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel);
}

/** Replaces the pointer with the linked note's steps, each naming `shown:line` it came from. */
export function spliceLinkedPlan(request: LinkRequest, linked: Note, shown: string, wholeFile: Step[]): void {
  const source = linked.rollback?.paths[0]?.steps ?? wholeFile;
  if (source.length === 0) return;
  for (const step of flattenSteps(source)) step.linkedFrom = `${shown}:${step.line}`;
  // What the note says around the pointer (a Decision Matrix, a warning) still goes with the path.
  const notes = request.path.steps[request.index]?.notes ?? [];
  source[0]!.notes.unshift(...notes.filter((note) => !source[0]!.notes.includes(note)));
  request.path.steps.splice(request.index, 1, ...source);
}
