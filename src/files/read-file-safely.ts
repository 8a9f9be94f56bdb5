/**
 * Reads an input file (a note, environments.json, a journal) that could be anything: only a
 * regular file, and at most `maxBytes` of it. Opened with O_NONBLOCK so a FIFO named `x.md`
 * cannot block the open, then checked with fstat on the open descriptor (no race with a swap
 * of the path), so a symlink to /dev/zero is refused instead of read forever.
 */

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { describeFileKind } from './file-kind.js';

export interface ReadLimits {
  /** Larger files are refused with a one-line error naming the limit. */
  maxBytes: number;
  /** What the file is, for messages: "note", "environments file". */
  what: string;
}

/**
 * The file's bytes. Throws a `UsageError` for a path that is not a regular file or is too
 * large; other failures (ENOENT, EACCES) are the file system's errors, for the caller to word.
 */
export async function readRegularFile(path: string, limits: ReadLimits): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UsageError(`${path} is ${describeFileKind(stats)}, not a regular file: give the ${limits.what} as a file`);
    if (stats.size > limits.maxBytes) throw tooLarge(path, limits);
    // Read to the limit (+1, to notice a file that grew since fstat), never further.
    const buffer = Buffer.alloc(Math.min(stats.size, limits.maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > limits.maxBytes) throw tooLarge(path, limits);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, limits: ReadLimits): UsageError {
  return new UsageError(`${path} is larger than ${formatBytes(limits.maxBytes)}, the limit for a ${limits.what}: is it the right file? (see docs/security.md)`);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}
