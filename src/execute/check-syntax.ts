/**
 * `bash -n` over step scripts: parses, never executes. A script that could open or close a
 * construct across its end (a brace, a quote, a heredoc: see simple-script.ts) is checked on
 * its own (issue #9: in one batch, a step ending in `__x() {` and the next starting with `}`
 * passed together), by a small bash driver — one spawn from runbook, one `bash -n` fork per
 * script; the driver only runs its own fixed loop, the scripts reach `bash -n` as data on its
 * stdin, NUL-separated (a note cannot hold a NUL: note/decode.ts refuses it). Simple scripts,
 * which cannot, go to one `bash -n` together, each wrapped in a function body (bash parses
 * ~20 MB/s); only when that fails is the batch halved to find which are broken.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { UsageError } from '../errors.js';
import type { SyntaxChecker, SyntaxProblem } from '../io.js';
import { isSimpleScript } from './simple-script.js';

const DRIVER = `while IFS= read -r -d '' script; do
  if out=$(bash -n 2>&1 <<<"$script"); then printf 'ok\\0'; else printf '%s\\0' "$out"; fi
done`;

/** Enough drivers to use both cores of a small machine on a folder of notes. */
const PARALLEL_FROM = 16;

/**
 * A checker whose first driver is started now, before the note is even read, so bash's
 * start-up overlaps with parsing. The waiting driver reads nothing until a check comes; if
 * none does, it sees end-of-input when runbook exits and exits too.
 */
export function createBashSyntaxChecker(): SyntaxChecker {
  let warm: ChildProcessWithoutNullStreams | undefined = startDriver();
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

/** One result per script, in order: undefined when `bash -n` accepts it alone. */
export async function checkBashSyntax(scripts: string[], firstDriver?: ChildProcessWithoutNullStreams): Promise<(SyntaxProblem | undefined)[]> {
  const results: (SyntaxProblem | undefined)[] = new Array(scripts.length).fill(undefined);
  const simple = scripts.flatMap((script, index) => (isSimpleScript(script) ? [index] : []));
  const alone = scripts.flatMap((script, index) => (isSimpleScript(script) ? [] : [index]));
  // The warm driver takes the scripts checked alone; the batch has a bash of its own.
  await Promise.all([checkAlone(scripts, alone, results, firstDriver), checkBatch(scripts, simple, results)]);
  return results;
}

async function checkAlone(scripts: string[], indexes: number[], results: (SyntaxProblem | undefined)[], firstDriver?: ChildProcessWithoutNullStreams): Promise<void> {
  if (indexes.length === 0) {
    firstDriver?.stdin.end();
    return;
  }
  const parts = indexes.length < PARALLEL_FROM ? [indexes] : [indexes.slice(0, Math.ceil(indexes.length / 2)), indexes.slice(Math.ceil(indexes.length / 2))];
  await Promise.all(
    parts.map(async (part, n) => {
      const found = await runDriver(
        part.map((index) => scripts[index]!),
        n === 0 ? firstDriver : undefined,
      );
      part.forEach((index, position) => (results[index] = found[position]));
    }),
  );
}

/** Simple scripts in one `bash -n`, halved again and again only when it fails. */
async function checkBatch(scripts: string[], indexes: number[], results: (SyntaxProblem | undefined)[]): Promise<void> {
  if (indexes.length === 0) return;
  if (indexes.length === 1) {
    results[indexes[0]!] = (await runDriver([scripts[indexes[0]!]!]))[0];
    return;
  }
  const wrapped = indexes.map((index, position) => `__runbook_step_${position}() {\n${scripts[index]}\n:\n}\n`).join('');
  if ((await runDriver([wrapped]))[0] === undefined) return;
  const half = Math.ceil(indexes.length / 2);
  await Promise.all([checkBatch(scripts, indexes.slice(0, half), results), checkBatch(scripts, indexes.slice(half), results)]);
}

function startDriver(): ChildProcessWithoutNullStreams {
  // --norc: Debian's bash sources ~/.bashrc when its stdin is a socket (as Node's pipes are),
  // which ran the operator's shell setup (pyenv init: ~100 ms) on every check.
  return spawn('bash', ['--noprofile', '--norc', '-c', DRIVER], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
}

function runDriver(scripts: string[], started?: ChildProcessWithoutNullStreams): Promise<(SyntaxProblem | undefined)[]> {
  return new Promise((resolve, reject) => {
    const child = started ?? startDriver();
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new UsageError('bash was not found on PATH: runbook needs bash to check and run steps') : error));
    child.on('close', () => {
      const answers = stdout.split('\0');
      if (answers.length < scripts.length + 1) return reject(new Error(`bash -n checked ${answers.length - 1} of ${scripts.length} scripts`));
      resolve(scripts.map((_, index) => (answers[index] === 'ok' ? undefined : parseBashError(answers[index]!))));
    });
    child.stdin.on('error', () => {}); // bash may exit before reading everything; the count tells
    child.stdin.end(scripts.map((script) => `${script.replace(/\0/g, '')}\0`).join(''));
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
