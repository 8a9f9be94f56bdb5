/**
 * Processes a killed run left behind: members of a step's process group that still carry
 * that run's RUNBOOK_RUN_ID. Checking the run id means a reused process-group number never
 * gets someone else's processes killed. Linux only (reads /proc); elsewhere finds nothing.
 */

import { readdirSync, readFileSync } from 'node:fs';

export function findLeftovers(group: number, runId: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const marker = `RUNBOOK_RUN_ID=${runId}`;
  return entries.map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group || fields[0] === 'Z') return false; // fields[2] is the process group
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
    } catch {
      return false; // gone meanwhile, or not ours to read
    }
  });
}

/** Kills the given processes; returns how many were signalled. */
export function killLeftovers(pids: number[]): number {
  let killed = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      killed += 1;
    } catch {
      // already gone
    }
  }
  return killed;
}
