/**
 * Commands that need attention before they run: ones that never exit or need a terminal
 * (pagers, editors, `--watch`, `-it`, password prompts) and ones that delete or overwrite
 * data or state (`rm -rf`, package removal, `--prune`, `DROP`, a restore). Read from the
 * simple commands of a script, never by running anything.
 */

import { PARAMETER } from './placeholders.js';
import { splitCommands, type SimpleCommand } from './shell-words.js';
import type { CommandHazard } from './types.js';

type Finding = { reason: string; fix: string };

const PAGERS = new Set(['less', 'more', 'most', 'vi', 'vim', 'nvim', 'nano', 'emacs', 'top', 'htop', 'watch', 'man']);
const CONSOLES: Record<string, (words: string[]) => boolean> = {
  // A database console without a command to run waits for a person to type.
  psql: (words) => !words.some((word) => /^(?:-c|--command|-f|--file)(?:=|$)/.test(word)),
  mysql: (words) => !words.some((word) => /^(?:-e|--execute)(?:=|$)/.test(word)),
  mariadb: (words) => !words.some((word) => /^(?:-e|--execute)(?:=|$)/.test(word)),
  sqlite3: (words) => words.length <= 2,
  'redis-cli': (words) => words.filter((word) => !word.startsWith('-')).length <= 1,
  mongosh: (words) => !words.some((word) => word === '--eval' || word.endsWith('.js')),
  python: (words) => words.length === 1,
  python3: (words) => words.length === 1,
};
const INSTALLERS = /^(?:apt|apt-get|yum|dnf|zypper)$/;

/** Never-exiting and terminal-bound commands in a script; `lineMap` maps script lines to note lines. */
export function findHazards(script: string, lineMap: number[]): CommandHazard[] {
  return scan(script, lineMap, hazardOf);
}

/** Commands that delete or overwrite data or state. */
export function findDestructive(script: string, lineMap: number[]): CommandHazard[] {
  return scan(script, lineMap, destructiveOf);
}

function scan(script: string, lineMap: number[], check: (command: SimpleCommand) => Finding | undefined): CommandHazard[] {
  const lines = script.split('\n');
  const found: CommandHazard[] = [];
  for (const command of safeSplit(script)) {
    const finding = check(command);
    if (!finding) continue;
    found.push({ line: lineMap[command.line] ?? lineMap[0] ?? 0, command: (lines[command.line] ?? command.words.join(' ')).trim(), ...finding });
  }
  return found;
}

function safeSplit(script: string): SimpleCommand[] {
  try {
    // `<name>` parameters are values, not redirections.
    return splitCommands(script.replace(PARAMETER, (whole) => whole.replace(/[<>]/g, '_')));
  } catch {
    return [];
  }
}

/** Programs a wrapper (`docker compose exec svc …`, `kubectl exec pod -- …`, `ssh host …`) runs. */
const INNER = new Set([...PAGERS, ...Object.keys(CONSOLES), 'mariadb-upgrade', 'mysql_upgrade', 'mysqladmin', 'mysqldump', 'pg_restore', 'pg_dump', 'apt', 'apt-get', 'yum', 'dnf']);

function hazardOf(command: SimpleCommand): Finding | undefined {
  const own = ownHazard(command);
  if (own) return own;
  // The program a wrapper runs: `docker compose exec mariadb mariadb-upgrade -uroot -p`.
  const inner = command.words.findIndex((word, index) => index > 0 && INNER.has(word.split('/').pop()!));
  return inner > 0 ? ownHazard({ ...command, words: command.words.slice(inner) }) : undefined;
}

