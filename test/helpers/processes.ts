/**
 * Live processes, read from /proc (Linux): what tests check to prove a process tree is gone.
 * Zombies (dead, not yet reaped: common in containers) count as gone.
 */

import { readdirSync, readFileSync } from 'node:fs';

export interface LiveProcess {
  pid: number;
  /** The command name, as in `ps -o comm` (`sleep`, `make`, `bash`). */
  comm: string;
  /** Process group id. */
  pgid: number;
  /** Reads the process's environment (NAME=value entries); empty when it cannot be read. */
  environ(): string[];
}

export function liveProcesses(): LiveProcess[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (fields[0] === 'Z') return [];
        const environ = () => {
          try {
            return readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
          } catch {
            return [];
          }
        };
        return [{ pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), pgid: Number(fields[2]), environ }];
      } catch {
        return []; // gone meanwhile
      }
    });
}
