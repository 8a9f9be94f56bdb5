/**
 * The command table. Each action normalises its options and lazily imports its command,
 * so `runbook --help` loads commander and nothing else. Errors become exit codes here, and
 * only here.
 */

import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode, RunbookError } from './errors.js';
import type { Io } from './io.js';

type Action = (io: Io) => Promise<number>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function buildProgram(run: (action: Action) => Promise<void>, output: OutputConfiguration): Command {
  const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  const program = new Command('runbook')
    .description("Turn a migration note's Rollback Procedure into a safe, rehearsable, verifiable rollback.")
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', '\nExit codes: 0 ok, 1 a step failed or aborted, 2 bad usage or bad note, 3 recovery not verified, 130 interrupted.')
    // Set before the subcommands are added, so they inherit both.
    .exitOverride()
    .configureOutput(output);

  const runbooksOption = () => new Option('--runbooks <dir>', 'folder of migration notes (default: $RUNBOOK_DIR or ./runbooks)');
  const planOptions = (command: Command) =>
    command
      .addOption(runbooksOption())
      .option('--path <n|title>', 'which rollback path to take: its number or part of its title')
      .option('--set <name=value>', 'value of a <parameter> in the steps (repeatable)', collect)
      .option('--prometheus-url <url>', 'Prometheus to verify against (default: $PROMETHEUS_URL, then the note)')
      .option('--cwd <dir>', 'working directory of the steps (default: the current directory)')
      .option('--json', 'print the plan as JSON (schema in the README)');

  planOptions(program.command('show').argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note').description('print the rollback plan of a note')).action(
    (stage: string, options: PlanFlags) => run(async (io) => (await import('./commands/show.js')).showCommand({ ...planOptionsFrom(stage, options), dryRun: false }, io)),
  );

  planOptions(program.command('rollback').argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note').description('roll a stage back, step by step'))
    .option('--dry-run', 'print what would run and run nothing')
    .option('-y, --yes', 'run every step without asking (rehearsals, CI); manual steps are reported as needing a person')
    .option('--from <n>', 'start at step N (the steps before it are not run)')
    .option('--only <n>', 'run step N only')
    .option('--step-timeout <duration>', 'stop a step (and everything it started) after this long, e.g. 90s, 10m', '10m')
    .option('--journal-dir <dir>', 'where run journals go (default: .runbook/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR or ./.runbook)')
    .option('--force-unlock', "take over the stage lock of a run that is gone (its process ended, or its host is down)")
    .action((stage: string, options: PlanFlags & RunFlags & { dryRun?: boolean }) =>
      run(async (io) => {
        const planOptionsValue = planOptionsFrom(stage, options);
        if (options.dryRun) return (await import('./commands/show.js')).showCommand({ ...planOptionsValue, dryRun: true }, io);
        return (await import('./commands/rollback.js')).rollbackCommand({ ...planOptionsValue, ...options }, io);
      }),
    );

  program
    .command('resume')
    .argument('<run>', 'run id (see runbook runs) or stage id: its latest run')
    .description('continue an interrupted or aborted run after its last finished step')
    .option('-y, --yes', 'run the remaining steps without asking')
    .option('--step-timeout <duration>', 'stop a step (and everything it started) after this long', '10m')
    .option('--cwd <dir>', 'working directory of the steps (default: the one the run used)')
    .option('--set <name=value>', 'value of a secret <parameter> (the journal masks them)', collect)
    .option('--journal-dir <dir>', 'where run journals are (default: .runbook/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR or ./.runbook)')
    .action((runReference: string, options: RunFlags & { cwd?: string; set?: string[] }) =>
      run(async (io) => (await import('./commands/resume.js')).resumeCommand({ ...options, run: runReference }, io)),
    );

  program
    .command('log')
    .argument('[run]', 'run id (default: the latest run)')
    .description("print a run's transcript as markdown, for the note's Communication Log or an incident")
    .option('--journal-dir <dir>', 'where run journals are (default: .runbook/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR or ./.runbook)')
    .action((runReference: string | undefined, options: RunFlags) => run(async (io) => (await import('./commands/log.js')).logCommand({ ...options, run: runReference }, io)));

  program
    .command('runs')
    .description('list past runs: id, stage, start, operator, status, steps done')
    .option('--stage <stage>', 'only runs of this stage')
    .option('--json', 'print the list as JSON')
    .option('--journal-dir <dir>', 'where run journals are (default: .runbook/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR or ./.runbook)')
    .action((options: RunFlags & { stage?: string; json?: boolean }) => run(async (io) => (await import('./commands/log.js')).runsCommand(options, io)));

  program
    .command('lint')
    .argument('[paths...]', 'note files or folders (default: the runbooks folder)')
    .description('report every problem in every note, as file:line: message')
    .addOption(runbooksOption())
    .option('--json', 'print the problems as JSON')
    .action((paths: string[], options: { runbooks?: string; json?: boolean }) =>
      run(async (io) => (await import('./commands/lint.js')).lintCommand({ paths, runbooks: options.runbooks, json: options.json }, io)),
    );

  program
    .command('list')
    .description('list the notes: stage, component, status, flags, file')
    .addOption(runbooksOption())
    .option('--json', 'print the list as JSON')
    .action((options: { runbooks?: string; json?: boolean }) => run(async (io) => (await import('./commands/list.js')).listCommand(options, io)));

  return program;
}

interface RunFlags {
  yes?: boolean;
  from?: string;
  only?: string;
  stepTimeout?: string;
  journalDir?: string;
  stateDir?: string;
  forceUnlock?: boolean;
}

interface PlanFlags {
  runbooks?: string;
  path?: string;
  set?: string[];
  prometheusUrl?: string;
  cwd?: string;
  json?: boolean;
}

function planOptionsFrom(reference: string, options: PlanFlags) {
  return {
    reference,
    runbooks: options.runbooks,
    path: options.path,
    set: options.set ?? [],
    prometheusUrl: options.prometheusUrl,
    cwd: options.cwd,
    json: options.json,
  };
}

/** Runs the CLI; resolves to the exit code. `io` defaults to the real process. */
export async function main(argv: string[] = process.argv, ioOverride?: Io): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let io: Io | undefined = ioOverride;
  const stderr = () => io?.stderr ?? process.stderr;
  const program = buildProgram(
    async (action) => {
      io ??= await (await import('./io.js')).createNodeIo();
      exitCode = await action(io);
    },
    {
      writeOut: (text) => (io?.stdout ?? process.stdout).write(text),
      writeErr: (text) => stderr().write(text),
      outputError: (text) => stderr().write(`runbook: ${text.replace(/^error: /, '').trim()} (see runbook --help)\n`),
    },
  );
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error, stderr(), io?.env ?? process.env);
  }
}

function reportError(error: unknown, stderr: { write(text: string): unknown }, env: Record<string, string | undefined>): number {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof RunbookError) {
    for (const line of error.lines()) stderr.write(`runbook: ${line}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`runbook: internal error: ${message}\n`);
  if (env.RUNBOOK_DEBUG) stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  else stderr.write('runbook: this is a bug in runbook; run again with RUNBOOK_DEBUG=1 to see where it happened\n');
  return ExitCode.internal;
}
