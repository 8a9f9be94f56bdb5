/**
 * A throwaway world for end-to-end runs: a temp root with a HOME (holding the env file the
 * notes flip flags in), a work directory the CLI runs in, a
 * bin directory of fake commands copied from `test/fixtures/bin/` put first on PATH, and a
 * runbooks folder with the fixture notes a test chose. Fake commands record their calls and
 * behave as control files say (see `test/fixtures/bin/stub.bash`).
 *
 * Every process started from a sandbox carries `RUNBOOK_SANDBOX=<root>` in its environment,
 * so a test can ask which of them are still alive, and cleanup kills what a failed test left.
 */

import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { onTestFinished } from 'vitest';
import { waitFor, type PollOptions } from './poll.js';
import { liveProcesses } from './processes.js';
import { fixturesDir, runCli, spawnCli, type CliOptions, type CliResult, type RunningCli } from './run-cli.js';
import { Terminal, type TerminalOptions } from './terminal.js';

export const DEFAULT_ENV_FILE = 'USE_NEW_DIALOG_CONTEXT_REPO=true\n';
export const DIALOG_NOTE = '21_01a_dialog_context_repo.md';

export interface SandboxOptions {
  /** Notes copied into the runbooks folder, as paths under test/fixtures/ (default: the 21_01a note). */
  notes?: string[];
  /** Text of ~/work/infra/.env.infra, or null for no such file (default: the 21_01a flag, true). */
  envFile?: string | null;
  /** Fake commands from test/fixtures/bin/ to put on PATH (default: make, poetry, curl). */
  stubs?: string[];
  /** More environment for the CLI (and so for the steps). */
  env?: Record<string, string>;
  /** Keep the sandbox after the test (call `cleanup` yourself); needed outside a test, e.g. in beforeAll. */
  keep?: boolean;
}

export type StubMode = 'print' | 'sleep' | 'hang' | 'fail-once' | 'exit';

export interface JournalFile {
  runId: string;
  path: string;
  /** Parsed events, one per line. */
  events: Record<string, unknown>[];
}

/**
 * The sandbox has no Prometheus: its runs test the steps, so `rollback` and `resume` skip the
 * recovery check unless a test points them at one with `--prometheus-url` (the check has tests
 * of its own against a real Prometheus; one against 127.0.0.1:9090 would depend on the machine).
 */
export function withoutRecoveryCheck(args: string[]): string[] {
  const runs = args[0] === 'rollback' || args[0] === 'resume';
  if (!runs || args.includes('--dry-run') || args.includes('--no-verify') || args.includes('--prometheus-url')) return args;
  return [...args, '--no-verify'];
}

export class Sandbox {
  readonly root: string;
  readonly home: string;
  readonly work: string;
  readonly bin: string;
  readonly runbooks: string;
  /** Where fake commands log their calls and read their control files. */
  readonly stubDir: string;
  readonly envFilePath: string;
  /** The whole environment of the CLI: nothing leaks in from the test runner. */
  readonly env: Record<string, string>;

