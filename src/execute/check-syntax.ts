/**
 * `bash -n` over step scripts: parses, never executes. All scripts go to one bash process,
 * each wrapped in a function body, so checking a whole directory of notes costs one spawn;
 * only when that fails are the scripts checked one by one to say which is broken and where.
 */

import { spawn } from 'node:child_process';
import { UsageError } from '../errors.js';
import type { SyntaxProblem } from '../io.js';

const BATCH_SIZE = 500;
const PARALLEL_SINGLE_CHECKS = 4;

export async function checkBashSyntax(scripts: string[]): Promise<(SyntaxProblem | undefined)[]> {
  const results: (SyntaxProblem | undefined)[] = new Array(scripts.length).fill(undefined);
  for (let start = 0; start < scripts.length; start += BATCH_SIZE) {
    const batch = scripts.slice(start, start + BATCH_SIZE);
    const wrapped = batch.map((script, index) => `__runbook_step_${index}() {\n${script}\n:\n}\n`).join('');
    if ((await runBashN(wrapped)) === undefined) continue;
    const indexes = batch.map((_, index) => start + index);
    await forEachLimited(indexes, PARALLEL_SINGLE_CHECKS, async (index) => {
      results[index] = await runBashN(scripts[index]!);
    });
  }
  return results;
}

/** Runs `bash -n` on a script given on stdin; returns the first problem bash reports. */
function runBashN(script: string): Promise<SyntaxProblem | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-n'], { stdio: ['pipe', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new UsageError('bash was not found on PATH: runbook needs bash to check and run steps') : error),
    );
    child.on('close', (code) => resolve(code === 0 ? undefined : parseBashError(stderr)));
    child.stdin.on('error', () => {}); // bash may exit before reading everything; its exit code tells
    child.stdin.end(script);
  });
}

/** `bash: line 3: syntax error near unexpected token \`fi'` → { line: 2, message }. */
export function parseBashError(stderr: string): SyntaxProblem {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  const error = lines.find((line) => /syntax error/.test(line)) ?? lines[0] ?? 'bash -n failed';
  const match = /^(?:bash: )?line (\d+): (.*)$/.exec(error);
  if (!match) return { line: 0, message: error.replace(/^bash: /, '') };
  return { line: Math.max(0, Number(match[1]) - 1), message: match[2]! };
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}
