/**
 * `$VAR` / `${VAR}` a path's shell steps use that none of its steps sets: unless the
 * environment provides them, they expand to nothing (`instances/$YOUR_INSTANCE` → `instances/`).
 */

import { stripComment } from '../note/shell-words.js';
import type { PlanStep } from './types.js';

/** Set by the shell or by runbook for every step: never worth listing. */
const PROVIDED = new Set(['HOME', 'PATH', 'USER', 'PWD', 'OLDPWD', 'SHELL', 'TERM', 'HOSTNAME', 'LANG', 'TMPDIR', 'UID', 'EUID', 'PPID', 'RANDOM', 'SECONDS', 'LINENO', 'BASH_SOURCE', 'PIPESTATUS', 'IFS', 'OPTARG', 'OPTIND', 'REPLY', 'BASHPID', 'HOSTTYPE', 'OSTYPE', 'FUNCNAME', 'GROUPS', 'BASH_REMATCH', 'KUBECONFIG', 'PROMETHEUS_URL', 'RUNBOOK_STEP']);

const USE = /(?<!\\)\$(?:\{([A-Za-z_]\w*)[^}]*\}|([A-Za-z_]\w*))/g;
const SET = /(?:^|[\s;&|(])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_]\w*)=|\bread\s+(?:-\w+\s+)*([A-Za-z_]\w*)|\bfor\s+([A-Za-z_]\w*)\s+in\b/g;

type ScriptSource = Pick<Extract<PlanStep, { kind: 'shell' }>, 'kind' | 'source' | 'lineMap' | 'line'> | { kind: 'manual' | 'choice' };

export function findUnsetVariables(steps: readonly ScriptSource[]): { name: string; lines: number[] }[] {
  const set = new Set<string>();
  const used = new Map<string, number[]>();
  for (const step of steps) {
    if (step.kind !== 'shell') continue;
    step.source.split('\n').forEach((raw, index) => {
      const line = stripComment(raw).replace(/'[^']*'/g, "''");
      for (const match of line.matchAll(SET)) set.add((match[1] ?? match[2] ?? match[3])!);
      for (const match of line.matchAll(USE)) {
        const name = (match[1] ?? match[2])!;
        if (PROVIDED.has(name) || name.startsWith('RUNBOOK_') || /^\d/.test(name)) continue;
        used.set(name, [...(used.get(name) ?? []), step.lineMap[index] ?? step.line]);
      }
    });
  }
  return [...used].filter(([name]) => !set.has(name)).map(([name, lines]) => ({ name, lines: [...new Set(lines)] }));
}
