/**
 * Writes a report file whole or not at all (a temp file beside it, then rename), and only
 * where a report belongs: an existing directory, a symbolic link or a device at the path is
 * refused rather than replaced or written through.
 */

import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

export function writeReportFile(path: string, text: string): void {
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(path);
  } catch {
    // not there yet: written below
  }
  if (existing && !existing.isFile()) {
    const what = existing.isDirectory() ? 'a directory' : existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
    throw new UsageError(`${path} is ${what}: give a file path for the report`);
  }
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
