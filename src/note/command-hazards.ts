/**
 * Commands that need attention before they run: ones that never exit or need a terminal
 * (pagers, editors, `--watch`, `-it`, password prompts, a shell opened as another user) and
 * ones that delete or overwrite data or state (`rm -rf`, package removal, `--prune`, `DROP`,
 * a restore over live data). Read from the simple commands of a script (the shell-word lexer),
 * with wrappers peeled off (`sudo`, `env`, `nohup`, `time`, `xargs`, `bash -c '…'`, `$( … )`,
 * `kubectl exec … --`, `ssh host '…'`), never by running anything.
 */

import { PARAMETER } from './placeholders.js';
import { optionsEnd, type SimpleCommand, splitCommands } from './shell-words.js';
import type { CommandHazard } from './types.js';

type Finding = { reason: string; fix: string };

/** A command as a check sees it: the program, its arguments, and how it was started. */
interface Invocation {
  /** Program name without its directory (`/usr/bin/rm` → `rm`). */
  base: string;
  args: string[];
  /** Its stdin is a file, a heredoc or a pipe: it never waits on a terminal. */
  stdinGiven: boolean;
  /** sudo's options when it ran under sudo. */
  sudo?: string[];
  command: SimpleCommand;
}

type Check = (call: Invocation, context: ScanContext) => Finding | undefined;

interface ScanContext {
  commands: SimpleCommand[];
  lineMap: number[];
}

/** Never-exiting and terminal-bound commands in a script; `lineMap` maps script lines to note lines. */
export function findHazards(script: string, lineMap: number[]): CommandHazard[] {
  return scan(script, lineMap, hazardOf);
}

/** Commands that delete or overwrite data or state. */
export function findDestructive(script: string, lineMap: number[]): CommandHazard[] {
  return scan(script, lineMap, destructiveOf);
}

function scan(script: string, lineMap: number[], check: Check): CommandHazard[] {
  const lines = script.split('\n');
  const found: CommandHazard[] = [];
  const commands = safeSplit(script);
  commands.forEach((command, index) => {
    const finding = invocations(command, commands[index - 1], 0)
      .map((call) => check(call, { commands, lineMap }))
      .find((result) => result !== undefined);
    if (finding) found.push({ line: lineMap[command.line] ?? lineMap[0] ?? 0, command: (lines[command.line] ?? command.words.join(' ')).trim(), ...finding });
  });
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

// Programs that run the command given after their own options.
const PLAIN_WRAPPERS: Record<string, RegExp> = {
  nohup: /^$/,
  exec: /^-a$/,
  command: /^$/,
  builtin: /^$/,
  time: /^-[fo]$/,
  nice: /^-n$/,
  ionice: /^-[cnp]$/,
  stdbuf: /^-[ioe]$/,
  doas: /^-[uC]$/,
  chronic: /^$/,
  xargs: /^-[a-zA-Z]*[IiLlnPsdEa]$/,
  timeout: /^-[sk]$/,
};

/**
 * The program a command runs and what it runs in turn: `sudo env A=1 nohup rm -rf x` → `rm`;
 * `bash -c 'rm -rf x'`, `ssh host 'rm -rf x'`, `echo $(rm -rf x)` → `rm` too. Depth-limited.
 */
function invocations(command: SimpleCommand, previous: SimpleCommand | undefined, depth: number): Invocation[] {
  if (depth > 4) return [];
  let words = command.words;
  let sudo = command.sudo;
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const head = words[0]!;
    const base = head.split('/').pop()!;
    if (/^[A-Za-z_]\w*=/.test(head)) words = words.slice(1);
    else if (base === 'env') words = dropAssignments(words.slice(optionsEnd(words, 1, /^-[uCS]$/, /^--(?:unset|chdir|split-string)$/)));
    else if (base === 'sudo') {
      const end = optionsEnd(words, 1, /^-[a-zA-Z]*[ugCDpRTUrt]$/, /^--(?:user|group|chdir|prompt|role|type|host)$/);
      sudo = words.slice(1, end);
      words = words.slice(end);
    } else if (base in PLAIN_WRAPPERS) {
      let end = optionsEnd(words, 1, PLAIN_WRAPPERS[base]!);
      if (base === 'timeout') end += 1; // the duration
      words = words.slice(end);
    } else break;
  }
  const [name = '', ...args] = words;
  const piped = previous?.pipeline === command.pipeline; // commands of one pipeline are adjacent
  const stdinGiven = piped || command.heredoc === true || command.redirects.some((redirect) => redirect.op === '<');
  const own: Invocation = { base: name.split('/').pop()!, args, stdinGiven, ...(sudo ? { sudo } : {}), command };
  const nested = [...nestedScripts(own), ...words.flatMap((word) => substitutions(word))];
  return [
    own,
    ...nested.flatMap((text) => {
      const inner = safeSplit(text);
      return inner.flatMap((each, index) => invocations(each, inner[index - 1], depth + 1));
    }),
  ];
}

