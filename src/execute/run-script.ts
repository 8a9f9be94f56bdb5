/**
 * Runs one step's script through bash — the only place runbook starts a step's processes.
 * The script runs with errexit and pipefail in its own process group, so a timeout or a
 * Ctrl-C stops the whole tree (`make` and everything it started), not just bash.
 */

import { execa } from 'execa';
import { OutputTail } from './output-tail.js';

export interface ScriptRun {
  script: string;
  cwd: string;
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** Aborting it (Ctrl-C) stops the step's process tree. */
  signal?: AbortSignal;
  /** Each complete line of output (stdout and stderr, interleaved) as it arrives. */
  onLine?: (line: string) => void;
  /** The process group id, once bash has started. */
  onSpawn?: (pid: number) => void;
}

export interface ScriptResult {
  exitCode?: number;
  /** Signal that ended the script, when one did. */
  signal?: string;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  /** Last lines of output, bounded. */
  tail: string[];
  /** bash could not be started at all. */
  startError?: string;
  ok: boolean;
}

const KILL_GRACE_MS = 3000;
/** How long output may keep coming after bash exited (from processes it left behind). */
const OUTPUT_DRAIN_MS = 200;

/** Runs the script; never throws for the script's own failure (the result says what happened). */
export async function runScript(run: ScriptRun, now: () => number = Date.now): Promise<ScriptResult> {
  const started = now();
  const tail = new OutputTail();
  let timedOut = false;
  let interrupted = false;

  const child = execa('bash', ['--noprofile', '--norc', '-o', 'errexit', '-o', 'pipefail', '-c', run.script], {
    cwd: run.cwd,
    env: run.env,
    extendEnv: false,
    stdin: 'ignore', // a step that waits for input fails instead of hanging
    buffer: false,
    reject: false,
    detached: true, // own process group: killed as a whole, and Ctrl-C reaches runbook, not the step
    cleanup: true,
  });

  if (child.pid !== undefined) run.onSpawn?.(child.pid);
  const emit = (lines: string[]) => lines.forEach((line) => run.onLine?.(line));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => emit(tail.push(chunk, 'stdout')));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => emit(tail.push(chunk, 'stderr')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let killTimer: NodeJS.Timeout | undefined;
  const stopTree = () => {
    killGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  const timeout = setTimeout(() => {
    timedOut = true;
    stopTree();
  }, run.timeoutMs);
  const onAbort = () => {
    interrupted = true;
    stopTree();
  };
  if (run.signal?.aborted) onAbort();
  run.signal?.addEventListener('abort', onAbort, { once: true });

  let drainTimer: NodeJS.Timeout | undefined;
  try {
    // A process the step left in the background (`server &`) inherits its output and can hold
    // it open for ever: once bash has exited, let the output drain briefly, then stop reading
    // rather than wait for it (the step would otherwise "hang" until its timeout).
    await Promise.race([child, exited.then(() => new Promise((resolve) => (drainTimer = setTimeout(resolve, OUTPUT_DRAIN_MS))))]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    const result = await child;
    emit(tail.flush());
    // Children that outlived bash (backgrounded with &) belong to the step too.
    if (timedOut || interrupted) killGroup(child.pid, 'SIGKILL');
    const startError = result.failed && result.exitCode === undefined && !result.signal && !timedOut && !interrupted ? result.shortMessage : undefined;
    return {
      exitCode: result.exitCode,
      signal: result.signal ?? undefined,
      timedOut,
      interrupted,
      durationMs: now() - started,
      tail: tail.last(),
      startError,
      ok: result.exitCode === 0 && !timedOut && !interrupted,
    };
  } finally {
    clearTimeout(timeout);
    clearTimeout(killTimer);
    clearTimeout(drainTimer);
    run.signal?.removeEventListener('abort', onAbort);
  }
}

/** Stops a process group and everything in it. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