function ownHazard(command: SimpleCommand): Finding | undefined {
  const [name = '', ...args] = command.words;
  const base = name.split('/').pop()!;
  const has = (...flags: string[]) => args.some((arg) => flags.includes(arg));
  if (PAGERS.has(base)) return { reason: `\`${base}\` needs a terminal and waits for a person`, fix: 'run it by hand, or replace it (`cat`, `sed -n`) so the step ends by itself' };
  if (base === 'kubectl' && args[0] === 'edit') return { reason: '`kubectl edit` opens an editor', fix: 'use `kubectl patch` or `kubectl apply -f` with the change written out' };
  if (base === 'gh' && args[0] === 'run' && args[1] === 'watch') return { reason: '`gh run watch` waits until the run ends', fix: 'use `gh run view --exit-status` or run it by hand' };
  if (has('--watch', '-w') && /^(?:kubectl|oc|helm|argo|argocd)$/.test(base)) return { reason: 'never exits (`--watch`)', fix: 'drop `--watch`, or wait with `kubectl wait … --timeout=…`; watch it by hand' };
  if ((base === 'tail' || base === 'journalctl') && has('-f', '-F', '--follow')) return { reason: 'never exits (`-f`/`--follow`)', fix: 'show the last lines instead (`-n 100`), or follow it by hand' };
  if ((base === 'kubectl' || base === 'docker' || base === 'podman' || base === 'oc') && args[0] === 'logs' && has('-f', '--follow')) return { reason: 'never exits (`--follow`)', fix: 'drop `-f`, add `--tail=100`' };
  if (base === 'docker' && args[0] === 'compose' && args[1] === 'logs' && has('-f', '--follow')) return { reason: 'never exits (`--follow`)', fix: 'drop `-f`, add `--tail=100`' };
  if (args.some((arg) => arg === '-it' || arg === '-ti') || (has('-i', '--stdin') && has('-t', '--tty'))) return { reason: 'needs a terminal (`-it`)', fix: 'drop `-it` (use `-i` only if it reads stdin) so it runs without a terminal' };
  if (args.some((arg) => arg === '-p' || arg === '--password') && /^(?:mysql|mariadb|mariadb-upgrade|mysqldump|mysql_upgrade|mysqladmin)$/.test(base)) return { reason: 'asks for a password (`-p`)', fix: 'run it by hand, or give the password through a file (`--defaults-extra-file`) or the environment' };
  if ((base === 'pg_restore' || base === 'pg_dump' || base === 'psql') && !has('-w', '--no-password') && args.some((arg) => arg === '-U' || arg.startsWith('--username'))) {
    if (base !== 'psql' || !CONSOLES.psql!(command.words)) return { reason: `\`${base}\` may ask for a password`, fix: 'set PGPASSWORD or a ~/.pgpass entry and add `-w`, or run it by hand' };
  }
  const console = CONSOLES[base];
  if (console?.(command.words)) return { reason: `\`${base}\` without a command opens an interactive console`, fix: 'pass the statements (`-c`, `-e`, a file), or run it by hand' };
  if (INSTALLERS.test(base) && /^(?:install|remove|purge|upgrade|downgrade|erase|reinstall)$/.test(args[0] ?? '') && !has('-y', '--yes', '--assume-yes', '-q=2')) {
    return { reason: `\`${base} ${args[0]}\` stops to ask for confirmation`, fix: 'add `-y` once you have checked what it does, or run it by hand' };
  }
  if (base === 'read' && !has('-t')) return { reason: '`read` waits for input', fix: 'take the value as a <parameter> instead' };
  return undefined;
}

const SQL_DESTRUCTIVE = /\b(?:drop\s+(?:table|database|schema|index|view)|truncate\b|delete\s+from)\b/i;