function dropAssignments(words: string[]): string[] {
  let index = 0;
  while (index < words.length && /^[A-Za-z_]\w*=/.test(words[index]!)) index += 1;
  return words.slice(index);
}

/** `$( … )` and backquoted substitutions in a word: commands run before the command itself. */
function substitutions(word: string): string[] {
  return [...word.matchAll(/\$\(((?:[^()]|\([^()]*\))*)\)|`([^`]*)`/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** Scripts a command runs: `bash -c '…'`, `su -c '…'`, `ssh host '…'`, `kubectl exec pod -- …`, `docker exec c …`. */
function nestedScripts(call: Invocation): string[] {
  const { base, args } = call;
  if (/^(?:ba|z|da)?sh$/.test(base)) {
    const index = args.findIndex((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg));
    return index >= 0 && args[index + 1] !== undefined ? [args[index + 1]!] : [];
  }
  if (base === 'su') {
    const index = args.findIndex((arg) => arg === '-c' || arg === '--command');
    return index >= 0 && args[index + 1] !== undefined ? [args[index + 1]!] : [];
  }
  const remote = remoteCommand(call);
  if (remote.length === 0) return [];
  // ssh hands its words to the remote shell as one string; exec wrappers pass them as argv.
  return [base === 'ssh' ? remote.join(' ') : remote.map(quoteWord).join(' ')];
}

/** The command words a remote-exec wrapper runs (empty when it is not one, or runs none). */
function remoteCommand({ base, args }: Invocation): string[] {
  if (base === 'ssh') {
    const host = optionsEnd(args, 0, /^-[a-zA-Z]*[bcDEeFIiJLlmOopQRSWw]$/);
    return args.slice(host + 1);
  }
  if ((base === 'kubectl' || base === 'oc') && /^(?:exec|run|debug)$/.test(args[0] ?? '')) {
    const dashes = args.indexOf('--');
    return dashes >= 0 ? args.slice(dashes + 1) : [];
  }
  const docker = dockerSubcommand(base, args);
  if (docker && docker.sub === 'exec') {
    const target = optionsEnd(docker.args, 0, /^-[a-zA-Z]*[euw]$/, /^--(?:env|env-file|user|workdir|detach-keys|index)$/);
    return docker.args.slice(target + 1);
  }
  if (docker && docker.sub === 'run') {
    // `docker run [options] image cmd…`, `docker compose run [options] service cmd…`
    const image = optionsEnd(
      docker.args,
      0,
      /^-[a-zA-Z]*[evpwulhmc]$/,
      /^--(?:env|env-file|volume|publish|workdir|user|label|hostname|name|network|entrypoint|mount|memory|cpus|platform|pull|restart|add-host|dns|device|cap-add|cap-drop|security-opt|tmpfs|ulimit|log-driver|log-opt|gpus)$/,
    );
    return docker.args.slice(image + 1);
  }
  return [];
}

function quoteWord(word: string): string {
  return /^[\w./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * `docker [global options] sub …`, `docker compose [options] sub …`, `docker-compose …`,
 * `podman(-compose) …`: the subcommand and its arguments, global options (`-f file`,
 * `--project-name x`, `-H host`) skipped. `compose` says whether it is a compose command.
 */
function dockerSubcommand(base: string, args: string[]): { compose: boolean; sub: string; args: string[] } | undefined {
  let rest: string[];
  let compose = false;
  if (base === 'docker-compose' || base === 'podman-compose') {
    rest = args;
    compose = true;
  } else if (base === 'docker' || base === 'podman' || base === 'nerdctl') {
    const start = optionsEnd(args, 0, /^-[a-zA-Z]*[Hcl]$/, /^--(?:host|context|config|log-level|tlscacert|tlscert|tlskey)$/);
    if (args[start] === 'compose') {
      compose = true;
      rest = args.slice(start + 1);
    } else return args[start] === undefined ? undefined : { compose, sub: args[start]!, args: args.slice(start + 1) };
  } else return undefined;
  const start = optionsEnd(rest, 0, /^-[a-zA-Z]*[fpc]$/, /^--(?:file|project-name|env-file|profile|project-directory|ansi|parallel|progress)$/);
  return rest[start] === undefined ? undefined : { compose, sub: rest[start]!, args: rest.slice(start + 1) };
}

/** Letters of the short options given (`-Atc` → A, t, c); a letter that takes a value ends its cluster. */
function shortLetters(args: string[], withValue = ''): Set<string> {
  const letters = new Set<string>();
  for (const arg of args) {
    if (!/^-[a-zA-Z]/.test(arg)) continue;
    for (const letter of arg.slice(1)) {
      letters.add(letter);
      if (withValue.includes(letter)) break;
    }
  }
  return letters;
}

const PAGERS = new Set([
  'less',
  'more',
  'most',
  'vi',
  'vim',
  'nvim',
  'nano',
  'emacs',
  'pico',
  'joe',
  'mcedit',
  'top',
  'htop',
  'btop',
  'atop',
  'iotop',
  'watch',
  'man',
  'editor',
  'sensible-editor',
  'visudo',
  'vipw',
  'vigr',
  '$EDITOR',
  '${EDITOR}',
  '$VISUAL',
]);

// A console without a command to run waits for a person to type (stdin from a file, heredoc or pipe is fine).
const CONSOLES: Record<string, (args: string[]) => boolean> = {
  psql: (args) => !shortLetters(args, 'cdfhpUvoLPFRT').has('c') && !shortLetters(args, 'cdfhpUvoLPFRT').has('f') && !args.some((arg) => /^--(?:command|file)(?:=|$)/.test(arg)),
  mysql: (args) => !shortLetters(args, 'eDhPSuo').has('e') && !args.some((arg) => /^--execute(?:=|$)/.test(arg)),
  mariadb: (args) => CONSOLES.mysql!(args),
  sqlite3: (args) => args.filter((arg) => !arg.startsWith('-')).length <= 1,
  'redis-cli': (args) => valuesOf(args, /^-[hpanu]$|^--(?:user|pass|tls|cacert)$/).length === 0,
  mongosh: (args) => !args.some((arg) => arg === '--eval' || arg === '-f' || arg === '--file' || /\.js$/.test(arg)),
  mongo: (args) => CONSOLES.mongosh!(args),
  python: (args) => args.length === 0,
  python3: (args) => args.length === 0,
  node: (args) => args.length === 0,
  irb: () => true,
  bash: (args) => args.every((arg) => arg.startsWith('-') && !/c/.test(arg) && arg !== '-s'),
  sh: (args) => CONSOLES.bash!(args),
  zsh: (args) => CONSOLES.bash!(args),
};

/** Arguments that are not options or option values (`redis-cli -h host FLUSHALL` → FLUSHALL). */
function valuesOf(args: string[], withValue: RegExp): string[] {
  const values: string[] = [];
  for (let index = 0; index < args.length; index++) {
    if (withValue.test(args[index]!)) index += 1;
    else if (!args[index]!.startsWith('-')) values.push(args[index]!);
  }
  return values;
}

const INSTALLERS = /^(?:apt|apt-get|yum|dnf|zypper)$/;
const EDITOR = { fix: 'give the message or the change on the command line (`-m`, `--no-edit`, a file), or run it by hand' };

function hazardOf(call: Invocation, context: ScanContext): Finding | undefined {
  const { base, args } = call;
  const has = (...flags: string[]) => args.some((arg) => flags.includes(arg));
  const letters = shortLetters(args);
  if (PAGERS.has(base)) return { reason: `\`${base}\` needs a terminal and waits for a person`, fix: 'run it by hand, or replace it (`cat`, `sed -n`) so the step ends by itself' };
  const shell = userShell(call, context);
  if (shell) return shell;
  if (base === 'kubectl' && args[0] === 'edit') return { reason: '`kubectl edit` opens an editor', fix: 'use `kubectl patch` or `kubectl apply -f` with the change written out' };
  if ((base === 'crontab' && letters.has('e')) || (base === 'systemctl' && args.includes('edit')))
    return {
      reason: `\`${base} ${base === 'crontab' ? '-e' : 'edit'}\` opens an editor`,
      fix: 'write the file out (`crontab FILE`, a drop-in under /etc/systemd/system/NAME.d/ then `systemctl daemon-reload`), or run it by hand',
    };
  if (base === 'git') {
    const sub = args[0];
    if (sub === 'rebase' && (letters.has('i') || has('--interactive'))) return { reason: '`git rebase -i` opens an editor', ...EDITOR };
    if (sub === 'commit' && !has('--no-edit', '--fixup', '--squash') && !letters.has('m') && !letters.has('F') && !letters.has('C') && !args.some((arg) => /^--(?:message|file|reuse-message)(?:=|$)/.test(arg)))
      return { reason: '`git commit` without `-m` opens an editor', ...EDITOR };
    if (sub === 'tag' && (letters.has('a') || letters.has('s')) && !letters.has('m') && !letters.has('F') && !args.some((arg) => /^--(?:message|file)(?:=|$)/.test(arg)))
      return { reason: '`git tag -a` without `-m` opens an editor', ...EDITOR };
  }
  if (base === 'gh' && args[0] === 'run' && args[1] === 'watch') return { reason: '`gh run watch` waits until the run ends', fix: 'use `gh run view --exit-status` or run it by hand' };
  if ((has('--watch', '-w', '--watch-only') || (letters.has('w') && args[0] === 'get')) && /^(?:kubectl|oc|helm|argo|argocd)$/.test(base))
    return { reason: 'never exits (`--watch`)', fix: 'drop `--watch`, or wait with `kubectl wait … --timeout=…`; watch it by hand' };
  if ((base === 'kubectl' || base === 'oc') && /^(?:port-forward|proxy|attach)$/.test(args[0] ?? ''))
    return { reason: `never exits (\`${base} ${args[0]}\`)`, fix: 'run it by hand in another terminal, or start it in the background and stop it at the end of the step' };
  if (
    (base === 'tail' && (letters.has('f') || letters.has('F') || has('--follow') || args.some((arg) => arg.startsWith('--follow=')))) ||
    (base === 'journalctl' && (shortLetters(args, 'unpDMSUtobo').has('f') || has('--follow')))
  )
    return { reason: 'never exits (`-f`/`--follow`)', fix: 'show the last lines instead (`-n 100`), or follow it by hand' };
  if ((base === 'kubectl' || base === 'oc' || base === 'stern') && (args[0] === 'logs' || base === 'stern') && (letters.has('f') || has('--follow') || base === 'stern'))
    return { reason: 'never exits (`--follow`)', fix: 'drop `-f`, add `--tail=100`' };
  if (base === 'sleep' && /^(?:infinity|inf)$/.test(args[0] ?? '')) return { reason: 'never exits (`sleep infinity`)', fix: 'remove it, or sleep for a bounded time' };
  const docker = dockerSubcommand(base, args);
  if (docker) {
    const dockerLetters = shortLetters(docker.args);
    if (docker.sub === 'logs' && (dockerLetters.has('f') || docker.args.includes('--follow'))) return { reason: 'never exits (`--follow`)', fix: 'drop `-f`, add `--tail=100`' };
    if (docker.sub === 'attach') return { reason: `never exits (\`${base} attach\`)`, fix: 'use `docker logs --tail=100`, or attach by hand' };
    if (docker.compose && docker.sub === 'up' && !dockerLetters.has('d') && !docker.args.some((arg) => /^--(?:detach|wait|no-start|exit-code-from|abort-on-container-exit)(?:=|$)/.test(arg)))
      return { reason: '`compose up` without `-d` stays in the foreground and never exits', fix: 'add `-d` (or `--wait`) so it starts the services and returns' };
    if (docker.compose && docker.sub === 'events') return { reason: 'never exits (`compose events`)', fix: 'run it by hand' };
    if (docker.sub === 'events' || (docker.sub === 'stats' && !docker.args.includes('--no-stream'))) return { reason: `never exits (\`${base} ${docker.sub}\`)`, fix: 'add `--no-stream` / `--until`, or run it by hand' };
  }
  if (args.some((arg) => arg === '-it' || arg === '-ti') || (has('-i', '--stdin', '--interactive') && has('-t', '--tty')))
    return { reason: 'needs a terminal (`-it`)', fix: 'drop `-it` (use `-i` only if it reads stdin) so it runs without a terminal' };
  if (base === 'ssh' && !call.stdinGiven && remoteCommand(call).length === 0) {
    return letters.has('N')
      ? { reason: 'never exits (`ssh -N`: a tunnel)', fix: 'run it by hand in another terminal' }
      : { reason: '`ssh` without a command opens an interactive login', fix: "give the command to run (`ssh host 'cmd'`), or run it by hand" };
  }
  if (args.some((arg) => arg === '-p' || arg === '--password') && /^(?:mysql|mariadb|mariadb-upgrade|mysqldump|mysql_upgrade|mysqladmin)$/.test(base))
    return { reason: 'asks for a password (`-p`)', fix: 'run it by hand, or give the password through a file (`--defaults-extra-file`) or the environment' };
  if (/^(?:pg_restore|pg_dump|psql|pg_dumpall|createdb|dropdb)$/.test(base) && (letters.has('W') || has('--password')))
    return { reason: `\`${base} -W\` asks for a password`, fix: 'set PGPASSWORD or a ~/.pgpass entry and use `-w`, or run it by hand' };
  if ((base === 'pg_restore' || base === 'pg_dump' || base === 'psql') && !letters.has('w') && !has('--no-password') && args.some((arg) => arg === '-U' || /^-U\S/.test(arg) || arg.startsWith('--username'))) {
    if (base !== 'psql' || call.stdinGiven || !CONSOLES.psql!(args)) return { reason: `\`${base}\` may ask for a password`, fix: 'set PGPASSWORD or a ~/.pgpass entry and add `-w`, or run it by hand' };
  }
  const console = CONSOLES[base];
  if (console && !call.stdinGiven && console(args)) return { reason: `\`${base}\` without a command opens an interactive console`, fix: 'pass the statements (`-c`, `-e`, a file), or run it by hand' };
  if (INSTALLERS.test(base) && /^(?:install|remove|purge|upgrade|downgrade|erase|reinstall|autoremove)$/.test(args[0] ?? '') && !has('--yes', '--assume-yes', '-q=2') && !letters.has('y')) {
    return { reason: `\`${base} ${args[0]}\` stops to ask for confirmation`, fix: 'add `-y` once you have checked what it does, or run it by hand' };
  }
  if (base === 'read' && !letters.has('t') && !call.stdinGiven) return { reason: '`read` waits for input', fix: 'take the value as a <parameter> instead' };
  return undefined;
}

