/**
 * What a fenced code block in a Rollback Procedure is: a script runbook may run, or text
 * (python, promql, json, output) it only shows. Also turns console transcripts into scripts
 * and splits one block carrying `# 1. Title` markers into several steps.
 */

import { type PendingInput, pendingInput, splitCommands, stripComment } from './shell-words.js';

const SHELL_LANGUAGES = new Set(['bash', 'sh', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'sh-session', 'terminal']);
const TRANSCRIPT_LANGUAGES = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'terminal']);

/** Commands an unlabelled block may start with and still be taken for a shell script. */
const KNOWN_COMMANDS = new Set([
  'ansible',
  'ansible-playbook',
  'aws',
  'bash',
  'cat',
  'cd',
  'chmod',
  'chown',
  'cp',
  'curl',
  'date',
  'docker',
  'docker-compose',
  'echo',
  'env',
  'export',
  'for',
  'gcloud',
  'git',
  'grep',
  'head',
  'helm',
  'if',
  'journalctl',
  'kill',
  'kubectl',
  'ln',
  'ls',
  'make',
  'mkdir',
  'mongo',
  'mongosh',
  'mv',
  'nc',
  'npm',
  'npx',
  'pip',
  'pkill',
  'poetry',
  'printf',
  'psql',
  'pytest',
  'python',
  'python3',
  'redis-cli',
  'rm',
  'rsync',
  'scp',
  'sed',
  'service',
  'set',
  'sh',
  'sleep',
  'source',
  'ssh',
  'sudo',
  'systemctl',
  'tail',
  'tee',
  'terraform',
  'test',
  'touch',
  'until',
  'wget',
  'while',
  'yarn',
  '.',
  '[',
  '[[',
  'podman',
  'podman-compose',
  'k3s',
  'gitlab-ctl',
  'gitlab-backup',
  'apt',
  'apt-get',
  'yum',
  'dnf',
  'dpkg',
  'rpm',
  'pg_restore',
  'pg_dump',
  'mysql',
  'mysqldump',
  'mariadb',
  'jq',
  'oc',
  'argo',
  'argocd',
  'vault',
  'consul',
  'nomad',
  'az',
  'gsutil',
  'brew',
  'pip3',
  'pipx',
  'go',
  'cargo',
  'node',
  'tar',
  'unzip',
  'etcdctl',
  'patronictl',
  'sqlite3',
  'crictl',
  'ctr',
  'virsh',
  'nerdctl',
  'kustomize',
  'flux',
  'istioctl',
  'linkerd',
  'velero',
  'restic',
  'borg',
  'rclone',
  'cray',
  'gh',
  'glab',
  'heroku',
  'fly',
  'doctl',
]);

export interface ScriptLines {
  /** Script lines, in order. */
  lines: string[];
  /** For each script line, the 0-based line of the block it came from. */
  origins: number[];
  /** Lines of a transcript that are output, not commands: shown, never run. */
  output?: string[];
  /** Runme said the block is interactive or runs in the background. */
  runme?: 'interactive' | 'background';
}

/**
 * A console prompt and what follows it: `$ cmd`, `% cmd`, `λ cmd`, `❯ cmd`, the MySQL manual's
 * `$> cmd` and `shell> cmd`, a root prompt
 * with a host (`ncn# cmd`, `root@db:~# cmd`, `[root@db tmp]# cmd`), a user prompt with one
 * (`me@host:~$ cmd`), `bash-5.1$ cmd`, and any of them after a `(venv) ` marker. A bare `# `
 * is a root prompt only in a transcript (see `rootCommand`).
 */
