/**
 * `--env NAME`: reads `<runbooks>/environments.json`, picks the environment and expands
 * `${VAR}` / `${VAR:-default}` in its values from runbook's own environment, so one
 * committed file can describe a sandbox whose ports are only known when it starts.
 */

import { join } from 'node:path';
import { NoteError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { decodeNote } from '../note/decode.js';
import { resolvePath } from '../runbooks/load-note.js';
import { parseEnvironments, type EnvironmentProfile } from './parse-environments.js';

export const ENVIRONMENTS_FILE = 'environments.json';

export async function loadEnvironment(name: string, runbooksDir: string, io: Io): Promise<EnvironmentProfile> {
  const file = join(runbooksDir, ENVIRONMENTS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await io.fs.readFile(resolvePath(file, io));
  } catch {
    throw new UsageError(`--env ${name}: ${file} not found: create it to define environments (see README, "Environments")`);
  }
  const decoded = decodeNote(bytes);
  if (!decoded.ok) throw new UsageError(`${file} ${decoded.reason}`);
  const { environments, problems } = parseEnvironments(decoded.text, file);
  if (problems.length > 0) throw new NoteError(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: fix them and try again`, problems);
  const profile = environments.get(name);
  if (!profile) {
    const known = [...environments.keys()];
    throw new UsageError(`--env ${name}: no such environment in ${file}; ${known.length > 0 ? `known: ${known.join(', ')}` : 'it defines none'}`);
  }
  return expandProfile(profile, io.env, file);
}

/** Expands `${VAR}` in every string of the profile; an unset variable without a default is an error. */
export function expandProfile(profile: EnvironmentProfile, env: Record<string, string | undefined>, file: string): EnvironmentProfile {
  const expand = (value: string, key: string) =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_whole, variable: string, fallback: string | undefined) => {
      const found = env[variable];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new UsageError(`${file}: environments.${profile.name}.${key} uses \${${variable}}, which is not set: set it, or write \${${variable}:-default}`);
    });
  const expandMap = (map: Record<string, string>, key: string) => Object.fromEntries(Object.entries(map).map(([name, value]) => [name, expand(value, `${key}.${name}`)]));
  const optional = (value: string | undefined, key: string) => (value === undefined ? undefined : expand(value, key));
  return {
    ...profile,
    prometheusUrl: optional(profile.prometheusUrl, 'prometheusUrl'),
    home: optional(profile.home, 'home'),
    cwd: optional(profile.cwd, 'cwd'),
    env: expandMap(profile.env, 'env'),
    parameters: expandMap(profile.parameters, 'parameters'),
    targets: { jobs: profile.targets.jobs.map((job) => expand(job, 'targets.jobs')), labels: expandMap(profile.targets.labels, 'targets.labels') },
  };
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
