/**
 * `--env NAME`: reads `<runbooks>/environments.json`, picks the environment and expands
 * `${VAR}` / `${VAR:-default}` in its values from runbook's own environment, so one
 * committed file can describe a sandbox whose ports are only known when it starts.
 */

import { join, resolve } from 'node:path';
import { NoteError, UsageError, type NoteProblem } from '../errors.js';
import type { Io } from '../io.js';
import { decodeNote } from '../note/decode.js';
import { checkParameterValue } from '../plan/parameters.js';
import { resolvePath } from '../runbooks/load-note.js';
import { parseEnvironments, type EnvironmentProfile } from './parse-environments.js';

export const ENVIRONMENTS_FILE = 'environments.json';

export async function loadEnvironment(name: string, runbooksDir: string, io: Io): Promise<EnvironmentProfile> {
  const file = join(runbooksDir, ENVIRONMENTS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await io.fs.readFile(resolvePath(file, io));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`--env ${name}: ${file} not found: create it to define environments (see README, "Environments")`);
    throw new UsageError(`--env ${name}: cannot read ${file}: ${(error as Error).message}`);
  }
  const decoded = decodeNote(bytes);
  if (!decoded.ok) throw new NoteError(`${file} is not UTF-8 text`, [{ file, line: decoded.line, message: 'not UTF-8 JSON text: save it as UTF-8' }]);
  const { environments, problems } = parseEnvironments(decoded.text, file);
  if (problems.length > 0) throw new NoteError(`${file} has ${problems.length} problems: fix them and try again`, problems);
  const profile = environments.get(name);
  if (!profile) {
    const known = [...environments.keys()];
    throw new UsageError(`--env ${name}: no such environment in ${file}; ${known.length > 0 ? `known: ${known.join(', ')}` : 'it defines none'}`);
  }
  const expanded = expandProfile(profile, io.env, file);
  if (expanded.problems.length > 0) throw new NoteError(`--env ${name}: ${file} has ${expanded.problems.length} problems in environment ${name}`, expanded.problems);
  // HOME and the working directory are folders: relative ones are taken from where runbook runs.
  return { ...expanded.profile, home: expanded.profile.home && resolve(io.cwd, expanded.profile.home), cwd: expanded.profile.cwd && resolve(io.cwd, expanded.profile.cwd) };
}

/**
 * Expands `${VAR}` and `${VAR:-default}` in every string of the profile, as a shell would (an
 * empty variable counts as unset), then checks what came out. Every problem is reported,
 * each with the line and key it came from.
 */
export function expandProfile(profile: EnvironmentProfile, env: Record<string, string | undefined>, file: string): { profile: EnvironmentProfile; problems: NoteProblem[] } {
  const problems: NoteProblem[] = [];
  const problem = (key: string, message: string) => problems.push({ file, line: profile.lines[key] ?? profile.line, message: `environments.${profile.name}.${key}: ${message}` });
  const expand = (value: string, key: string) =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, variable: string, fallback: string | undefined) => {
      const found = env[variable];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problem(key, `uses \${${variable}}, which is not set (or empty): set it, or write \${${variable}:-default}`);
      return whole;
    });
  const expandMap = (map: Record<string, string>, key: string) => Object.fromEntries(Object.entries(map).map(([name, value]) => [name, expand(value, `${key}.${name}`)]));
  const optional = (value: string | undefined, key: string) => (value === undefined ? undefined : expand(value, key));
  const expanded: EnvironmentProfile = {
    ...profile,
    prometheusUrl: optional(profile.prometheusUrl, 'prometheusUrl'),
    home: optional(profile.home, 'home'),
    cwd: optional(profile.cwd, 'cwd'),
    env: expandMap(profile.env, 'env'),
    parameters: expandMap(profile.parameters, 'parameters'),
    notify: profile.notify.map((url) => expand(url, 'notify')),
    silence: profile.silence.map((matcher) => expand(matcher, 'silence')),
    alertmanagerUrl: optional(profile.alertmanagerUrl, 'alertmanagerUrl'),
    targets: { ...profile.targets, jobs: profile.targets.jobs.map((job) => expand(job, 'targets.jobs')), labels: expandMap(profile.targets.labels, 'targets.labels') },
  };
  if (problems.length > 0) return { profile: expanded, problems };

  // What a variable put in must still make sense where it is used.
  if (expanded.prometheusUrl !== undefined && !/^https?:\/\/[^\s/]/.test(expanded.prometheusUrl)) problem('prometheusUrl', `"${expanded.prometheusUrl}" is not an http(s) URL`);
  if (expanded.alertmanagerUrl !== undefined && !/^https?:\/\/[^\s/]/.test(expanded.alertmanagerUrl)) problem('alertmanagerUrl', `"${expanded.alertmanagerUrl}" is not an http(s) URL`);
  // A webhook URL is a secret: the message names the setting, never the value.
  for (const url of expanded.notify) if (!/^https?:\/\/[^\s/]/.test(url)) problem('notify', 'not an http(s) URL (value not shown: it may hold a token)');
  for (const key of ['home', 'cwd'] as const) {
    if (expanded[key]?.startsWith('~')) problem(key, 'write ${HOME}/… rather than ~/…: no shell reads this file');
  }
  for (const [name, value] of Object.entries(expanded.parameters)) {
    try {
      checkParameterValue(name, value);
    } catch (error) {
      problem(`parameters.${name}`, (error as Error).message);
    }
  }
  return { profile: expanded, problems };
}

/**
 * The world as steps see it in this environment: HOME and extra variables from the profile
 * (HOME also decides where `~/…` env files are read). Other settings are applied where they
 * are used (URL, parameters, targets, cwd).
 */
export function ioForEnvironment(io: Io, profile: EnvironmentProfile | undefined): Io {
  if (!profile) return io;
  return { ...io, env: { ...io.env, ...profile.env, ...(profile.home ? { HOME: profile.home } : {}) } };
}
