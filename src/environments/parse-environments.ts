/**
 * `runbooks/environments.json`: named environments (staging, production, sandbox) a run can
 * be pointed at with `--env NAME`. Parsing and validation are pure; every bad entry is
 * reported with the file, its line and the key.
 */

import type { NoteProblem } from '../errors.js';
import { parseSilenceOptions } from '../alertmanager/matchers.js';
import { JsonSyntaxError, parseJson, type JsonPath } from './parse-json.js';

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
  /** Which targets the recovery check looks at; `check: false` (`"targets": false`): none, metric checks only. */
  targets: { jobs: string[]; labels: Record<string, string>; check: boolean };
  /** A production environment: the operator types the stage id before the first step. */
  production: boolean;
  /** Chat webhooks told about the run (after --notify); `${VAR}` keeps their tokens out of the file. */
  notify: string[];
  /** Alertmanager matchers silenced while the run goes on (after --silence). */
  silence: string[];
  /** Alertmanager holding that silence (after --alertmanager-url and ALERTMANAGER_URL). */
  alertmanagerUrl?: string;
  /** Line of the environment's name. */
  line: number;
  /** Line of each setting that holds text (`home`, `env.PATH`, `targets.labels.env`), for messages. */
  lines: Record<string, number>;
}

export const ENVIRONMENT_KEYS = ['description', 'prometheusUrl', 'home', 'cwd', 'env', 'parameters', 'targets', 'production', 'notify', 'silence', 'alertmanagerUrl'] as const;
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// As `<parameter>` names in notes (see note/placeholders.ts).
const PARAMETER = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;

export function parseEnvironments(text: string, file: string): { environments: Map<string, EnvironmentProfile>; problems: NoteProblem[] } {
  const problems: NoteProblem[] = [];
  const environments = new Map<string, EnvironmentProfile>();
  const problem = (line: number, message: string) => problems.push({ file, line, message });

  let json: ReturnType<typeof parseJson>;
  try {
    json = parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    problem(error.line, `not valid JSON: ${error.message}`);
    return { environments, problems };
  }
  const lineOf = (...path: JsonPath) => json.lineOf(path) ?? 1;
  for (const duplicate of json.duplicates) problem(duplicate.line, `${duplicate.path.join('.')}: given twice; only the last would count: remove one`);
  const root = json.value;
  if (!isObject(root) || !isObject(root.environments)) {
    problem(isObject(root) && 'environments' in root ? lineOf('environments') : 1, 'expected an object with an "environments" object, e.g. {"environments": {"staging": {...}}}');
    return { environments, problems };
  }
  for (const key of Object.keys(root)) if (key !== 'environments') problem(lineOf(key), `${key}: unknown setting; the file holds one "environments" object`);

  for (const [name, value] of Object.entries(root.environments)) {
    const key = `environments.${name}`;
    const line = lineOf('environments', name);
    const at = (...path: JsonPath) => lineOf('environments', name, ...path);
    if (!NAME.test(name)) problem(line, `${key}: environment names are a letter, then letters, digits, "-" and "_"`);
    if (!isObject(value)) {
      problem(line, `${key}: expected an object of settings`);
      continue;
    }
    for (const setting of Object.keys(value)) {
      if (!(ENVIRONMENT_KEYS as readonly string[]).includes(setting)) problem(at(setting), `${key}.${setting}: unknown setting${suggest(setting)}; known: ${ENVIRONMENT_KEYS.join(', ')}`);
    }
    const string = (setting: 'description' | 'prometheusUrl' | 'home' | 'cwd' | 'alertmanagerUrl') => {
      const entry = value[setting];
      if (entry === undefined) return undefined;
      if (typeof entry !== 'string' || entry.trim() === '') {
        problem(at(setting), `${key}.${setting}: expected a non-empty string`);
        return undefined;
      }
      return entry;
    };
    const map = (setting: 'env' | 'parameters', names: RegExp, what: string) => {
      const entry = value[setting];
      if (entry === undefined) return {};
      if (!isObject(entry)) {
        problem(at(setting), `${key}.${setting}: expected an object of string values, e.g. {"${setting === 'env' ? 'KUBECONTEXT' : 'incident-id'}": "…"}`);
        return {};
      }
      const good: Record<string, string> = {};
      for (const [entryName, entryValue] of Object.entries(entry)) {
        if (!names.test(entryName)) problem(at(setting, entryName), `${key}.${setting}.${entryName}: not ${what}`);
        else if (typeof entryValue !== 'string') problem(at(setting, entryName), `${key}.${setting}.${entryName}: expected a string, e.g. "${String(entryValue)}" in quotes`);
        else good[entryName] = entryValue;
      }
      return good;
    };
    const strings = (setting: 'notify' | 'silence', example: string) => {
      const entry = value[setting];
      if (entry === undefined) return [];
      const list = typeof entry === 'string' ? [entry] : entry;
      if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item.trim() !== '')) {
        problem(at(setting), `${key}.${setting}: expected a string or a list of strings, e.g. ${example}`);
        return [];
      }
      return list as string[];
    };
    const silence = strings('silence', '["job=butler"]');
    try {
      parseSilenceOptions(silence, `${key}.silence`);
    } catch (error) {
      problem(at('silence'), (error as Error).message);
    }
    const alertmanagerUrl = string('alertmanagerUrl');
    if (alertmanagerUrl && !/^https?:\/\/|^\$\{/.test(alertmanagerUrl)) problem(at('alertmanagerUrl'), `${key}.alertmanagerUrl: expected an http(s) URL, e.g. http://alertmanager:9093`);
    const prometheusUrl = string('prometheusUrl');
    if (prometheusUrl && !/^https?:\/\/|^\$\{/.test(prometheusUrl)) problem(at('prometheusUrl'), `${key}.prometheusUrl: expected an http(s) URL, e.g. http://prometheus:9090`);
    const production = value.production;
    if (production !== undefined && typeof production !== 'boolean') problem(at('production'), `${key}.production: expected true or false (without quotes)`);
    environments.set(name, {
      name,
      description: string('description'),
      prometheusUrl,
      home: string('home'),
      cwd: string('cwd'),
      env: map('env', VARIABLE, 'an environment variable name (letters, digits and "_", not starting with a digit)'),
      parameters: map('parameters', PARAMETER, 'a parameter name (as <incident-id> in a note: letters and digits, joined by "-" or "_")'),
      targets: parseTargets(value.targets, key, at, problem),
      // Safer default: an environment called production (or prod) is treated as one unless it says otherwise.
      production: typeof production === 'boolean' ? production : /^prod(uction)?$/i.test(name),
      notify: strings('notify', '"${SLACK_WEBHOOK_URL}"'),
      silence,
      alertmanagerUrl,
      line,
      lines: settingLines(value, at),
    });
  }
  return { environments, problems };
}

