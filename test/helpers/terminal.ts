/**
 * Drives the CLI in a real terminal: a tmux server of its own (one socket per terminal, so
 * tests run in parallel), a pane of a given size running the command with exactly the given
 * environment, keys sent as a person types them, and the screen read back. The pane stays
 * after the command ends (remain-on-exit), so its last screen can be read, and its exit code.
 * tmux needs no TTY of its own: this works in CI without one.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { waitFor } from './poll.js';
import { binPath } from './run-cli.js';
import { withoutRecoveryCheck } from './sandbox.js';

export interface TerminalOptions {
  /** Arguments of `runbook` (the command run is `node bin/runbook.js …`). */
  args: string[];
  cwd: string;
  /** The command's whole environment (TERM is added when missing). */
  env: Record<string, string>;
  columns?: number;
  rows?: number;
  /** Pipe the command's stdout through `tee` into this file (stdin and stderr stay the terminal). */
  teeTo?: string;
}

let counter = 0;

export class Terminal {
  private readonly socket = `runbook-test-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
  private readonly statusFile = join(this.dir, 'exit-status');
  private closed = false;
  private socketPath: string | undefined;

  /** Starts the command in a fresh tmux server; closed when the test finishes. */
  static async start(options: TerminalOptions): Promise<Terminal> {
    const terminal = new Terminal();
    onTestFinished(() => terminal.close());
    await terminal.open(options);
    return terminal;
  }

  private async open(options: TerminalOptions): Promise<void> {
    const config = join(this.dir, 'tmux.conf');
    // No status line: the pane is the whole terminal. Keep the pane when the command exits.
    writeFileSync(config, 'set -g status off\nset -g remain-on-exit on\nset -g history-limit 10000\n');
    const env = { TERM: 'xterm-256color', ...options.env };
    const runbook = ['env', '-i', ...Object.entries(env).map(([name, value]) => `${name}=${value}`), process.execPath, binPath, ...withoutRecoveryCheck(options.args)];
    const command = options.teeTo ? ['bash', '-c', 'set -o pipefail; tee_file=$1; shift; "$@" | tee "$tee_file"', 'tee', options.teeTo, ...runbook] : runbook;
    // tmux does not always record a dead pane's exit status, so a wrapper writes it to a file.
    // Its Ctrl-C trap keeps it alive (and waiting) when the terminal's Ctrl-C reaches it too;
    // the command itself gets the default Ctrl-C handling back when it starts.
    const wrapper = ['bash', '-c', 'trap : INT; status_file=$1; shift; "$@"; echo $? > "$status_file"', 'terminal', this.statusFile, ...command];
    await this.tmux(['-f', config, 'new-session', '-d', '-s', 'run', '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40), '-c', options.cwd, '--', ...wrapper]);
    this.socketPath = (await this.tmux(['display-message', '-p', '#{socket_path}'])).trim();
  }

  /** Types text literally (no key names), e.g. `y`. */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', 'run', '-l', text]);
  }

  /** Presses keys by tmux name: `Enter`, `C-c`, `Escape`. */
  async press(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', 'run', ...keys]);
  }

  /** Resizes the window, as dragging its edge does (the command gets SIGWINCH). */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', 'run', '-x', String(columns), '-y', String(rows)]);
  }

  /** Types an answer and presses Enter. */
  async answer(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /**
   * What the terminal shows, scrollback included, wrapped lines joined, trailing blank lines
   * dropped; with `escapes`, colours and attributes as escape sequences too.
   */
  async screen(options: { escapes?: boolean } = {}): Promise<string> {
    const text = await this.tmux(['capture-pane', '-p', '-J', ...(options.escapes ? ['-e'] : []), '-S', '-', '-t', 'run']);
    // tmux's own line under a finished command's last screen is not the command's output.
    return text.replace(/\nPane is dead \(.*\)\s*$/, '').replace(/\s+$/, '\n');
  }

  /** Polls the screen until it matches; resolves with the screen. */
  async waitForText(pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
    let screen = '';
    try {
      return await waitFor(
        `${String(pattern)} on the screen`,
        async () => {
          screen = await this.screen();
          return (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) && screen;
        },
        { timeoutMs, intervalMs: 50 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen:\n${screen}`);
    }
  }

  /** Waits for the command to end; resolves with its exit code. */
  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const status = await waitFor('the command to exit', () => existsSync(this.statusFile) && readFileSync(this.statusFile, 'utf8').trim(), { timeoutMs, intervalMs: 50 }).catch(async (error: Error) => {
      throw new Error(`${error.message}; the screen:\n${await this.screen()}`);
    });
    return Number(status);
  }

  /** Kills the tmux server (and with it the command, if still running). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tmux(['kill-server']).catch(() => {});
    // tmux leaves its socket file behind.
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private tmux(args: string[]): Promise<string> {
    const env = { ...process.env };
    delete env.TMUX; // the tests may themselves run inside tmux
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-L', this.socket, ...args], { env }, (error, stdout, stderr) => (error ? reject(new Error(`tmux ${args[0]}: ${stderr || error.message}`)) : resolve(stdout)));
    });
  }
}