/**
 * `sudo su - app`, `su -`, `sudo -i`, `sudo -s` without a command: runbook runs a step as
 * `bash -c`, so that shell gets no commands and ends at once, and the lines after it run as the
 * original user, not as the one meant. The reason names those lines.
 */
function userShell(call: Invocation, context: ScanContext): Finding | undefined {
  const { base, args, sudo } = call;
  const sudoShell = sudo !== undefined && base === '' && [...shortLetters(sudo, 'ugCDpRTUrt')].some((letter) => letter === 'i' || letter === 's');
  const su = base === 'su' && !args.some((arg) => arg === '-c' || arg === '--command' || arg.startsWith('--command='));
  if (!sudoShell && !su) return undefined;
  const userOption = sudo?.findIndex((option) => /^-[a-zA-Z]*u$|^--user$/.test(option)) ?? -1;
  const user = su ? (args.find((arg) => !arg.startsWith('-')) ?? 'root') : userOption >= 0 ? (sudo![userOption + 1] ?? 'root') : 'root';
  const after = context.commands.filter((other) => other.line > call.command.line);
  const until = after.findIndex((other) => other.words[0] === 'exit' || other.words[0] === 'logout');
  const meant = (until === -1 ? after : after.slice(0, until)).map((other) => context.lineMap[other.line]).filter((line): line is number => line !== undefined);
  const lines = meant.length === 0 ? '' : `; the commands meant for ${user} (line${meant.length > 1 ? `s ${meant[0]}–${meant.at(-1)}` : ` ${meant[0]}`}) would run as the original user`;
  return { reason: `opens a shell as ${user}, which gets no commands when runbook runs the step${lines}`, fix: `run them as ${user} in one command (\`sudo -iu ${user} bash -c '…'\`), or run the step by hand` };
}

