/**
 * `runbook demo`: the whole product on one machine, with real parts. Starts the staging
 * sandbox (a real Prometheus, the butler service with the bad flag still on), shows the
 * note's checks failing, rehearses the 21_01a rollback in the `sandbox` environment, prints
 * the report, and stops everything it started — also on Ctrl-C.
 */

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { createSandbox, type Sandbox } from '../demo/sandbox.js';
import { InterruptedError, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { createPrometheusClient, type PrometheusApi } from '../prometheus/client.js';
import { evaluateCheck } from '../prometheus/evaluate-check.js';
import { styleFor } from '../view/style.js';
import { loadPlan } from '../run/load-plan.js';
import { rehearseCommand } from './rehearse.js';
import { stateDirs } from '../run/state-dirs.js';

export const DEMO_STAGE = '21_01a';

export interface DemoOptions {
  keep?: boolean;
  recoveryTimeout: string;
  /** Folder of notes (default: the runbooks/ shipped with runbook). */
  runbooks?: string;
}

export async function demoCommand(options: DemoOptions, io: Io): Promise<number> {
  const style = styleFor(io.stdout, io.env);
  const prometheus = findOnPath('prometheus', io.env.PATH);
  if (!prometheus) throw new UsageError('the demo needs Prometheus: install the Debian package prometheus (sudo apt-get install prometheus), or put prometheus on PATH');
  const curl = findOnPath('curl', io.env.PATH);
  if (!curl) throw new UsageError('the demo needs curl (the note calls it): install it (sudo apt-get install curl)');
  const runbookBin = realpathSync(process.argv[1] ?? '');
  const runbooks = options.runbooks ?? join(dirname(dirname(runbookBin)), 'runbooks');
  if (!existsSync(join(runbooks, 'environments.json'))) throw new UsageError(`the demo needs ${join(runbooks, 'environments.json')} with a "sandbox" environment: give --runbooks DIR`);

  // Ctrl-C while the sandbox starts stops it; during the rehearsal the run handles it. The
  // demo listens until the end: between the run's own listeners, a signal must not kill
  // runbook by default and leave the sandbox's processes behind.
  let interrupted = false;
  const offSignals = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => io.onSignal(signal, () => (interrupted = true)));
  const checkInterrupt = () => {
    if (interrupted) throw new InterruptedError('demo interrupted while starting the sandbox');
  };

  io.stdout.write(style.bold('Starting the staging sandbox: a real Prometheus and the butler service, flag still on\n'));
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await createSandbox({ runbookBin, prometheus, curl });
    io.stdout.write(`  sandbox     ${sandbox.root}\n  prometheus  ${sandbox.prometheusUrl} (scrapes every second)\n  butler      http://127.0.0.1:${sandbox.butlerPort}/metrics (reads ${sandbox.envFile})\n`);
    const client = createPrometheusClient({ url: sandbox.prometheusUrl });
    await waitForButler(client, sandbox, checkInterrupt);
    io.stdout.write('  butler target is up; letting it serve with the new repository for a while…\n');
    await pause(6_000, checkInterrupt);
    await showChecksBefore(client, options.runbooks ?? runbooks, io);
    checkInterrupt();

    const demoIo: Io = { ...io, env: { ...io.env, ...sandbox.environment } };
    io.stdout.write(`\n${style.bold(`Rehearsing the rollback: runbook rehearse ${DEMO_STAGE} --env sandbox`)}\n`);
    io.stdout.write(style.dim("  (the note's checks are 5-minute rates; after the rollback they are measured over the time since its last step, so the errors from before it do not count)\n\n"));
    // The demo's runs and report go where runbook keeps state for this folder, not next to the notes it ships with.
    const dirs = stateDirs(io, {});
    const reportPath = join(dirs.reportsDir, `demo-${DEMO_STAGE}.md`);
    const rehearsalStarted = Date.now();
    const exitCode = await rehearseCommand({ reference: DEMO_STAGE, runbooks, environment: 'sandbox', recoveryTimeout: options.recoveryTimeout, report: reportPath, stateDir: dirs.root }, demoIo);
    io.stdout.write(await describeRestart(client, rehearsalStarted));
    io.stdout.write(`\n${style.bold('The report')}\n\n${readFileSync(reportPath, 'utf8')}\n`);
    io.stdout.write(`Report: ${relative(io.cwd, reportPath)} (JSON next to it)${options.keep ? `; sandbox kept in ${sandbox.root}` : ''}\n`);
    return exitCode;
  } finally {
    for (const off of offSignals) off();
    if (sandbox) {
      io.stdout.write(style.dim(`Stopping the sandbox (Prometheus, butler)${options.keep ? '' : ' and removing its folder'}…\n`));
      await sandbox.stop({ keep: options.keep });
    }
  }
}

