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
    .action((stage: string, options: PlanFlags & { dryRun?: boolean }) =>
      run(async (io) => {
        const planOptionsValue = planOptionsFrom(stage, options);
        if (options.dryRun) return (await import('./commands/show.js')).showCommand({ ...planOptionsValue, dryRun: true }, io);
        throw new RunbookError('running steps is not available yet: use --dry-run', ExitCode.usage);
      }),
    );

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
      outputError: (text) => stderr().write(`runbook: ${text.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (see runbook --help)\n`),
    },
  );
  // `runbook show x | head` closes stdout early: stop quietly, as other CLIs do, not with a stack trace.
  if (!ioOverride) process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? exitCode : reportError(error, stderr(), process.env)));
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
