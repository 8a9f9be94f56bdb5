/**
 * The command table. Each action normalises its options and lazily imports its command,
 * so `runbook --help` loads commander and nothing else. Errors become exit codes here, and
 * only here.
 */

import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { createRequire } from 'node:module';
import { ExitCode, RunbookError } from './errors.js';
import type { VerifyFlags } from './commands/verify-flags.js';
import type { RunOptions } from './run/options.js';
import type { Io } from './io.js';
import { escapeText } from './view/escape-text.js';

type Action = (io: Io) => Promise<number>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function buildProgram(run: (action: Action, options?: { checksPlans?: boolean }) => Promise<void>, output: OutputConfiguration): Command {
  const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  const program = new Command('runbook')
    .description("Turn a migration note's Rollback Procedure into a safe, rehearsable, verifiable rollback.")
    .version(version, '-v, --version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', '\nExit codes: 0 ok, 1 a step failed, the run was aborted or is incomplete, 2 bad usage or bad note, 3 recovery not verified, 70 a bug in runbook, 74 cannot write state, 130 interrupted.')
    // Set before the subcommands are added, so they inherit both.
    .exitOverride()
    .configureOutput(output);

  const runbooksOption = () => new Option('--runbooks <dir>', 'folder of migration notes (default: $RUNBOOK_DIR or ./runbooks)');
  const planOptions = (command: Command) =>
    command
      .addOption(runbooksOption())
      .option('--path <n|title>', 'which rollback path to take: its number or part of its title')
      .option('--set <name=value>', 'value of a <parameter> in the steps (repeatable)', collect)
      .option('--choose <step=option>', 'option a choice step takes: its letter, number or part of its title (repeatable)', collect)
      .option('--with-data-rollback', 'also run the optional "Rollback Data Migration" step when unattended')
      .option('--prometheus-url <url>', 'Prometheus to verify against (default: $PROMETHEUS_URL, then the note)')
      .option('--cwd <dir>', 'working directory of the steps (default: the current directory)')
      .option('--env <name>', 'an environment from <runbooks>/environments.json (Prometheus, HOME, variables, parameters)')
      .option('--json', 'print the plan as JSON (schema in the README)');

  planOptions(program.command('show').argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note').description('print the rollback plan of a note')).action((stage: string, options: PlanFlags) =>
    run(async (io) => (await import('./commands/show.js')).showCommand({ ...planOptionsFrom(stage, options), json: options.json }, io)),
  );

  // What an unattended run cannot ask, answered up front (run/options.ts `stepAnswers`); rollback, rehearse and resume alike.
  const answerOptions = (command: Command) =>
    command
      .option('--done <n>', 'step N was done by hand (a manual step, or one meant for another machine): not asked, and an unattended run goes past it (repeatable)', collect)
      .option('--confirm <n>', 'run step N unattended: its condition holds, or this machine is one it is meant for (repeatable)', collect)
      .option('--decline <n>', "step N's condition does not hold: leave it out, the run can still succeed (repeatable)", collect);

  const runOptions = (command: Command) =>
    alertingOptions(
      verifyOptions(
        answerOptions(command)
          .option('--from <n>', 'start at step N (the steps before it are not run)')
          .option('--only <n>', 'run step N only')
          .option('--step-timeout <duration>', 'stop a step (and everything it started) after this long, e.g. 90s (default: 10m)')
          .option('--journal-dir <dir>', 'where run journals go (default: <state dir>/runs)')
          .option('--state-dir <dir>', 'folder for runs/, locks/ and reports/ (default: $RUNBOOK_STATE_DIR, else .runbook next to the runbooks folder)')
          .option('--force-unlock', 'take over the stage lock of a run that is gone (its process ended, or its host is down)')
          .option('--i-know-this-is-production', 'let an unattended run go ahead against a production environment')
          .option('--no-verify', 'skip the recovery check after the last step (the run is reported "not verified")'),
      ),
    );

  runOptions(
    planOptions(program.command('rollback').argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note').description('roll a stage back, step by step, then verify recovery'))
      .option('--dry-run', 'print what would run and run nothing')
      .option('-y, --yes', 'run every step without asking (rehearsals, CI); stops at a manual step that shell steps follow (see --done)'),
  ).action((stage: string, options: PlanFlags & RunFlags & { dryRun?: boolean }) => run(async (io) => (await import('./commands/rollback.js')).rollbackCommand({ ...options, ...planOptionsFrom(stage, options) }, io)));

  runOptions(
    planOptions(program.command('rehearse').argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note').description('rehearse a rollback unattended, verify recovery, write a report'))
      .option('--interactive', 'confirm each step instead of running unattended')
      .option('--report <path>', 'markdown report path; the JSON goes next to it (default: .runbook/reports/<run-id>.md)'),
  ).action((stage: string, options: PlanFlags & RunFlags & { interactive?: boolean; report?: string }) =>
    run(async (io) => (await import('./commands/rehearse.js')).rehearseCommand({ ...options, ...planOptionsFrom(stage, options) }, io)),
  );

  program
    .command('demo')
    .description('start a local staging sandbox (real Prometheus, a butler service) and rehearse 21_01a in it')
    .option('--keep', 'leave the sandbox folder in place for a look afterwards')
    .option('--recovery-timeout <duration>', 'how long the recovery check may take (its checks are measured since the rollback) (default: 90s)')
    .action((options: { keep?: boolean; recoveryTimeout?: string }) => run(async (io) => (await import('./commands/demo.js')).demoCommand({ ...options, recoveryTimeout: options.recoveryTimeout ?? '90s' }, io)));

  planOptions(program.command('export').argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note').description('print the plan for another engine: an Ansible playbook'))
    .option('--format <format>', 'output format: ansible (default: ansible)')
    .action((stage: string, options: PlanFlags & { format?: string }) =>
      run(async (io) => (await import('./commands/export.js')).exportCommand({ ...planOptionsFrom(stage, options), format: options.format ?? 'ansible' }, io)),
    );

  const resumeCommand = program
    .command('resume')
    .argument('<run>', 'run id (see runbook runs) or stage id: its latest run')
    .description('continue an interrupted or aborted run after its last finished step')
    .option('-y, --yes', 'run the remaining steps without asking')
    .option('--step-timeout <duration>', 'stop a step (and everything it started) after this long (default: as the run had it)')
    .option('--cwd <dir>', 'working directory of the steps (default: the one the run used)')
    .option('--set <name=value>', 'value of a secret <parameter> (the journal masks them)', collect)
    .option('--journal-dir <dir>', 'where run journals are (default: <state dir>/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR, else .runbook next to the runbooks folder)')
    .option('--runbooks <dir>', 'folder of notes: where the state dir is, and environments.json (default: as the run had it)')
    .option('--prometheus-url <url>', 'Prometheus for the recovery check (default: as the run had it)')
    .option('--i-know-this-is-production', 'let an unattended resume go ahead in a production environment')
    .option('--no-verify', 'skip the recovery check after the last step');
  alertingOptions(verifyOptions(answerOptions(resumeCommand))).action((runReference: string, options: RunFlags & { cwd?: string; set?: string[]; runbooks?: string; prometheusUrl?: string }) =>
    run(async (io) => (await import('./commands/resume.js')).resumeCommand({ ...options, run: runReference }, io)),
  );

  program
    .command('log')
    .argument('[run]', 'run id (default: the latest run)')
    .description("print a run's transcript as markdown, for the note's Communication Log or an incident")
    .addOption(runbooksOption())
    .option('--journal-dir <dir>', 'where run journals are (default: <state dir>/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR, else .runbook next to the runbooks folder)')
    .action((runReference: string | undefined, options: RunFlags) => run(async (io) => (await import('./commands/log.js')).logCommand({ ...options, run: runReference }, io), { checksPlans: false }));

  program
    .command('report')
    .argument('[run]', 'run id or stage id (its latest run); default: the latest run')
    .description("write a run's report from its journal: markdown, JSON, or a self-contained HTML page")
    .option('--format <format>', 'md, json or html (default: from --out, else md)')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--journal-dir <dir>', 'where run journals are (default: .runbook/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR or ./.runbook)')
    .action((runReference: string | undefined, options: { format?: string; out?: string; journalDir?: string; stateDir?: string }) =>
      run(async (io) => (await import('./commands/report.js')).reportCommand({ ...options, run: runReference }, io)),
    );

  program
    .command('runs')
    .description('list past runs: id, stage, start, operator, status, steps done')
    .option('--stage <stage>', 'only runs of this stage')
    .option('--json', 'print the list as JSON')
    .addOption(runbooksOption())
    .option('--journal-dir <dir>', 'where run journals are (default: <state dir>/runs)')
    .option('--state-dir <dir>', 'folder for runs/ and locks/ (default: $RUNBOOK_STATE_DIR, else .runbook next to the runbooks folder)')
    .action((options: RunFlags & { stage?: string; json?: boolean }) => run(async (io) => (await import('./commands/log.js')).runsCommand(options, io), { checksPlans: false }));
  const verifyCommand = program
    .command('verify')
    .argument('<stage>', 'stage id (e.g. 21_01a) or path to a .md note')
    .description("check in Prometheus that the stage's targets are up and its metrics under their thresholds")
    .addOption(runbooksOption())
    .option('--prometheus-url <url>', 'Prometheus to ask (default: $PROMETHEUS_URL, then the note, then http://127.0.0.1:9090)')
    .option('--since <time>', "ISO time the rollback ended, or now: scrapes before it do not count, and the checks' ranges are measured since then (default: now, with the note's ranges)")
    .option('--env <name>', 'an environment from <runbooks>/environments.json (Prometheus URL, targets)')
    .option('--json', 'print the verification report as JSON (schema in the README)');
  verifyOptions(verifyCommand).action((stage: string, options: VerifyCommandFlags) =>
    run(async (io) =>
      (await import('./commands/verify.js')).verifyCommand({ reference: stage, runbooks: options.runbooks, prometheusUrl: options.prometheusUrl, json: options.json, environment: options.env, flags: options }, io),
    ),
  );

  program
    .command('lint')
    .argument('[paths...]', 'note files or folders (default: the runbooks folder)')
    .description('report every problem in every note, as file:line: message')
    .addOption(runbooksOption())
    .option('--json', 'print the problems as JSON')
    .action((paths: string[], options: { runbooks?: string; json?: boolean }) => run(async (io) => (await import('./commands/lint.js')).lintCommand({ paths, runbooks: options.runbooks, json: options.json }, io)));

  program
    .command('list')
    .description('list the notes: stage, component, status, flags, file')
    .addOption(runbooksOption())
    .option('--json', 'print the list as JSON')
    .action((options: { runbooks?: string; json?: boolean }) => run(async (io) => (await import('./commands/list.js')).listCommand(options, io), { checksPlans: false }));

  // The sandbox's butler service (see `runbook demo`); started by the sandbox's make.
  program
    .command('__butler', { hidden: true })
    .requiredOption('--port <port>')
    .requiredOption('--env-file <file>')
    .option('--pid-file <file>')
    .option('--startup-delay <ms>', '', '1500')
    .option('--ops <perSecond>', '', '20')
    .action((options: { port: string; envFile: string; pidFile?: string; startupDelay: string; ops: string }) =>
      run(async () => {
        const { runButlerService } = await import('./demo/butler-service.js');
        await runButlerService({ port: Number(options.port), envFile: options.envFile, pidFile: options.pidFile, startupDelayMs: Number(options.startupDelay), operationsPerSecond: Number(options.ops) });
        await new Promise(() => {}); // serves until stopped
        return 0;
      }),
    );

  return program;
}

/** What commander hands a run's action: the rollback options that are not the plan's. */
type RunFlags = RunOptions & { runbooks?: string };

/**
 * The recovery-check options, shared by `verify` and (after its last step) `rollback`.
 * Values are checked by `parseVerifyFlags` in `commands/verify-flags.ts`.
 */
export function verifyOptions(command: Command): Command {
  return command
    .option('--job <name>', 'only targets of this scrape job (repeatable)', collect)
    .option('--target-label <key=value>', 'only targets with this label (repeatable; a repeated key matches any of its values)', collect)
    .option('--no-targets', 'no target check, metric checks only (for Thanos Query or Mimir, which do not scrape)')
    .option('--stable <n>', 'consecutive good scrapes each target needs, and passing evaluations each check needs (default: 2)')
    .option('--window <ranges>', 'ranges in the checks: since-rollback (measured since the last step) or note (as written) (default: since-rollback after a rollback, note for verify without --since)')
    .option('--recovery-timeout <duration>', 'how long to wait for recovery, e.g. 90s, 5m, or seconds (default: 5m)')
    .option('--no-data <policy>', 'what an empty result, NaN or ±Inf counts as: fail, inconclusive or pass (default: inconclusive)')
    .option('--pushgateway <url>', "push the run's metrics to this Pushgateway (job runbook, grouped by stage)")
    .option('--metrics-file <path>', "write the run's metrics in text format, for node_exporter's textfile collector");
}

/** Chat notifications and the Alertmanager silence of a run (see run/alerting.ts). */
export function alertingOptions(command: Command): Command {
  return command
    .option('--notify <url>', 'post to this chat webhook (Slack-compatible) when the run starts, a step fails, recovery is checked, the run ends (repeatable; also $RUNBOOK_NOTIFY_URL)', collect)
    .option('--notify-format <format>', 'webhook body: slack (text and blocks) or json (the run event)')
    .option('--silence <matcher>', 'silence alerts matching this in Alertmanager while the run goes on, e.g. job=butler or alertname=~"Butler.*" (repeatable)', collect)
    .option('--alertmanager-url <url>', 'Alertmanager for the silence (default: $ALERTMANAGER_URL, then the environment)')
    .option('--silence-grace <duration>', 'keep the silence this long after recovery is verified (default: expire it at once)')
    .option('--require-silence', 'run nothing when the silence cannot be created');
}

interface VerifyCommandFlags extends VerifyFlags {
  runbooks?: string;
  env?: string;
  prometheusUrl?: string;
  json?: boolean;
}

interface PlanFlags {
  runbooks?: string;
  path?: string;
  set?: string[];
  choose?: string[];
  withDataRollback?: boolean;
  prometheusUrl?: string;
  cwd?: string;
  env?: string;
  json?: boolean;
}

function planOptionsFrom(reference: string, options: PlanFlags) {
  return {
    reference,
    runbooks: options.runbooks,
    path: options.path,
    set: options.set ?? [],
    choose: options.choose ?? [],
    withDataRollback: options.withDataRollback === true,
    prometheusUrl: options.prometheusUrl,
    cwd: options.cwd,
    environment: options.env,
    json: options.json,
  };
}

/** Runs the CLI; resolves to the exit code. `io` defaults to the real process. */
export async function main(argv: string[] = process.argv, ioOverride?: Io): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let io: Io | undefined = ioOverride;
  const stderr = () => io?.stderr ?? process.stderr;
  const program = buildProgram(
    async (action, options = {}) => {
      io ??= await (await import('./io.js')).createNodeIo({ checksPlans: options.checksPlans ?? true });
      exitCode = await action(io);
    },
    {
      writeOut: (text) => (io?.stdout ?? process.stdout).write(text),
      writeErr: (text) => stderr().write(text),
      outputError: (text) =>
        stderr().write(
          `runbook: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see runbook --help)\n`,
        ),
    },
  );
  // `runbook show x | head` closes stdout early: stop quietly, as other CLIs do, not with a stack trace.
  if (!ioOverride) process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? exitCode : reportError(error, stderr(), process.env)));
  try {
    // Bare `runbook`: the help, on stdout, exit 0 (exit 1 means a step failed). `-V` as `-v`.
    if (argv.length <= 2) {
      program.outputHelp();
      return ExitCode.ok;
    }
    await program.parseAsync(argv.map((arg, index) => (index === 2 && arg === '-V' ? '-v' : arg)));
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
    // Messages quote notes, paths and servers: shown, never sent to the terminal.
    for (const line of error.lines()) stderr.write(`runbook: ${escapeText(line)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`runbook: internal error: ${escapeText(message)}\n`);
  if (env.RUNBOOK_DEBUG) stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  else stderr.write('runbook: this is a bug in runbook; run again with RUNBOOK_DEBUG=1 to see where it happened\n');
  return ExitCode.internal;
}
