/**
 * Appends run events to `<runs dir>/<run-id>.jsonl`, one JSON object per line, written as
 * each event happens (synchronously), so a run killed with SIGKILL leaves a journal that
 * says exactly how far it got.
 *
 * Whole lines only (issue #9, a full disk): a write that fails part-way is cut back off the
 * file, and an append after a torn line (a crash mid-write) starts on a fresh line. A small
 * reserve file is kept beside the journal while the run lasts: when the disk fills, it is
 * given up so the event that hit the wall (a step's result) and `run-finished` still fit,
 * and the write throws a `JournalError` that stops the run before its next step.
 */

import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { JournalError } from '../errors.js';
import { makeFolder } from '../files/make-folder.js';
import type { RunEvent } from './events.js';

export interface JournalWriter {
  readonly path: string;
  write(event: RunEvent): void;
  close(): void;
}

/** Room kept free for the last events of a run on a disk that fills up (a step result is at most ~70 KiB). */
const RESERVE_BYTES = 256 * 1024;

/** Opens (or continues) a run's journal; throws a `JournalError` when it cannot be written at all. */
export function openJournal(runsDir: string, runId: string): JournalWriter {
  const path = join(runsDir, `${runId}.jsonl`);
  const reservePath = join(runsDir, `.${runId}.reserve`);
  makeFolder(runsDir, 'the journal folder');
  let fd: number;
  try {
    // O_NOFOLLOW: a journal that is a symlink is not ours to append to.
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    throw journalError(path, runId, error);
  }
  let needsNewline = endsMidLine(fd);
  const failed = createReserve(reservePath);
  if (failed) {
    closeSync(fd);
    throw journalError(path, runId, failed);
  }
  let reserve = true as true | undefined;
  let full = false;
  let open = true;

  const append = (text: string) => {
    const size = fstatSync(fd).size;
    try {
      writeWhole(fd, text);
    } catch (error) {
      // Never leave half a line: the next reader (or append) would take it for damage.
      try {
        ftruncateSync(fd, size);
      } catch {
        // nothing more we can do; readers skip a torn last line
      }
      throw error;
    }
  };

  return {
    path,
    write(event) {
      if (!open) return;
      const line = `${needsNewline ? '\n' : ''}${JSON.stringify(event)}\n`;
      try {
        append(line);
        needsNewline = false;
        return;
      } catch (error) {
        if (!isDiskFull(error) || reserve === undefined) throw journalError(path, runId, error);
        // Out of space: give up the reserve, so this event and the run's last ones fit.
        reserve = removeReserve(reservePath);
        full = true;
      }
      try {
        append(line);
        needsNewline = false;
      } catch (error) {
        throw journalError(path, runId, error);
      }
      if (full && event.type !== 'run-finished') throw journalError(path, runId, Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
      if (reserve !== undefined) removeReserve(reservePath);
    },
  };
}

function writeWhole(fd: number, text: string): void {
  writeBytes(fd, Buffer.from(text, 'utf8'));
}

function writeBytes(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Whether the file's last byte is not a newline: a line torn by a crash or a full disk. */
function endsMidLine(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/** Creates the reserve file; the error when it cannot be. */
function createReserve(path: string): Error | undefined {
  let fd: number | undefined;
  try {
    removeReserve(path); // a leftover, or a link planted at the name: removed, never followed
    fd = openSync(path, 'wx');
    // Random bytes, not zeros: a compressing file system (btrfs, ZFS) stores zeros in no space at all.
    writeBytes(fd, randomBytes(RESERVE_BYTES));
    return undefined;
  } catch (error) {
    removeReserve(path);
    return error as Error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function removeReserve(path: string): undefined {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
  return undefined;
}

function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function journalError(path: string, runId: string, error: unknown): JournalError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = isDiskFull(error) ? 'disk full' : code === 'ELOOP' ? 'it is a symbolic link, and runbook appends only to its own file' : code ? `${(error as Error).message}` : String(error);
  return new JournalError(`cannot write the journal ${path}: ${reason}; the run stopped before its next step: free space, then runbook resume ${runId}`, { cause: error });
}
