/**
 * Reads an input file (a note, environments.json, an env file, a journal) that could be
 * anything: only a regular file, and at most `maxBytes` of it. Opened with O_NONBLOCK so a
 * FIFO named `x.md` cannot block the open, then checked with fstat on the open descriptor
 * (no race with a swap of the path), so a symlink to /dev/zero is refused instead of read
 * forever (issue #9).
 *
 * Failures are errors with a `code`, like the file system's own (ENOENT, EACCES), so every
 * caller words them as it does those: `EISDIR`, `ENOTREG` (a FIFO, a device…) and `EFBIG` (too large).
 */

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeFileKind } from './file-kind.js';

/** The largest note, environments.json or env file runbook reads (documented in docs/security.md). */
export const MAX_INPUT_BYTES = 1024 * 1024;

export class FileReadError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOTREG' | 'EISDIR' | 'EFBIG',
  ) {
    super(message);
  }
}

/** The file's bytes, or a `FileReadError` (or the file system's error) saying why not. */
export async function readRegularFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileReadError(`is ${describeFileKind(stats)}, not a regular file`, stats.isDirectory() ? 'EISDIR' : 'ENOTREG');
    if (stats.size > maxBytes) throw tooLarge(maxBytes);
    // Read to the limit (+1, to notice a file that grew since fstat), never further.
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0 || (length += bytesRead) === buffer.length) break;
    }
    if (length > maxBytes) throw tooLarge(maxBytes);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** The same, synchronous (for the lock, read in exit handlers), and never through a symlink. */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new FileReadError(`is ${describeFileKind(stats)}, not a regular file`, stats.isDirectory() ? 'EISDIR' : 'ENOTREG');
    if (stats.size > maxBytes) throw tooLarge(maxBytes);
    const buffer = Buffer.alloc(stats.size);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(maxBytes: number): FileReadError {
  return new FileReadError(`is larger than ${formatBytes(maxBytes)}, the limit runbook reads (see docs/security.md)`, 'EFBIG');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