  constructor(options: SandboxOptions = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'runbook-sandbox-'));
    this.home = join(this.root, 'home');
    this.work = join(this.root, 'work');
    this.bin = join(this.root, 'bin');
    this.runbooks = join(this.root, 'runbooks');
    this.stubDir = join(this.root, 'stubs');
    this.envFilePath = join(this.home, 'work/infra/.env.infra');
    for (const dir of [this.home, this.work, this.bin, this.runbooks, this.stubDir]) mkdirSync(dir, { recursive: true });

    for (const stub of ['stub.bash', ...(options.stubs ?? ['make', 'poetry', 'curl'])]) {
      copyFileSync(join(fixturesDir, 'bin', stub), join(this.bin, stub));
      chmodSync(join(this.bin, stub), 0o755);
    }
    for (const note of options.notes ?? [DIALOG_NOTE]) this.addNote(note);
    const envFile = options.envFile === undefined ? DEFAULT_ENV_FILE : options.envFile;
    if (envFile !== null) this.writeEnvFile(envFile);

    this.env = {
      HOME: this.home,
      PATH: `${this.bin}:/usr/local/bin:/usr/bin:/bin`,
      USER: 'operator',
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      STUB_DIR: this.stubDir,
      RUNBOOK_SANDBOX: this.root,
      // As an operator's profile would: every command, from any folder, finds the notes and their state.
      RUNBOOK_DIR: this.runbooks,
      ...options.env,
    };
    if (!options.keep) onTestFinished(() => this.cleanup());
  }

  /** Copies a note from test/fixtures/ into the runbooks folder; returns its path there. */
  addNote(fixture: string, as = basename(fixture)): string {
    const target = join(this.runbooks, as);
    copyFileSync(join(fixturesDir, fixture), target);
    return target;
  }

  /**
   * `--runbooks <dir>` plus the given arguments, e.g. `args('rollback', '21_01a', '--yes')`.
   * (`run`, `start` and the terminal add `--no-verify` to runs: see `withoutRecoveryCheck`.)
   */
  args(command: string, ...rest: string[]): string[] {
    return [command, ...rest, '--runbooks', this.runbooks];
  }

  /** Runs the CLI in the work directory with the sandbox environment, to the end. */
  run(args: string[], options: CliOptions = {}): Promise<CliResult> {
    return runCli(withoutRecoveryCheck(args), this.cliOptions(options));
  }

  /** Starts the CLI without waiting (to kill it, or run another beside it). */
  start(args: string[], options: CliOptions = {}): RunningCli {
    return spawnCli(withoutRecoveryCheck(args), this.cliOptions(options));
  }

  /** Starts the CLI in a real terminal (tmux) in the work directory with the sandbox environment. */
  openTerminal(args: string[], options: Partial<Omit<TerminalOptions, 'args'>> = {}): Promise<Terminal> {
    return Terminal.start({ args, cwd: this.work, ...options, env: { ...this.env, ...options.env } });
  }

  private cliOptions(options: CliOptions): CliOptions {
    return { ...options, cwd: options.cwd ?? this.work, env: { ...this.env, ...options.env } };
  }

  /** What the fake commands were called with, one call per entry (`make day-12-restart-butler`). */
  calls(): string[] {
    const path = join(this.stubDir, 'calls.log');
    return existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [];
  }

  /** The env file's text, or undefined when there is none. */
  readEnvFile(): string | undefined {
    return existsSync(this.envFilePath) ? readFileSync(this.envFilePath, 'utf8') : undefined;
  }

  writeEnvFile(text: string): void {
    mkdirSync(join(this.envFilePath, '..'), { recursive: true });
    writeFileSync(this.envFilePath, text);
  }

  /** Tells a fake command how to behave from its next call on (see stub.bash for the modes). */
  stub(name: string, mode: StubMode, content = ''): void {
    writeFileSync(join(this.stubDir, `${name}.${mode}`), content);
  }

  /** Stops a behaviour set with `stub`. */
  unstub(name: string, mode: StubMode): void {
    rmSync(join(this.stubDir, `${name}.${mode}`), { force: true });
  }

  /** The pids a hanging fake command wrote (itself and its children), once it has started. */
  waitForHang(name: string, options?: PollOptions): Promise<number[]> {
    const path = join(this.stubDir, `${name}.pids`);
    return waitFor(`${name} to hang`, () => existsSync(path) && readFileSync(path, 'utf8').trim().split(/\s+/).map(Number), options);
  }

  /** The state folder of the sandbox's runbooks folder: `.runbook` next to it (see src/run/state-dirs.ts). */
  get stateDir(): string {
    return join(this.root, '.runbook');
  }

  get runsDir(): string {
    return join(this.stateDir, 'runs');
  }

  lockPath(stage: string): string {
    return join(this.stateDir, 'locks', `${stage}.lock`);
  }

  /** Every run journal in the work directory, oldest first. */
  journals(): JournalFile[] {
    if (!existsSync(this.runsDir)) return [];
    return readdirSync(this.runsDir)
      .filter((name) => name.endsWith('.jsonl'))
      .sort()
      .map((name) => {
        const path = join(this.runsDir, name);
        const events = readFileSync(path, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        return { runId: name.slice(0, -'.jsonl'.length), path, events };
      });
  }

  /** The one journal there is; fails when there is none or more than one. */
  journal(): JournalFile {
    const journals = this.journals();
    if (journals.length !== 1) throw new Error(`expected one journal in ${this.runsDir}, found ${journals.length}`);
    return journals[0]!;
  }

  /** `[step, decision]` of the one journal, in order. */
  decisions(): [unknown, unknown][] {
    return this.journal()
      .events.filter((event) => event.type === 'step-decision')
      .map((event) => [event.step, event.decision]);
  }

  /** `[step, result]` of every step-finished event of the one journal, in order. */
  stepResults(): [unknown, unknown][] {
    return this.journal()
      .events.filter((event) => event.type === 'step-finished')
      .map((event) => [event.step, event.result]);
  }

  /** Every live (not zombie) process started from this sandbox, node processes included. */
  processes(): { pid: number; comm: string }[] {
    return sandboxProcesses(this.root);
  }

  /** Live (not zombie) processes started from this sandbox, other than runbook itself (node). */
  stepProcesses(): { pid: number; comm: string }[] {
    return sandboxProcesses(this.root).filter((process) => process.comm !== 'node');
  }

  /** Kills whatever a test left running, then removes the files. */
  cleanup(): void {
    for (const { pid } of sandboxProcesses(this.root)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A sandbox that is removed when the current test finishes (unless `keep` is set). */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new Sandbox(options);
}

/** Processes whose environment holds `RUNBOOK_SANDBOX=<root>`. */
function sandboxProcesses(root: string): { pid: number; comm: string }[] {
  const marker = `RUNBOOK_SANDBOX=${root}`;
  return liveProcesses()
    .filter((process) => process.environ().includes(marker))
    .map(({ pid, comm }) => ({ pid, comm }));
}
