/**
 * Spawns the real `bin/runbook.js` (built by `npm run build`) and collects stdout, stderr
 * and the exit code, so end-to-end tests assert all three together.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = `${projectRoot}bin/runbook.js`;
export const fixturesDir = `${projectRoot}test/fixtures`;

export interface CliResult {
  stdout: string;
  stderr: string;
  /** The exit code; 128 + n when a signal n ended the process (as a shell reports it). */
  exitCode: number;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Text on stdin, which is then closed. */
  input?: string;
  /** Leave stdin open (a pipe nobody writes to), as a CI job's stdin may be. */
  stdinOpen?: boolean;
  timeoutMs?: number;
}

export interface RunningCli {
  child: ChildProcess;
  /** Output so far (grows while it runs). */
  readonly stdout: string;
  readonly stderr: string;
  result: Promise<CliResult>;
}

/** Starts the CLI without waiting for it: for runs a test kills, or runs side by side. */
export function spawnCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => {}); // the CLI may exit before reading its input
  if (!options.stdinOpen) child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin!.destroy();
      resolve({ stdout, stderr, exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0) });
    });
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    result,
  };
}

/** Runs the CLI to the end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).result;
}
