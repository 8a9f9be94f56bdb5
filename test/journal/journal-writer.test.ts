import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalError } from '../../src/errors.js';
import type { RunEvent } from '../../src/journal/events.js';
import { openJournal } from '../../src/journal/journal-writer.js';
import { parseJournal } from '../../src/journal/read-journal.js';
import { fillDisk, mountTmpfs, tmpfsSkipReason } from '../helpers/tmpfs.js';

const RUN = '20261201T230000Z-21_01a-abcd';
const at = '2026-12-01T23:00:00.000Z';
const finished = (step: number): RunEvent => ({ type: 'step-finished', at, step, title: `step ${step}`, result: 'done', exitCode: 0, durationMs: 5, outputTail: ['x'.repeat(2000)], flags: [], message: null });

function tempDir(): string {
  const dir = join(tmpdir(), `runbook-journal-${process.pid}-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('journal writer: whole lines', () => {
  it('appends start on a fresh line after a torn last line', () => {
    const dir = tempDir();
    const path = join(dir, `${RUN}.jsonl`);
    writeFileSync(path, `${JSON.stringify(finished(1))}\n{"type":"step-fini`);
    const journal = openJournal(dir, RUN);
    journal.write(finished(2));
    journal.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toBe('{"type":"step-fini');
    expect(JSON.parse(lines[2]!)).toMatchObject({ step: 2 });
    const parsed = parseJournal(readFileSync(path, 'utf8'), path);
    expect(parsed.events.map((event) => (event as { step: number }).step)).toEqual([1, 2]);
    expect(parsed.problems).toEqual([`${path}:2: skipped: not a JSON line (a torn or edited line)`]);
    expect(readdirSync(dir)).toEqual([`${RUN}.jsonl`]); // the reserve is gone with the run
    rmSync(dir, { recursive: true });
  });

  it.skipIf(tmpfsSkipReason)(`"cannot write the journal: disk full" stops the run, the event that hit the wall written whole (${tmpfsSkipReason ?? 'tmpfs'})`, () => {
    const dir = mountTmpfs('1m');
    const journal = openJournal(dir, RUN);
    journal.write(finished(1));
    fillDisk(dir);
    let error: unknown;
    try {
      journal.write(finished(2));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).exitCode).toBe(74);
    expect((error as Error).message).toMatch(/^cannot write the journal .*: disk full; the run stopped before its next step: free space, then runbook resume 2026/);
    // run-finished still fits, in the reserve given up
    journal.write({ type: 'run-finished', at, result: 'failed', exitCode: 74, message: (error as Error).message });
    journal.close();
    const text = readFileSync(join(dir, `${RUN}.jsonl`), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const parsed = parseJournal(text, 'j');
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((event) => event.type)).toEqual(['step-finished', 'step-finished', 'run-finished']);
  });

  it.skipIf(tmpfsSkipReason)('a journal that cannot be written at all stops the run before it starts, no torn line', () => {
    const dir = mountTmpfs('1m');
    fillDisk(dir);
    expect(() => openJournal(dir, RUN)).toThrow(/cannot write the journal .*: disk full/);
    expect(readFileSync(join(dir, `${RUN}.jsonl`), 'utf8')).toBe('');
    expect(readdirSync(dir).sort()).toEqual([`${RUN}.jsonl`, 'filler']);
  });
});

describe('journal writer: files planted by someone else', () => {
  it('a journal that is a symlink is never appended to, nor its reserve name followed', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, `${RUN}.jsonl`));
    expect(() => openJournal(dir, RUN)).toThrow(/cannot write the journal .*: it is a symbolic link, and runbook appends only to its own file/);
    rmSync(join(dir, `${RUN}.jsonl`));
    symlinkSync(victim, join(dir, `.${RUN}.reserve`));
    openJournal(dir, RUN).close();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    rmSync(dir, { recursive: true });
  });
});

describe('journal reader: damage is skipped and named', () => {
  it.each([
    ['null', 'not an event (null)'],
    ['[1,2]', 'not an event (a list)'],
    ['{"type":"step-finished","at":"2026-12-01T23:00:00Z"}', 'step-finished event with a missing or bad "step"'],
    ['{"type":"teleport","at":"2026-12-01T23:00:00Z"}', 'unknown event type "teleport"'],
    ['{"type":"run-finished","at":"yesterday","result":"failed","exitCode":1}', 'run-finished event without a valid "at" time'],
    ['{"type":"run-started","at":"2026-12-01T23:00:00Z","steps":null}', 'run-started event with a missing or bad "runId"'],
  ])('a journal line that is %s is skipped: %s', (line, why) => {
    const text = `${JSON.stringify(finished(1))}\n${line}\n${JSON.stringify(finished(2))}\n`;
    const parsed = parseJournal(text, 'j.jsonl');
    expect(parsed.events).toHaveLength(2);
    expect(parsed.problems).toEqual([`j.jsonl:2: skipped: ${why}`]);
  });

  it('a torn last step-finished line names the step, so a resume does not run it again', () => {
    const text = `${JSON.stringify(finished(1))}\n${JSON.stringify(finished(2)).slice(0, 90)}`;
    expect(parseJournal(text, 'j').tornStep).toBe(2);
  });
});
