/**
 * `$VAR` / `${VAR}` a path's shell steps use that none of its steps sets: unless the
 * environment provides them, they expand to nothing (`instances/$YOUR_INSTANCE` → `instances/`).
 */

import { stripComment } from '../note/shell-words.js';
import type { PlanStep } from './types.js';

/** Set by the shell or by runbook for every step: never worth listing. */
const PROVIDED = new Set([
  'HOME',
  'PATH',
  'USER',
  'PWD',
  'OLDPWD',
  'SHELL',
  'TERM',
  'HOSTNAME',
  'LANG',
  'TMPDIR',
  'UID',
  'EUID',
  'PPID',
  'RANDOM',
  'SECONDS',
  'LINENO',
  'BASH_SOURCE',
  'PIPESTATUS',
  'IFS',
  'OPTARG',
  'OPTIND',
  'REPLY',
  'BASHPID',
  'HOSTTYPE',
  'OSTYPE',
  'FUNCNAME',
  'GROUPS',
  'BASH_REMATCH',
  'KUBECONFIG',
  'PROMETHEUS_URL',
  'RUNBOOK_STEP',
]);

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

/** `export X`, `export X=…`, `declare -x X=…`: the forms that carry X into later steps. */
const EXPORT = /(?:^|[\s;&|(])(?:export(?:\s+-\w+)*|(?:declare|typeset)\s+-\w*x\w*)\s+([A-Za-z_]\w*)/g;

/**
 * Variables a step uses that no earlier step exports: the steps of a run share exported variables
 * (see execute/shell-session.ts), but not plain assignments, and a later step's come too late
 * (`X=…` in step 2 or `export X=…` in step 4, `echo "$X"` in step 3).
 */
export function findCrossStepVariables(steps: readonly ScriptSource[]): { name: string; line: number; setBy: string; why: 'not-exported' | 'later' }[] {
  const shells = steps.filter((step): step is Extract<ScriptSource, { kind: 'shell' }> => step.kind === 'shell');
  const scan = (step: Extract<ScriptSource, { kind: 'shell' }>, pattern: RegExp) => {
    const names = new Set<string>();
    for (const raw of step.source.split('\n'))
      for (const match of stripComment(raw)
        .replace(/'[^']*'/g, "''")
        .matchAll(pattern))
        names.add((match[1] ?? match[2] ?? match[3])!);
    return names;
  };
  const setIn = shells.map((step) => scan(step, SET));
  const exportedIn = shells.map((step) => scan(step, EXPORT));
  const found: { name: string; line: number; setBy: string; why: 'not-exported' | 'later' }[] = [];
  shells.forEach((step, index) => {
    step.source.split('\n').forEach((raw, lineIndex) => {
      for (const match of stripComment(raw)
        .replace(/'[^']*'/g, "''")
        .matchAll(USE)) {
        const name = (match[1] ?? match[2])!;
        if (setIn[index]!.has(name) || PROVIDED.has(name) || found.some((entry) => entry.name === name)) continue;
        if (exportedIn.slice(0, index).some((names) => names.has(name))) continue;
        const earlier = setIn.slice(0, index).findIndex((names) => names.has(name));
        const setter = earlier !== -1 ? earlier : setIn.findIndex((names, otherIndex) => otherIndex > index && names.has(name));
        if (setter !== -1) found.push({ name, line: step.lineMap[lineIndex] ?? step.line, setBy: `line ${shells[setter]!.line}`, why: earlier !== -1 ? 'not-exported' : 'later' });
      }
    });
  });
  return found;
}