function destructiveOf(command: SimpleCommand): Finding | undefined {
  const [name = '', ...args] = command.words;
  const base = name.split('/').pop()!;
  const has = (...flags: string[]) => args.some((arg) => flags.includes(arg));
  const text = command.words.join(' ');
  const deletes = (what: string) => ({ reason: `deletes ${what}`, fix: 'check the target first; the run asks for this command on its own' });
  if (base === 'rm' && args.some((arg) => /^-[a-zA-Z]*[rR]/.test(arg) || arg === '--recursive')) return deletes(`\`${args.filter((arg) => !arg.startsWith('-')).join(' ')}\` recursively`);
  if (base === 'dpkg' && args.some((arg) => /^(?:-r|-P|--remove|--purge)$/.test(arg))) return deletes('an installed package');
  if (INSTALLERS.test(base) && /^(?:remove|purge|erase|autoremove)$/.test(args[0] ?? '')) return deletes('an installed package');
  if ((base === 'pip' || base === 'pip3' || base === 'npm' || base === 'brew' || base === 'snap') && /^(?:uninstall|remove)$/.test(args[0] ?? '')) return deletes('an installed package');
  if (args.includes('--prune') || args.some((arg) => arg.startsWith('--prune='))) return deletes('every resource that is not in the file (`--prune`)');
  if ((base === 'kubectl' || base === 'oc') && args[0] === 'delete') return deletes('Kubernetes resources');
  if ((base === 'kubectl' || base === 'oc') && args[0] === 'replace' && has('--force')) return { reason: 'deletes and recreates the resource (`replace --force`)', fix: 'check the manifest first; the run asks for this command on its own' };
  if (base === 'helm' && /^(?:uninstall|delete)$/.test(args[0] ?? '')) return deletes('a Helm release');
  if ((base === 'docker' || base === 'podman') && (/^(?:rm|rmi)$/.test(args[0] ?? '') || (args[1] === 'rm' && /^(?:volume|container|image|network)$/.test(args[0] ?? '')) || (args[0] === 'system' && args[1] === 'prune') || (args[0] === 'compose' && args[1] === 'down' && has('-v', '--volumes')))) return deletes('containers, images or volumes');
  if (base === 'terraform' && args[0] === 'destroy') return deletes('infrastructure (`terraform destroy`)');
  if (base === 'git' && ((args[0] === 'reset' && has('--hard')) || (args[0] === 'push' && args.some((arg) => arg === '--force' || arg === '-f' || arg.startsWith('--force'))) || (args[0] === 'clean' && args.some((arg) => /^-[a-z]*f/.test(arg))))) return { reason: 'throws away commits or files', fix: 'check what is lost first; the run asks for this command on its own' };
  if (base === 'git' && args[0] === 'revert' && text.includes('push')) return { reason: 'pushes a revert', fix: 'the run asks for this command on its own' };
  if (/^(?:pg_restore|mongorestore|mysqlimport)$/.test(base) || (base === 'psql' && args.some((arg) => /\.(?:sql|psql|dump)$/.test(arg)) && has('-f'))) return { reason: 'restores over the live database', fix: 'make sure the backup is the right one; the run asks for this command on its own' };
  if (/restore/i.test(base) && /\.(?:sh|py)$/.test(base)) return { reason: 'restores over live data', fix: 'make sure the backup is the right one; the run asks for this command on its own' };
  if (args.includes('--cluster-reset') || args.some((arg) => arg.startsWith('--cluster-reset-restore-path'))) return { reason: 'replaces the cluster datastore', fix: 'check the snapshot first; the run asks for this command on its own' };
  if (/^(?:mkfs|mkfs\.\w+|wipefs|shred)$/.test(base) || (base === 'dd' && args.some((arg) => arg.startsWith('of=')))) return deletes('a disk or file');
  if (SQL_DESTRUCTIVE.test(text) && /^(?:psql|mysql|mariadb|sqlite3|clickhouse-client|cqlsh)$/.test(base)) return deletes('database rows or tables');
  if (/^(?:redis-cli)$/.test(base) && args.some((arg) => /^(?:flushall|flushdb)$/i.test(arg))) return deletes('every key');
  return undefined;
}

/** SQL a person types into a console that deletes or overwrites data. */
export function destructiveSql(text: string): boolean {
  return SQL_DESTRUCTIVE.test(text);
}
