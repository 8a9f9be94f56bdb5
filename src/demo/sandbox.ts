/**
 * The local staging sandbox: a temp folder with a HOME holding `work/infra/.env.infra`
 * (the flag still on, as after a bad deployment), the sandbox's make/poetry/curl, a butler
 * service and a real Prometheus scraping it, all on free loopback ports.
 */

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startBackground, type BackgroundProcess } from '../execute/background-process.js';
import { BUTLER_FLAG } from './butler-service.js';
import { curlScript, makeScript, poetryScript, prometheusConfig, type SandboxLayout } from './sandbox-scripts.js';

export interface Sandbox extends SandboxLayout {
  prometheusUrl: string;
  /** Why Prometheus is no longer running (with the end of its log), once it has exited. */
  prometheusExit(): string | undefined;
  /** Variables the `sandbox` environment profile reads. */
  environment: Record<string, string>;
  /** Stops everything the sandbox started and removes its folder (keeps it with `keep`). */
  stop(options?: { keep?: boolean }): Promise<void>;
}

export async function createSandbox(options: { runbookBin: string; prometheus: string; curl: string }): Promise<Sandbox> {
  const root = mkdtempSync(join(tmpdir(), 'runbook-demo-'));
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  mkdirSync(join(home, 'work/infra'), { recursive: true });
  mkdirSync(bin);
  const butlerPort = await freePort();
  const prometheusPort = await freePort([butlerPort]);
  const layout: SandboxLayout = {
    root,
    home,
    bin,
    envFile: join(home, 'work/infra/.env.infra'),
    butlerPort,
    prometheusPort,
    node: process.execPath,
    runbookBin: options.runbookBin,
  };
  writeFileSync(layout.envFile, `# sandbox infra settings\n${BUTLER_FLAG}=true\n`);
  const scripts = { make: makeScript(layout), poetry: poetryScript(layout), curl: curlScript(layout, options.curl) };
  for (const [name, text] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(root, 'prometheus.yml'), prometheusConfig(layout));

  let prometheus: BackgroundProcess | undefined;
  // If runbook exits without stopping the sandbox (process.exit, an uncaught error), kill what it started.
  const killOnExit = () => {
    for (const pid of [readPid(root), prometheus && -prometheus.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const stop = async ({ keep = false } = {}) => {
    process.off('exit', killOnExit);
    await stopButler(root);
    await prometheus?.stop();
    if (!keep) rmSync(root, { recursive: true, force: true });
  };
  try {
    // The butler starts the way the note restarts it: through the sandbox's make.
    // Not execFileSync: a Ctrl-C meanwhile must reach the demo's handler, not wait for make.
    await promisify(execFile)(join(bin, 'make'), ['day-12-restart-butler'], { env: { ...process.env, HOME: home } });
    prometheus = startBackground(
      options.prometheus,
      [`--config.file=${join(root, 'prometheus.yml')}`, `--storage.tsdb.path=${join(root, 'tsdb')}`, `--web.listen-address=127.0.0.1:${layout.prometheusPort}`, '--log.level=warn'],
      { logFile: join(root, 'prometheus.log'), cwd: root },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const prometheusUrl = `http://127.0.0.1:${layout.prometheusPort}`;
  let exit: string | undefined;
  void prometheus.exited.then((code) => {
    const log = (() => {
      try {
        return readFileSync(join(root, 'prometheus.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
      } catch {
        return '';
      }
    })();
    exit = `exited with code ${code}${log ? `: ${log}` : ''}`;
  });
  return {
    ...layout,
    prometheusUrl,
    prometheusExit: () => exit,
    environment: { RUNBOOK_SANDBOX_HOME: home, RUNBOOK_SANDBOX_BIN: bin, RUNBOOK_SANDBOX_PROMETHEUS_URL: prometheusUrl },
    stop,
  };
}

/** The butler's pid, from the file it writes when it starts. */
function readPid(root: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(root, 'butler.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function stopButler(root: string): Promise<void> {
  const pid = readPid(root);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 60; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/**
 * A loopback port nobody listens on right now, picked at random below the kernel's ephemeral
 * range: ports the kernel hands out for "any port" are soon handed out again (to another
 * program asking at the same moment, or to an outgoing connection).
 */
export async function freePort(taken: number[] = []): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.includes(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
