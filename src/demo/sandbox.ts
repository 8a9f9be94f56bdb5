/**
 * The local staging sandbox: a temp folder with a HOME holding `work/infra/.env.infra`
 * (the flag still on, as after a bad deployment), the sandbox's make/poetry/curl, a butler
 * service and a real Prometheus scraping it, all on free loopback ports.
 */

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startBackground, type BackgroundProcess } from '../execute/background-process.js';
import { BUTLER_FLAG } from './butler-service.js';
import { curlScript, makeScript, poetryScript, prometheusConfig, type SandboxLayout } from './sandbox-scripts.js';

export interface Sandbox extends SandboxLayout {
  prometheusUrl: string;
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
  const layout: SandboxLayout = {
    root,
    home,
    bin,
    envFile: join(home, 'work/infra/.env.infra'),
    butlerPort: await freePort(),
    prometheusPort: await freePort(),
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
  const stop = async ({ keep = false } = {}) => {
    await stopButler(root);
    await prometheus?.stop();
    if (!keep) rmSync(root, { recursive: true, force: true });
  };
  try {
    // The butler starts the way the note restarts it: through the sandbox's make.
    execFileSync(join(bin, 'make'), ['day-12-restart-butler'], { stdio: 'ignore', env: { ...process.env, HOME: home } });
    prometheus = startBackground(
      options.prometheus,
      [
        `--config.file=${join(root, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(root, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${layout.prometheusPort}`,
        '--log.level=warn',
      ],
      { logFile: join(root, 'prometheus.log'), cwd: root },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const prometheusUrl = `http://127.0.0.1:${layout.prometheusPort}`;
  return {
    ...layout,
    prometheusUrl,
    environment: { RUNBOOK_SANDBOX_HOME: home, RUNBOOK_SANDBOX_BIN: bin, RUNBOOK_SANDBOX_PROMETHEUS_URL: prometheusUrl },
    stop,
  };
}

async function stopButler(root: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(root, 'butler.pid'), 'utf8').trim());
  } catch {
    return;
  }
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

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