/** Targets appear a few seconds after Prometheus starts: wait for the butler's to be up. */
async function waitForButler(client: PrometheusApi, sandbox: Sandbox, checkInterrupt: () => void): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    checkInterrupt();
    const exit = sandbox.prometheusExit();
    if (exit) throw new UsageError(`the sandbox Prometheus ${exit}`);
    try {
      const targets = await client.targets('active');
      if (targets.activeTargets.some((target) => target.labels.job === 'butler' && target.health === 'up')) return;
    } catch {
      // Prometheus is still starting
    }
    await pause(500, checkInterrupt);
  }
  throw new UsageError('the sandbox Prometheus did not report the butler target up within a minute: see the sandbox logs (--keep)');
}

/**
 * Whether the butler really restarted, as Prometheus saw it: failed scrapes of its target
 * during the rehearsal (it is down for over a second while it starts), and up now.
 */
async function describeRestart(client: PrometheusApi, sinceMs: number): Promise<string> {
  const window = `${Math.ceil((Date.now() - sinceMs) / 1000) + 1}s`;
  const value = async (promql: string) => {
    const data = (await client.query(promql)).data;
    return data.resultType === 'vector' && data.result[0] ? Number(data.result[0].value[1]) : undefined;
  };
  try {
    const failed = await value(`count_over_time(up{job="butler"}[${window}]) - sum_over_time(up{job="butler"}[${window}])`);
    const up = await value('up{job="butler"}');
    if (failed === undefined || up === undefined) return '';
    const state = up === 1 ? 'up again' : 'still DOWN';
    return failed > 0
      ? `Butler restart seen by Prometheus: ${failed} failed scrape${failed === 1 ? '' : 's'} of its target during the rehearsal, ${state} now\n`
      : `Butler restart NOT seen by Prometheus: no failed scrape of its target during the rehearsal; ${state} now\n`;
  } catch {
    return ''; // only a note for the reader: the rehearsal's verdict stands without it
  }
}

/** The note's checks before the rollback: they should fail while the flag is on. */
async function showChecksBefore(client: PrometheusApi, runbooks: string, io: Io): Promise<void> {
  const { plan } = await loadPlan({ reference: DEMO_STAGE, runbooks }, io);
  io.stdout.write("\nBefore the rollback, the note's checks read:\n");
  for (const check of plan.checks) {
    if (!check.query || !check.threshold) continue;
    const evaluation = evaluateCheck((await client.query(check.query)).data, check.threshold, 'inconclusive');
    io.stdout.write(`  ${check.metric}: ${evaluation.result === 'fail' ? 'FAILING' : evaluation.result} — ${evaluation.reason}\n`);
  }
}

function pause(ms: number, checkInterrupt: () => void): Promise<void> {
  return new Promise<void>((resolveWait) => {
    const started = Date.now();
    const timer = setInterval(() => {
      try {
        checkInterrupt();
      } catch {
        clearInterval(timer);
        resolveWait();
        return;
      }
      if (Date.now() - started >= ms) {
        clearInterval(timer);
        resolveWait();
      }
    }, 100);
  }).then(checkInterrupt);
}

/** An executable on PATH, like `command -v`. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = resolve(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
