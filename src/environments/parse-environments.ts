/**
 * `runbooks/environments.json`: named environments (staging, production, sandbox) a run can
 * be pointed at with `--env NAME`. Parsing and validation are pure; every bad entry is
 * reported with the file, its line and the key.
 */

import type { NoteProblem } from '../errors.js';

export interface EnvironmentProfile {
  name: string;
  description?: string;
  /** Prometheus to verify against (after --prometheus-url and PROMETHEUS_URL). */
  prometheusUrl?: string;
  /** HOME for the steps and for reading env files (`~/work/infra/.env.infra`). */
  home?: string;
  /** Working directory of the steps. */
  cwd?: string;
  /** Extra environment variables of the steps. */
  env: Record<string, string>;
  /** Default values of `<parameters>` (after --set). */
  parameters: Record<string, string>;
  /** Which targets the recovery check looks at. */
  targets: { jobs: string[]; labels: Record<string, string> };
  /** A production environment: the operator types the stage id before the first step. */
  production: boolean;
  line: number;
}

const KEYS = ['description', 'prometheusUrl', 'home', 'cwd', 'env', 'parameters', 'targets', 'production'] as const;
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function parseEnvironments(text: string, file: string): { environments: Map<string, EnvironmentProfile>; problems: NoteProblem[] } {
  const problems: NoteProblem[] = [];
  const environments = new Map<string, EnvironmentProfile>();
  const problem = (line: number, message: string) => problems.push({ file, line, message });

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const position = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    problem(lineAt(text, position), `not valid JSON (${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}): fix the syntax`);
    return { environments, problems };
  }
  const root = data as { environments?: unknown };
  if (!isObject(root) || !isObject(root.environments)) {
    problem(1, 'expected an object with an "environments" object, e.g. {"environments": {"staging": {...}}}');
    return { environments, problems };
  }
  for (const [name, value] of Object.entries(root.environments)) {
    const line = keyLine(text, name);
    const at = (key: string) => keyLine(text, key, text.indexOf(`"${name}"`));
    if (!NAME.test(name)) problem(line, `environments.${name}: environment names are letters, digits, "-" and "_"`);
    if (!isObject(value)) {
      problem(line, `environments.${name}: expected an object of settings`);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (!(KEYS as readonly string[]).includes(key)) problem(at(key), `environments.${name}.${key}: unknown setting${suggest(key)}; known: ${KEYS.join(', ')}`);
    }
    const string = (key: (typeof KEYS)[number]) => {
      const entry = value[key];
      if (entry === undefined) return undefined;
      if (typeof entry !== 'string' || entry.trim() === '') {
        problem(at(key), `environments.${name}.${key}: expected a non-empty string`);
        return undefined;
      }
      return entry;
    };
    const map = (key: 'env' | 'parameters') => {
      const entry = value[key];
      if (entry === undefined) return {};
      if (!isObject(entry) || Object.values(entry).some((item) => typeof item !== 'string')) {
        problem(at(key), `environments.${name}.${key}: expected an object of string values`);
        return {};
      }
      return entry as Record<string, string>;
    };
    const prometheusUrl = string('prometheusUrl');
    if (prometheusUrl && !/^https?:\/\/|^\$\{/.test(prometheusUrl)) problem(at('prometheusUrl'), `environments.${name}.prometheusUrl: expected an http(s) URL`);
    const production = value.production;
    if (production !== undefined && typeof production !== 'boolean') problem(at('production'), `environments.${name}.production: expected true or false`);
    environments.set(name, {
      name,
      description: string('description'),
      prometheusUrl,
      home: string('home'),
      cwd: string('cwd'),
      env: map('env'),
      parameters: map('parameters'),
      targets: parseTargets(value.targets, name, at('targets'), problem),
      // Safer default: an environment called production is treated as one unless it says otherwise.
      production: typeof production === 'boolean' ? production : /^prod(uction)?$/i.test(name),
      line,
    });
  }
  return { environments, problems };
}

function parseTargets(value: unknown, name: string, line: number, problem: (line: number, message: string) => void): EnvironmentProfile['targets'] {
  const targets = { jobs: [] as string[], labels: {} as Record<string, string> };
  if (value === undefined) return targets;
  if (!isObject(value)) {
    problem(line, `environments.${name}.targets: expected {"jobs": [...], "labels": {...}}`);
    return targets;
  }
  for (const key of Object.keys(value)) if (key !== 'jobs' && key !== 'labels') problem(line, `environments.${name}.targets.${key}: unknown setting; known: jobs, labels`);
  if (value.jobs !== undefined) {
    if (Array.isArray(value.jobs) && value.jobs.every((job) => typeof job === 'string')) targets.jobs = value.jobs as string[];
    else problem(line, `environments.${name}.targets.jobs: expected a list of job names`);
  }
  if (value.labels !== undefined) {
    if (isObject(value.labels) && Object.values(value.labels).every((label) => typeof label === 'string')) targets.labels = value.labels as Record<string, string>;
    else problem(line, `environments.${name}.targets.labels: expected an object of label values`);
  }
  return targets;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineAt(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

/** Line of the first `"key"` at or after `from`: close enough to point an editor at it. */
function keyLine(text: string, key: string, from = 0): number {
  const index = text.indexOf(`"${key}"`, Math.max(0, from));
  return index === -1 ? 1 : lineAt(text, index);
}

function suggest(key: string): string {
  const close = KEYS.find((known) => known.toLowerCase() === key.toLowerCase() || levenshtein(known.toLowerCase(), key.toLowerCase()) <= 2);
  return close ? ` (did you mean ${close}?)` : '';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
