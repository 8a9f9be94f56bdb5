/**
 * What a fenced code block in a Rollback Procedure is: a script runbook may run, or text
 * (python, promql, json, output) it only shows. Also turns console transcripts into scripts
 * and splits one block carrying `# 1. Title` markers into several steps.
 */

import { splitCommands, stripComment } from './shell-words.js';

const SHELL_LANGUAGES = new Set(['bash', 'sh', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'sh-session', 'terminal']);
const TRANSCRIPT_LANGUAGES = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'terminal']);

/** Commands an unlabelled block may start with and still be taken for a shell script. */
const KNOWN_COMMANDS = new Set([
  'ansible', 'ansible-playbook', 'aws', 'bash', 'cat', 'cd', 'chmod', 'chown', 'cp', 'curl', 'date', 'docker',
  'docker-compose', 'echo', 'env', 'export', 'for', 'gcloud', 'git', 'grep', 'head', 'helm', 'if', 'journalctl',
  'kill', 'kubectl', 'ln', 'ls', 'make', 'mkdir', 'mongo', 'mongosh', 'mv', 'nc', 'npm', 'npx', 'pip', 'pkill',
  'poetry', 'printf', 'psql', 'pytest', 'python', 'python3', 'redis-cli', 'rm', 'rsync', 'scp', 'sed', 'service',
  'set', 'sh', 'sleep', 'source', 'ssh', 'sudo', 'systemctl', 'tail', 'tee', 'terraform', 'test', 'touch',
  'until', 'wget', 'while', 'yarn', '.', '[', '[[',
  'podman', 'podman-compose', 'k3s', 'gitlab-ctl', 'gitlab-backup', 'apt', 'apt-get', 'yum', 'dnf', 'dpkg', 'rpm', 'pg_restore',
  'pg_dump', 'mysql', 'mysqldump', 'mariadb', 'jq', 'oc', 'argo', 'argocd', 'vault', 'consul', 'nomad', 'az', 'gsutil', 'brew',
  'pip3', 'pipx', 'go', 'cargo', 'node', 'tar', 'unzip', 'etcdctl', 'patronictl', 'sqlite3', 'crictl', 'ctr', 'virsh', 'nerdctl',
  'kustomize', 'flux', 'istioctl', 'linkerd', 'velero', 'restic', 'borg', 'rclone', 'cray', 'gh', 'glab', 'heroku', 'fly', 'doctl',
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
 * A console prompt and what follows it: `$ cmd`, `% cmd`, `λ cmd`, `❯ cmd`, a root prompt
 * with a host (`ncn# cmd`, `root@db:~# cmd`) or a user prompt with one (`me@host:~$ cmd`).
 * A bare `# ` is a comment, not a root prompt.
 */
const PROMPT = /^\s*(?:[$%λ❯➜»](?=\s|$)|[\w.-]+@[\w.-]+(?::[^\s$#]*)?[$#](?=\s|$)|[\w-]+#(?=\s)|\[[^\]\n]+\][$#](?=\s|$))\s?(.*)$/u;

/** The command after a prompt, or undefined when the line has none. */
export function afterPrompt(line: string): string | undefined {
  const match = PROMPT.exec(line);
  return match ? stripPromptDecoration(match[1]!) : undefined;
}

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

/** Decides from the fence's language (and, when there is none, its content) what a block is. */
export function classifyBlock(lang: string | null | undefined, code: string): BlockKind {
  const language = (lang ?? '').toLowerCase();
  // A `console` block without a single prompt would lose every line as "output": read it by its content.
  if (TRANSCRIPT_LANGUAGES.has(language)) return hasPrompt(code) ? 'transcript' : looksLikeCommands(code) ? 'shell' : 'other';
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
  const first = code.split('\n').map((line) => stripComment(line).trim()).find((line) => line !== '');
  if (first === undefined) return false;
  const word = first.split(/\s+/)[0]!;
  if (KNOWN_COMMANDS.has(word)) return true;
  if (/^[A-Z_][A-Z0-9_]*=\S*$/.test(word)) return true; // `FLAG=false make restart`
  // ./scripts/rollback.sh, /usr/local/bin/x; a one-segment `/pd-moc` is a chat command, not a program.
  return /^(\.{0,2}\/|~\/)\S+$/.test(word) && !/^\/[\w-]+$/.test(word);
}

/**
 * The lines of a block as bash should run them. For transcripts, `$ ` prompts are
 * stripped, continuation lines (after a trailing `\` or a `> ` prompt) kept, and output
 * lines dropped.
 */
export function scriptLines(code: string, kind: BlockKind): ScriptLines {
  const raw = code.split('\n');
  if (kind !== 'transcript') return { lines: raw, origins: raw.map((_, index) => index) };
  const lines: string[] = [];
  const origins: number[] = [];
  const output: string[] = [];
  let continuing = false;
  let quote: string | undefined;
  raw.forEach((line, index) => {
    const prompt = afterPrompt(line);
    const continuation = /^\s*>\s?(.*)$/.exec(line);
    let kept: string | undefined;
    if (quote !== undefined) kept = line; // inside a quoted string, a line is data, never a prompt
    else if (prompt !== undefined) kept = prompt;
    else if (continuing) kept = continuation ? continuation[1]! : line;
    // A comment above a prompt titles the command after it; below the last one it is output.
    else if (/^\s*#(?:\s|$)/.test(line) && raw.slice(index + 1).some((next) => afterPrompt(next) !== undefined)) kept = line;
    if (kept === undefined) {
      continuing = false;
      if (line.trim() !== '') output.push(line);
      return; // output of the previous command
    }
    lines.push(kept);
    origins.push(index);
    quote = openQuoteAfter(kept, quote);
    continuing = quote !== undefined || kept.endsWith('\\');
  });
  return { lines, origins, output };
}

/** The quote still open at the end of a line, given the one open at its start. */
function openQuoteAfter(line: string, open: string | undefined): string | undefined {
  let quote = open;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote === undefined) {
      if (char === '\\') i += 1;
      else if (char === "'" || char === '"') quote = char;
      else if (char === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break; // a comment: its quotes do not count
    } else if (quote === '"' && char === '\\') i += 1;
    else if (char === quote) quote = undefined;
  }
  return quote;
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
  return commands.length > 0 && commands.every((command) => SETUP_COMMANDS.has(command.words[0]!) || command.words.every((word) => /^[A-Za-z_]\w*=/.test(word)));
}
