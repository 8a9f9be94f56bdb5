/**
 * Writes a report file (`rehearse --report`, `report --out`) whole or not at all, only over a
 * regular file or at a new path: see files/write-file-safely.ts, which every path runbook
 * writes goes through.
 */

import { writeFileSafely } from '../files/write-file-safely.js';

export function writeReportFile(path: string, text: string, what = 'the report'): void {
  writeFileSafely(path, text, { what, createFolder: true });
}
