import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { listNoteFiles } from '../../src/runbooks/find-note.js';

describe('listNoteFiles', () => {
  // As root no folder is unreadable, so the real file system is wrapped: this one folder refuses.
  it('an unreadable sub-folder fails the whole folder: now it is named and skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-list-'));
    mkdirSync(join(dir, 'private'));
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team', '21_01a_x.md'), '# x\n');
    writeFileSync(join(dir, 'private', '22_01a_y.md'), '# y\n');
    const io = await createNodeIo();
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const fs = { ...io.fs, readdir: (path: string) => (path.endsWith('/private') ? Promise.reject(denied) : io.fs.readdir(path)) };
    const skipped: string[] = [];
    const files = await listNoteFiles(dir, { ...io, cwd: '/', fs }, (path, reason) => skipped.push(`${path}: ${reason}`));
    expect(files).toEqual([join(dir, 'team', '21_01a_x.md')]);
    expect(skipped).toEqual([`${join(dir, 'private')}: a folder that cannot be read (EACCES)`]);
    rmSync(dir, { recursive: true });
  });
});
