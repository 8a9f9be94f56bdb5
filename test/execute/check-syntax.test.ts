import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBashSyntax, createBashSyntaxChecker } from '../../src/execute/check-syntax.js';

describe('checkBashSyntax (real bash -n)', () => {
  it('the batched bash -n can be fooled across steps (a step ending in `__x() {`, the next starting with `}`): each is checked on its own', async () => {
    const results = await checkBashSyntax(['echo one\n__x() {', '}\necho two', 'echo fine']);
    expect(results[0]).toMatchObject({ message: expect.stringMatching(/syntax error/) });
    expect(results[1]).toMatchObject({ line: 0, message: expect.stringMatching(/syntax error near unexpected token `}'/) });
    expect(results[2]).toBeUndefined();
  });

  it('finds the exact line of each broken script among many (two drivers)', async () => {
    const scripts = Array.from({ length: 40 }, (_, i) => (i % 13 === 5 ? `echo ${i}\nif true; then\n  echo\nfi fi` : `echo ${i}`));
    const results = await checkBashSyntax(scripts);
    expect(results.map((result, i) => (result ? [i, result.line] : undefined)).filter(Boolean)).toEqual([
      [5, 3],
      [18, 3],
      [31, 3],
    ]);
  });

  it('never runs a script: only parses it', async () => {
    const checker = createBashSyntaxChecker();
    const marker = join(tmpdir(), `runbook-must-not-exist-${process.pid}`);
    expect(await checker([`touch ${marker}; exit 3`, `echo $(touch ${marker})`])).toEqual([undefined, undefined]);
    expect(existsSync(marker)).toBe(false);
  });
});
