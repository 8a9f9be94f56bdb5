/**
 * `bash -n` over step scripts: parses, never executes. All scripts go to one bash process,
 * each wrapped in a function body, so checking a whole directory of notes costs one spawn
 * (bash parses ~20 MB/s); only when that fails is the batch halved, again and again, to find
 * which scripts are broken and check those alone for an exact line.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { UsageError } from '../errors.js';
import type { SyntaxChecker, SyntaxProblem } from '../io.js';

/**
 * A checker whose first bash is started now, before the note is even read, so bash's start-up
 * overlaps with parsing. The waiting bash reads nothing until a check comes; if none does, it
 * sees end-of-input when runbook exits and exits too (an empty script is valid).
 */
export function createBashSyntaxChecker(): SyntaxChecker {
  let warm: ChildProcessWithoutNullStreams | undefined = startBash();
  let failed = false;
  warm.once('error', () => (failed = true)); // e.g. no bash: the check's own spawn reports it
  setReferenced(warm, false); // a bash nobody asked for yet must not keep runbook running
  return (scripts) => {
    const child = warm && !failed ? warm : undefined;
    warm = undefined;
    if (child) setReferenced(child, true);
    return checkBashSyntax(scripts, child);
  };
}

function setReferenced(child: ChildProcessWithoutNullStreams, referenced: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as { ref?(): void; unref?(): void }[]) {
    if (referenced) handle.ref?.();
    else handle.unref?.();
  }
}

export async function checkBashSyntax(scripts: string[], firstBash?: ChildProcessWithoutNullStreams): Promise<(SyntaxProblem | undefined)[]> {
  const results: (SyntaxProblem | undefined)[] = new Array(scripts.length).fill(undefined);
  const indexes = scripts.map((_, index) => index);
  if (indexes.length === 0) {
    firstBash?.stdin.end();
    return results;
  }
  const check = async (batch: number[], bash?: ChildProcessWithoutNullStreams): Promise<void> => {
    if (batch.length === 1) {
      results[batch[0]!] = await runBashN(scripts[batch[0]!]!, bash);
      return;
    }
    const wrapped = batch.map((index, position) => `__runbook_step_${position}() {\n${scripts[index]}\n:\n}\n`).join('');
    if ((await runBashN(wrapped, bash)) === undefined) return;
    const half = Math.ceil(batch.length / 2);
    await Promise.all([check(batch.slice(0, half)), check(batch.slice(half))]);
  };
  await check(indexes, firstBash);
  return results;
}

function startBash(): ChildProcessWithoutNullStreams {
  return spawn('bash', ['-n'], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
}

/** Runs `bash -n` on a script given on stdin; returns the first problem bash reports. */
function runBashN(script: string, started?: ChildProcessWithoutNullStreams): Promise<SyntaxProblem | undefined> {
  return new Promise((resolve, reject) => {
    const child = started ?? startBash();
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