const SQL_DESTRUCTIVE = /\b(?:drop\s+(?:table|database|schema|index|view|materialized\s+view|column|keyspace|sequence|function|trigger|type|extension|owned|user|role|collection)|truncate\b|delete\s+from)\b/i;
const SQL_CLIENTS = /^(?:psql|mysql|mariadb|sqlite3|clickhouse-client|cqlsh|cockroach|sqlcmd|duckdb|snowsql|bq)$/;
const MONGO_DESTRUCTIVE = /\.(?:drop|dropDatabase|deleteMany|deleteOne|remove|findOneAndDelete|dropIndexes)\s*\(/;
/** Files that hold a live database: copying or moving over one overwrites its data. */
// `dump.bak.rdb`, `app.db.orig`, `orders.backup.sqlite`, `data.db~`, `/var/backups/…`: a backup's name.
const BACKUP_NAME = /(?:^|[/._-])(?:bak|backups?|orig|old|saved?)(?:[/._-]|$)|~$/i;
const DATA_FILE = /\.(?:db|sqlite3?|rdb|aof|ibd|mdb|ldb|wal)$|^\/var\/lib\/(?:mysql|postgresql|pgsql|redis|mongodb|etcd|docker\/volumes)\//;

const deletes = (what: string): Finding => ({ reason: `deletes ${what}`, fix: 'check the target first; the run asks for this command on its own' });
const restores = (what: string): Finding => ({ reason: `restores over ${what}`, fix: 'make sure the backup is the right one; the run asks for this command on its own' });

/** Options of kubectl/oc that take a value (`-n services`): skipped to find the subcommand and its operands. */
const KUBECTL_VALUE_OPTIONS = new Set(['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-o', '--output', '-l', '--selector', '-f', '--filename', '-s', '--server']);

function kubectlOperands(words: readonly string[]): string[] {
  const operands: string[] = [];
  for (let index = 1; index < words.length; index++) {
    const word = words[index]!;
    if (KUBECTL_VALUE_OPTIONS.has(word)) index++;
    else if (!word.startsWith('-')) operands.push(word);
  }
  return operands;
}

/**
 * `kubectl get job X -o json | jq … | kubectl replace --force -f -`: the job is re-created from
 * its own definition, which runs it again — a re-run, not the loss of state that `replace
 * --force` of a volume claim, a stateful set or a namespace would be. Only Jobs: re-creating
 * anything else from itself still deletes what it holds (a PVC's volume, a pod's data).
 */
function rerunsJob(replace: SimpleCommand, commands: readonly SimpleCommand[]): boolean {
  const feeder = commands.find((command) => command.pipeline === replace.pipeline && command !== replace && /^(?:kubectl|oc)$/.test(command.words[0]?.split('/').at(-1) ?? ''));
  const file = replace.words.findIndex((word) => word === '-f' || word === '--filename');
  const fromStdin = (file !== -1 && /^(?:-|\/dev\/stdin)$/.test(replace.words[file + 1] ?? '')) || replace.words.some((word) => /^--filename=(?:-|\/dev\/stdin)$/.test(word));
  if (!feeder || !fromStdin) return false;
  const [verb, kind, name] = kubectlOperands(feeder.words);
  if (verb !== 'get') return false;
  return /^(?:jobs?|jobs?\.batch)$/i.test(kind ?? '') ? name !== undefined : /^(?:jobs?|jobs?\.batch)\/\S+$/i.test(kind ?? '');
}

function destructiveOf(call: Invocation, context: ScanContext): Finding | undefined {
  const { base, args, command } = call;
  const has = (...flags: string[]) => args.some((arg) => flags.includes(arg));
  const letters = shortLetters(args);
  const text = args.join(' ');
  const sub = args[0] ?? '';
  if (base === 'rm' && (letters.has('r') || letters.has('R') || has('--recursive'))) return deletes(`\`${args.filter((arg) => !arg.startsWith('-')).join(' ')}\` recursively`);
  if (base === 'find' && (has('-delete') || (has('-exec', '-execdir') && args.some((arg) => arg === 'rm')))) return deletes('the files it finds');
  if (base === 'rsync' && args.some((arg) => /^--(?:delete(?:-\w+)?|del|remove-source-files)$/.test(arg))) return deletes('files at the destination that are not in the source (`--delete`)');
  if (base === 'truncate') return { reason: 'empties or cuts a file (`truncate`)', fix: 'check the file first; the run asks for this command on its own' };
  const target = args.filter((arg) => !arg.startsWith('-')).at(-1) ?? '';
  // `cp dump.rdb dump.bak.rdb`: a copy put aside under a backup's name overwrites no live file.
  if ((base === 'cp' || base === 'mv' || base === 'install') && DATA_FILE.test(target) && !BACKUP_NAME.test(target))
    return { reason: 'overwrites a live database file', fix: 'stop the service and keep a copy first; the run asks for this command on its own' };
  // `mv backup live`: the file there now is gone, and the backup with it.
  if (base === 'mv' && !letters.has('n') && !has('--no-clobber') && /^\/(?:etc|var|opt|srv)\/.*[^/]$/.test(target) && /\.[\w]+$/.test(target))
    return { reason: `replaces \`${target}\` (what is there now is lost, and the backup moves away)`, fix: 'copy instead (`cp -a`), or keep a copy first; the run asks for this command on its own' };
  // `> file`, `: > file`, `cat /dev/null > file`: empties the file.
  const empty = base === '' || base === ':' || base === 'true' || (base === 'cat' && args.length === 1 && args[0] === '/dev/null');
  if (empty && call.sudo === undefined && command.redirects.some((redirect) => redirect.op === '>'))
    return { reason: 'empties the file it redirects to', fix: 'check the file first; the run asks for this command on its own' };
  if (base === 'dpkg' && args.some((arg) => /^(?:-r|-P|--remove|--purge)$/.test(arg))) return deletes('an installed package');
  if (INSTALLERS.test(base) && /^(?:remove|purge|erase|autoremove)$/.test(sub)) return deletes('an installed package');
  if (/^(?:pip|pip3|pipx|npm|pnpm|yarn|brew|snap|gem|cargo)$/.test(base) && /^(?:uninstall|remove|rm|un|r)$/.test(sub)) return deletes('an installed package');
  if (args.includes('--prune') || args.some((arg) => arg.startsWith('--prune='))) return deletes('every resource that is not in the file (`--prune`)');
  if ((base === 'kubectl' || base === 'oc') && sub === 'delete') return deletes('Kubernetes resources');
  if ((base === 'kubectl' || base === 'oc') && sub === 'replace' && has('--force') && !rerunsJob(call.command, context.commands))
    return { reason: 'deletes and recreates the resource (`replace --force`)', fix: 'check the manifest first; the run asks for this command on its own' };
  if (base === 'helm' && /^(?:uninstall|delete|del|un)$/.test(sub)) return deletes('a Helm release');
  const docker = dockerSubcommand(base, args);
  if (docker) {
    const dockerLetters = shortLetters(docker.args);
    if (docker.compose && docker.sub === 'down' && (dockerLetters.has('v') || docker.args.includes('--volumes'))) return deletes('the containers and their named volumes (`down --volumes`)');
    if (docker.compose && docker.sub === 'rm') return deletes('the service containers');
    if (/^(?:rm|rmi)$/.test(docker.sub) || (/^(?:volume|container|image|network|system|builder|buildx)$/.test(docker.sub) && /^(?:rm|prune|remove)$/.test(docker.args[0] ?? '')))
      return deletes('containers, images or volumes');
  }
  if (base === 'terraform' || base === 'tofu' || base === 'terragrunt') {
    // `terraform apply destroy.tfplan`: a plan made with `plan -destroy`, going by its name.
    const destroyPlan = sub === 'apply' && args.some((arg) => !arg.startsWith('-') && /destroy/i.test(arg));
    if (sub === 'destroy' || (sub === 'apply' && (has('-destroy', '--destroy') || destroyPlan))) return deletes('infrastructure (`terraform destroy`)');
    if (sub === 'state' && /^(?:rm|replace-provider)$/.test(args[1] ?? ''))
      return { reason: 'removes resources from the Terraform state', fix: 'back up the state first (`terraform state pull`); the run asks for this command on its own' };
    if (sub === 'workspace' && args[1] === 'delete') return deletes('a Terraform workspace');
  }
  if (base === 'git') {
    if (
      (sub === 'reset' && has('--hard')) ||
      (sub === 'push' && (has('--force', '-f', '--delete', '--mirror') || args.some((arg) => arg.startsWith('--force') || /^\+/.test(arg) || /^:/.test(arg) || /^-[a-zA-Z]*f/.test(arg)))) ||
      (sub === 'clean' && args.some((arg) => /^-[a-zA-Z]*f/.test(arg))) ||
      (sub === 'branch' && (has('-D') || (has('-d', '--delete') && has('-f', '--force')))) ||
      (sub === 'stash' && /^(?:drop|clear)$/.test(args[1] ?? '')) ||
      (sub === 'checkout' && has('--', '-f', '--force') && args.includes('.'))
    )
      return { reason: 'throws away commits or files', fix: 'check what is lost first; the run asks for this command on its own' };
    if (sub === 'revert' && command.words.join(' ').includes('push')) return { reason: 'pushes a revert', fix: 'the run asks for this command on its own' };
  }
  if (
    /^(?:pg_restore|mongorestore|mysqlimport|pg_basebackup)$/.test(base) ||
    ((base === 'psql' || base === 'mysql' || base === 'mariadb') &&
      (command.redirects.some((redirect) => redirect.op === '<' && /\.(?:sql|psql|dump)(?:\.gz)?$/.test(redirect.target)) || (has('-f') && args.some((arg) => /\.(?:sql|psql|dump)$/.test(arg)))))
  )
    return restores('the live database');
  if (/restore/i.test(base) && /\.(?:sh|py)$/.test(base)) return restores('live data');
  if (base === 'pgbackrest' && args.includes('restore')) return restores('the data directory');
  if (/^(?:velero|etcdctl|consul|vault|restic|borg|kopia|wal-g|barman)$/.test(base) && args.includes('restore')) return restores(`live state (\`${base} … restore\`)`);
  if (base === 'etcdctl' && /^(?:del|delete)$/.test(sub)) return deletes('etcd keys');
  if (base === 'consul' && ((sub === 'kv' && args[1] === 'delete') || sub === 'force-leave')) return deletes('Consul state');
  if (base === 'vault' && ((/^(?:kv|secrets)$/.test(sub) && /^(?:delete|destroy|disable|metadata)$/.test(args[1] ?? '')) || sub === 'delete')) return deletes('Vault secrets');
  if (base === 'aws' && ((sub === 's3' && /^(?:rm|rb)$/.test(args[1] ?? '')) || (sub === 's3' && args[1] === 'sync' && has('--delete')) || /^(?:delete|terminate|remove|deregister)-/.test(args[1] ?? '')))
    return deletes('cloud resources or objects');
  if ((base === 'gsutil' && /^(?:rm|rb)$/.test(sub)) || (base === 'gcloud' && args.includes('delete')) || (base === 'az' && args.includes('delete'))) return deletes('cloud resources or objects');
  if (base === 'rclone' && /^(?:delete|purge|deletefile|rmdir|rmdirs|sync)$/.test(sub)) return deletes('remote files');
  if (base === 'rabbitmqctl' && /^(?:purge_queue|delete_queue|delete_vhost|delete_user|reset|force_reset|clear_policy|delete_shovel)$/.test(sub)) return deletes(`RabbitMQ messages or state (\`${sub}\`)`);
  if (base === 'rabbitmqadmin' && /^(?:delete|purge)$/.test(sub)) return deletes('RabbitMQ messages or state');
  if (args.includes('--cluster-reset') || args.some((arg) => arg.startsWith('--cluster-reset-restore-path')))
    return { reason: 'replaces the cluster datastore', fix: 'check the snapshot first; the run asks for this command on its own' };
  if (/^(?:mkfs|mkfs\.\w+|wipefs|shred|blkdiscard|mkswap)$/.test(base) || (base === 'dd' && args.some((arg) => arg.startsWith('of=')))) return deletes('a disk or file');
  if ((base === 'zfs' || base === 'zpool') && /^(?:destroy|rollback)$/.test(sub)) return deletes('ZFS datasets or snapshots');
  if (/^(?:lvremove|vgremove|pvremove)$/.test(base) || (base === 'sgdisk' && args.some((arg) => /^(?:-Z|--zap-all|-o|--clear)$/.test(arg)))) return deletes('volumes or a partition table');
  if (/^(?:dropdb|dropuser|pg_dropcluster)$/.test(base)) return deletes('a database, role or cluster');
  if (SQL_DESTRUCTIVE.test(text) && SQL_CLIENTS.test(base)) return deletes('database rows or tables');
  if ((base === 'mongosh' || base === 'mongo') && MONGO_DESTRUCTIVE.test(text)) return deletes('MongoDB documents or collections');
  if (base === 'redis-cli' && args.some((arg) => /^(?:flushall|flushdb|del|unlink)$/i.test(arg))) return deletes('keys');
  if ((base === 'iptables' || base === 'ip6tables') && letters.has('F')) return deletes('firewall rules (`-F`)');
  return undefined;
}

/** SQL a person types into a console that deletes or overwrites data. */
export function destructiveSql(text: string): boolean {
  return SQL_DESTRUCTIVE.test(text);
}