function parseTargets(value: unknown, key: string, at: (...path: JsonPath) => number, problem: (line: number, message: string) => void): EnvironmentProfile['targets'] {
  const targets = { jobs: [] as string[], labels: {} as Record<string, string>, check: true };
  if (value === undefined) return targets;
  // For a Prometheus-compatible server that does not scrape (Mimir, Thanos Query): metric checks only.
  if (value === false) return { ...targets, check: false };
  if (!isObject(value)) {
    problem(at('targets'), `${key}.targets: expected {"jobs": [...], "labels": {...}}, or false for no target check`);
    return targets;
  }
  for (const setting of Object.keys(value))
    if (setting !== 'jobs' && setting !== 'labels') problem(at('targets', setting), `${key}.targets.${setting}: unknown setting${suggest(setting, ['jobs', 'labels'])}; known: jobs, labels`);
  if (value.jobs !== undefined) {
    if (Array.isArray(value.jobs) && value.jobs.every((job) => typeof job === 'string' && job !== '')) targets.jobs = value.jobs as string[];
    else problem(at('targets', 'jobs'), `${key}.targets.jobs: expected a list of job names, e.g. ["butler"]`);
  }
  if (value.labels !== undefined) {
    if (isObject(value.labels) && Object.values(value.labels).every((label) => typeof label === 'string')) targets.labels = value.labels as Record<string, string>;
    else problem(at('targets', 'labels'), `${key}.targets.labels: expected an object of label values, e.g. {"env": "staging"}`);
  }
  return targets;
}

/** `home` → its line, `env.PATH` → the line of PATH in env, and so on, for every key under the environment. */
function settingLines(value: Record<string, unknown>, at: (...path: JsonPath) => number): Record<string, number> {
  const lines: Record<string, number> = {};
  const walk = (entry: unknown, path: string[]) => {
    if (!isObject(entry)) return;
    for (const [key, child] of Object.entries(entry)) {
      lines[[...path, key].join('.')] = at(...path, key);
      walk(child, [...path, key]);
    }
  };
  walk(value, []);
  return lines;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function suggest(key: string, known: readonly string[] = ENVIRONMENT_KEYS): string {
  const close = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase() || levenshtein(candidate.toLowerCase(), key.toLowerCase()) <= 2);
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
