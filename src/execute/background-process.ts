/**
 * Long-running processes runbook starts itself (the sandbox's Prometheus): started in their
 * own process group with output to a log file, stopped as a whole (TERM, then KILL).
 */

import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';

export interface BackgroundProcess {
  pid: number;
  /** Resolves when the process has ended. */
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export function startBackground(command: string, args: string[], options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string }): BackgroundProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env: options.env ?? process.env, cwd: options.cwd });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  return {
    pid,
    exited,
    async stop(graceMs = 3000) {
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
