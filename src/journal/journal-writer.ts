/**
 * Appends run events to `<runs dir>/<run-id>.jsonl`, one JSON object per line, written as
 * each event happens (synchronously), so a run killed with SIGKILL leaves a journal that
 * says exactly how far it got.
 */

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from './events.js';

export interface JournalWriter {
  readonly path: string;
  write(event: RunEvent): void;
  close(): void;
}

export function openJournal(runsDir: string, runId: string): JournalWriter {
  mkdirSync(runsDir, { recursive: true });
  const path = join(runsDir, `${runId}.jsonl`);
  const fd = openSync(path, 'a');
  let open = true;
  return {
    path,
    write(event) {
      if (!open) return;
      writeSync(fd, `${JSON.stringify(event)}\n`);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
