/**
 * Writes a file runbook produces (a report, a metrics file) where the operator pointed, but
 * only over a regular file or at a new path (issue #9: `--report /dev/full` turned the device
 * into a file; `--report /tmp` left `/tmp.PID.tmp`). A symlink is followed when it leads to a
 * regular file, so the link stays a link. The text goes to a temp file in the same folder,
 * then is renamed over the target: readers never see half a file, and the temp file is
 * removed on every error.
 */

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { JournalError, UsageError } from '../errors.js';
import { describeFileKind } from './file-kind.js';
import { makeFolder } from './make-folder.js';

export interface WriteOptions {
  /** What the path was given as, for messages: `--report`, `--metrics-file`. */
  what: string;
  /** Creates the folder when missing (runbook's own folders); otherwise it must exist. */
  createFolder?: boolean;
  mode?: number;
}

/**
 * Where a write to `path` really goes (the target of a symlink), or a `UsageError` (exit 2)
 * naming what the path is when it is neither a regular file nor a new path. Call it before a
 * run, so a bad path stops it before anything ran; `writeFileSafely` checks again.
 */
export function checkWritablePath(path: string, options: WriteOptions): string {
  let target = path;
  let link = '';
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) {
      link = ` (a symlink to ${safeRealpath(path) ?? 'a missing file'})`;
      target = safeRealpath(path) ?? refuse(path, `a symlink to a missing file`, options);
      const resolved = statSync(target);
      if (!resolved.isFile()) refuse(path, `a symlink to ${describeFileKind(resolved)} (${target})`, options);
    } else if (!stats.isFile()) {
      refuse(path, describeFileKind(stats), options);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${options.what} ${path}${link}: ${(error as Error).message}`);
  }
  const folder = dirname(target);
  try {
    if (!statSync(folder).isDirectory()) refuse(folder, 'not a directory', { ...options, what: `the folder of ${options.what}` });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.createFolder) return target;
    throw new UsageError(`${options.what} ${path}: its folder ${folder} ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be used (${(error as Error).message})`}`);
  }
  return target;
}

/** Writes `text` to `path` whole, or throws (UsageError for a bad path, JournalError for a full disk). */
export function writeFileSafely(path: string, text: string | Uint8Array, options: WriteOptions): void {
  const target = checkWritablePath(path, options);
  if (options.createFolder) makeFolder(dirname(target), options.what);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', options.mode ?? 0o644);
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or renamed already
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new JournalError(`cannot write ${options.what} ${path}: disk full`, { cause: error });
    throw new UsageError(`cannot write ${options.what} ${path}: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function refuse(path: string, kind: string, options: WriteOptions): never {
  throw new UsageError(`${options.what} ${path} is ${kind}, not a regular file: give the path of a file to write (it is replaced) or a new one`);
}