const PROMPT = /^\s*(?:\([\w.-]+\)\s+)?(?:[$λ❯➜»](?=\s|$)|(?:\$|shell)>(?=\s)|%(?=\s)|[\w.-]+@[\w.-]+(?::[^\s$#]*)?[$#](?=\s|$)|[\w-]+#(?=\s)|[a-z]+-\d[\d.]*[$#](?=\s|$)|\[[^\]\n]+\][$#](?=\s|$))\s?(.*)$/u;

/**
 * Prompts of consoles that are not bash: PowerShell (`PS C:\> `), Python (`>>> `), database
 * and key-value consoles (`mysql> `, `MariaDB [db]> `, `postgres=# `, `sqlite> `,
 * `127.0.0.1:6379> `, `rs0:PRIMARY> `). A transcript holding one is typed by a person.
 */
const FOREIGN_PROMPT = /^\s*(?:PS(?: [^>\n]*)?>|>>>|mysql>|MariaDB \[[^\]\n]*\]>|[\w-]+=[#>]|sqlite>|cqlsh(?::[\w]+)?>|[\w.-]+:\d+>|\w+:(?:PRIMARY|SECONDARY)>|(?:mongo|redis)[\w.:-]*>)(?:\s|$)/;

/**
 * A request for an HTTP console (Kibana or OpenSearch Dev Tools, a REST client): a method and
 * a path without a scheme (`DELETE my-index`, `POST _snapshot/repo/snap/_restore`), optionally
 * followed by a JSON body. libwww-perl installs `GET`/`POST`/`DELETE` commands, but they take
 * a URL: a bare path is never a shell command.
 */
const HTTP_REQUEST = /^\s*(?:GET|POST|PUT|DELETE|PATCH|HEAD)\s+(?![a-z][\w+.-]*:\/\/)[\w./*%?&=,:{}<>+-]+\s*$/;

/** A line of a block typed into something that is not bash: another program's prompt, or an HTTP console request. */
export interface ForeignLine {
  /** 0-based line of the block. */
  line: number;
  kind: 'prompt' | 'http';
  text: string;
}

/** The first line that shows the block is typed into another console (`127.0.0.1:6379> SAVE`, `DELETE my-index`), if any. */
export function foreignLine(code: string): ForeignLine | undefined {
  const lines = code.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    if (FOREIGN_PROMPT.test(text)) return { line: index, kind: 'prompt', text: text.trim() };
    if (HTTP_REQUEST.test(text)) return { line: index, kind: 'http', text: text.trim() };
  }
  return undefined;
}

/**
 * A usage synopsis (`argocd app rollback APPNAME [ID] [flags]`, `nomad job revert [options]
 * <job> <version>`): `[flags]` / `[options]` stand for "options go here" and are no argument
 * anybody types. A syntax reference, never a command.
 */
const USAGE_WORD = /(?:^|\s)\[(?:flags|options|global[ -]options|command|subcommand|args|arguments)(?:\.{3}|…)?\](?=\s|$)/i;

/** True when the block's first command line is a usage synopsis. */
export function isUsageLine(code: string): boolean {
  const first = code.split('\n').find((line) => line.trim() !== '' && !/^\s*#/.test(line));
  return first !== undefined && USAGE_WORD.test(first);
}

/** The command after a prompt, or undefined when the line has none. */
export function afterPrompt(line: string): string | undefined {
  const match = PROMPT.exec(line);
  return match ? stripPromptDecoration(match[1]!) : undefined;
}

/**
 * `# cmd` in a transcript is root's prompt when what follows reads as a command
 * (`# systemctl reload x`); `# Reload the service` stays a comment.
 */
function rootCommand(line: string): string | undefined {
  const match = /^\s*#\s+(\S.*)$/.exec(line);
  return match && looksLikeCommands(match[1]!) && !/^#!/.test(match[1]!) ? match[1]! : undefined;
}

/** A command that makes the next prompts root's (`sudo -i`, `sudo su -`, `su -`). */
const BECOMES_ROOT = /^(?:sudo\s+(?:-i|-s|su\b)|su\b)/;

/**
 * Prompts that show the working directory and git branch (`$ ~/deploy/ v4.5.1* docker …`):
 * the directory is where the command runs, the branch is decoration.
 */
function stripPromptDecoration(command: string): string {
  const match = /^((?:~|\.{1,2})?\/[^\s]*\/)\s+(?:\(?[\w./-]+\*?\)?\*?\s+)?(\S.*)$/.exec(command);
  if (!match) return command;
  const rest = match[2]!;
  // `/usr/bin/ foo` is not a prompt decoration; a path ending in `/` followed by a command is.
  return `cd ${match[1]} && ${rest}`;
}

export type BlockKind = 'shell' | 'transcript' | 'other';

/** `bash`, `sh`, `console`, …: a label that says the block is for a shell. */
export function isShellLanguage(language: string): boolean {
  return SHELL_LANGUAGES.has(language.toLowerCase());
}

/** `console`, `shell-session`, …: a label that says the block is a transcript (prompts and output). */
export function isTranscriptLanguage(language: string): boolean {
  return TRANSCRIPT_LANGUAGES.has(language.toLowerCase());
}

/** Decides from the fence's language (and, when there is none, its content) what a block is. */
export function classifyBlock(lang: string | null | undefined, code: string): BlockKind {
  const language = (lang ?? '').toLowerCase();
  // A `console` block without a single prompt would lose every line as "output": read it by its content.
  // A line typed at another program's prompt, or an HTTP console request, is never bash: with `>` in
  // the prompt, bash would even truncate a file (`127.0.0.1:6379> SAVE` writes `SAVE`).
  if (language === '' || SHELL_LANGUAGES.has(language)) {
    if (foreignLine(code) || isUsageLine(code)) return 'other';
  }
  if (TRANSCRIPT_LANGUAGES.has(language)) {
    return hasPrompt(code) || code.split('\n').some((line) => rootCommand(line) !== undefined) ? 'transcript' : looksLikeCommands(code) ? 'shell' : 'other';
  }
  if (SHELL_LANGUAGES.has(language)) return isTranscript(code) ? 'transcript' : 'shell';
  if (language !== '') return 'other';
  if (isTranscript(code)) return 'transcript';
  return looksLikeCommands(code) ? 'shell' : 'other';
}

/** A bash block written as a transcript: its first command line carries a `$ ` prompt. */
function isTranscript(code: string): boolean {
  const first = code.split('\n').find((line) => line.trim() !== '' && !/^\s*#(?:\s|$)/.test(line));
  return first !== undefined && PROMPT.test(first) && /\S/.test(first.replace(PROMPT, '$1'));
}

function hasPrompt(code: string): boolean {
  return code.split('\n').some((line) => PROMPT.test(line) && !/^\s*#/.test(line));
}

function looksLikeCommands(code: string): boolean {
  if (/^#!.*\b(ba|z)?sh\b/.test(code)) return true;
  const first = code
    .split('\n')
    .map((line) => stripComment(line).trim())
    .find((line) => line !== '');
  if (first === undefined) return false;
  const word = first.split(/\s+/)[0]!;
  // `[ -f x ]` is a test; a `[` alone on a line opens a JSON or YAML list.
  if (word === '[' || word === '[[') return new RegExp(`\\s${word === '[' ? '\\]' : '\\]\\]'}(?:\\s|;|$)`).test(first);
  if (KNOWN_COMMANDS.has(word)) return true;
  if (/^[A-Z_][A-Z0-9_]*=\S*$/.test(word)) return true; // `FLAG=false make restart`
  // ./scripts/rollback.sh, /usr/local/bin/x; a one-segment `/pd-moc` is a chat command, not a program.
  return /^(\.{0,2}\/|~\/)\S+$/.test(word) && !/^\/[\w-]+$/.test(word);
}

/**
 * The lines of a block as bash should run them. For transcripts, prompts are stripped and
 * output lines dropped; a command goes on, prompt or not, as long as bash would read more
 * (a heredoc body up to its delimiter, an open quote, a trailing `\` or `|`, an open `for`),
 * and the PS2 `> ` prompt in front of those lines is stripped.
 */
export function scriptLines(code: string, kind: BlockKind): ScriptLines {
  const raw = code.split('\n');
  if (kind !== 'transcript') return { lines: raw, origins: raw.map((_, index) => index) };
  const lines: string[] = [];
  const origins: number[] = [];
  const output: string[] = [];
  // Without a `$ ` prompt in the block, `# cmd` lines are root's prompt; with one, only after `sudo -i`.
  let root = !raw.some((line) => afterPrompt(line) !== undefined && !/^\s*#/.test(line));
  let command: string[] | undefined; // the command bash is still reading, PS2 prompts stripped
  let pending: PendingInput | undefined;
  let ps2: boolean | undefined;
  const prompted = (line: string) => afterPrompt(line) ?? (root ? rootCommand(line) : undefined);
  raw.forEach((line, index) => {
    let kept: string | undefined;
    if (command) {
      // The first continuation line says whether the transcript shows PS2 prompts.
      ps2 ??= /^\s*>(?: |$)/.test(line);
      kept = ps2 ? line.replace(/^\s*> ?/, '') : line;
      command.push(kept);
    } else {
      kept = prompted(line);
      if (kept !== undefined) {
        command = [kept];
        pending = undefined;
        ps2 = undefined;
        if (BECOMES_ROOT.test(kept.trim())) root = true;
      } else if (/^\s*#(?:\s|$)/.test(line) && raw.slice(index + 1).some((next) => prompted(next) !== undefined)) {
        kept = line; // a comment above a prompt titles the command after it; below the last one it is output
      }
    }
    if (kept === undefined) {
      if (line.trim() !== '') output.push(line);
      return; // output of the previous command
    }
    lines.push(kept);
    origins.push(index);
    if (command && !stillPending(pending, kept)) {
      pending = pendingInput(command.join('\n'));
      if (!pending) command = undefined;
    }
  });
  return { lines, origins, output };
}

/**
 * True when a line cannot change what bash waits for: a heredoc body line that is not its
 * delimiter, or a line without the open quote. Saves reading the whole command again.
 */
function stillPending(pending: PendingInput | undefined, line: string): boolean {
  if (pending?.heredoc) return (pending.heredoc.stripTabs ? line.replace(/^\t+/, '') : line) !== pending.heredoc.word;
  if (pending?.quote) return !line.includes(pending.quote);
  return false;
}

export interface MarkedPart {
  /** Title from the marker (`# 2. Restart services` → "Restart services"); undefined before the first marker. */
  title?: string;
  /** Note line of the marker comment. */
  markerLine?: number;
  lines: string[];
  origins: number[];
}

const MARKER = /^\s*#+\s*(?:step\s+)?(\d+)\s*[.):-]\s*(\S.*?)\s*$/i;

/**
 * Splits a script on `# 1. Title` / `# Step 2: Title` comment markers. Returns one part
 * without a title when the script has no markers. Lines before the first marker form a
 * leading untitled part only when they hold commands.
 */
export function splitOnMarkers(script: ScriptLines): MarkedPart[] {
  const parts: MarkedPart[] = [];
  let current: MarkedPart = { lines: [], origins: [] };
  script.lines.forEach((line, index) => {
    const marker = MARKER.exec(line);
    if (marker) {
      parts.push(current);
      current = { title: marker[2]!, markerLine: script.origins[index], lines: [], origins: [] };
      return;
    }
    current.lines.push(line);
    current.origins.push(script.origins[index]!);
  });
  parts.push(current);
  return parts.filter((part, index) => index > 0 || hasCommands(part.lines) || parts.length === 1);
}

/** True when at least one line would do something (not blank, not only a comment). */
export function hasCommands(lines: string[]): boolean {
  return lines.some((line) => stripComment(line).trim() !== '');
}

/** Drops blank lines at both ends, keeping origins aligned. */
export function trimBlankEnds(part: { lines: string[]; origins: number[] }): { lines: string[]; origins: number[] } {
  let start = 0;
  let end = part.lines.length;
  while (start < end && part.lines[start]!.trim() === '') start += 1;
  while (end > start && part.lines[end - 1]!.trim() === '') end -= 1;
  return { lines: part.lines.slice(start, end), origins: part.origins.slice(start, end) };
}

// Commands that only prepare the shell the next commands run in.
const SETUP_COMMANDS = new Set(['set', 'shopt', 'export', 'cd', 'pushd', 'source', '.', 'umask', 'trap', 'readonly', 'declare', 'typeset', 'unset', 'alias']);

/** True when every command only sets up the shell (options, variables, directory), so it can run before each step. */
export function isShellSetup(lines: string[]): boolean {
  const commands = splitCommands(lines.join('\n'));
  return commands.length > 0 && commands.every((command) => command.words.length > 0) && commands.every((command) => SETUP_COMMANDS.has(command.words[0]!) || command.words.every((word) => /^[A-Za-z_]\w*=/.test(word)));
}
