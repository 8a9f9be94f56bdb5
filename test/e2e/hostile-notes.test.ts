/**
 * Issue #9, "hangs and bounds" and the Stage field: a note over a limit is refused at once
 * with file:line (exit 2), and a Stage that is not a stage id never names a file.
 */

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const head = (stage: string) => `# Migration: Hostile · Stage 88_lim\n\n**Component**: Fixture  \n**Stage**: ${stage}  \n**Status**: In Progress\n\n## Rollback Procedure\n\n`;
const step = '1. **Say hello**:\n   ```bash\n   echo hello\n   ```\n';

describe('hostile notes', () => {
  it("the note's **Stage**: ../../poetry is refused with file:line: no ./poetry.lock, nothing run, --force-unlock cannot touch the user's file", async () => {
    const sandbox = createSandbox({ notes: [] });
    writeFileSync(join(sandbox.runbooks, 'poetry.md'), head('../../poetry') + step);
    writeFileSync(join(sandbox.work, 'poetry.lock'), "the user's lock file\n");
    for (const args of [
      ['rollback', join(sandbox.runbooks, 'poetry.md'), '--yes', '--force-unlock'],
      ['show', join(sandbox.runbooks, 'poetry.md')],
    ]) {
      const result = await sandbox.run(args);
      expect(result).toEqual({
        exitCode: 2,
        stdout: '',
        stderr: `runbook: ${join(sandbox.runbooks, 'poetry.md')}:4: **Stage**: "../../poetry" is not a stage id: use letters, digits, "_", "-" and "." only (e.g. 21_01a)\n`,
      });
    }
    expect(existsSync(join(sandbox.work, 'poetry.lock'))).toBe(true);
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });

  it.each([
    ['a list nested 1,000 deep overflows the stack: now exit 2', () => Array.from({ length: 1_000 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n'), 'lists nested more than 64 levels deep'],
    [
      '10,000 steps take 83 s: now refused at once',
      () => Array.from({ length: 10_000 }, (_, i) => `${i + 1}. **Step ${i + 1}**:\n   \`\`\`bash\n   echo ${i}\n   \`\`\`\n`).join('\n'),
      "more than 500 numbered items and headings, the limit for a note's steps",
    ],
    ['200,000 lines take 1 GB: now refused at once', () => `${step}${'text\n'.repeat(200_000)}`, 'more than 20,000 lines, the limit for a note'],
  ])('%s', async (_name, body, message) => {
    const sandbox = createSandbox({ notes: [] });
    const path = join(sandbox.runbooks, 'big.md');
    writeFileSync(path, head('88_lim') + body());
    for (const args of [
      ['show', path],
      ['rollback', path, '--dry-run'],
      ['lint', path],
    ]) {
      const result = await sandbox.run(args, { timeoutMs: 15_000 });
      expect(result.exitCode).toBeGreaterThan(0);
      expect(result.exitCode).toBeLessThan(3);
      const said = result.stdout + result.stderr; // lint lists problems on stdout
      expect(said).toMatch(/big\.md:\d+:(\d+:)? /);
      expect(said).toContain(message);
    }
  });
});

describe('--set values', () => {
  it.each([
    ['incident-id=--all', 'starts with "-": the command would take it for an option'],
    ['incident-id=~root', 'has characters that could change the command'],
    ['incident-id=../../etc', 'has a ".." path segment'],
  ])('--set values can still change the command: %s is refused, nothing run', async (set, message) => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '90_env', '--yes', '--set', set));
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(existsSync(join(sandbox.work, '.runbook'))).toBe(false);
  });
});
