/**
 * Real Prometheus (and Pushgateway) for tests, on free loopback ports with temp configs and
 * temp storage, scraping small target processes the test starts (`test/fixtures/bin/
 * metrics-target.js`, whose gauges the test sets over HTTP). Everything started here is
 * stopped by `stopAll()` (call it in `afterAll`), and killed when the test process exits.
 *
 * Prometheus publishes its first targets about 5 s after it starts (the scrape manager
 * reloads on a 5 s tick), so `startPrometheus` waits for every configured target to have
 * been scraped once, not for `/-/ready`. Share one Prometheus per test file.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from './run-cli.js';

export const metricsTargetScript = join(projectRoot, 'test/fixtures/bin/metrics-target.js');

const started = new Set<ChildProcess>();
const tempDirs = new Set<string>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Stops every process the helpers started and removes their temp directories. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((child) => stopProcess(child)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/**
 * A free TCP port on 127.0.0.1, picked at random below the kernel's ephemeral range: test
 * files run in parallel, and two of them asking the kernel for "any port" at the same moment
 * can be handed the same one. Servers started here also confirm they got it (see `launch`).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/**
 * Starts a server process on a free port and waits until it answers as itself (`isOurs`
 * sees our unique temp path in its flags: a server another test started on the same port
 * does not count). Tries another port when the process exits early (port taken).
 */
async function launch(
  what: string,
  binary: string,
  packageName: string,
  args: (port: number) => string[],
  isOurs: (url: string) => Promise<boolean>,
  timeoutMs: number,
): Promise<{ child: ChildProcess; port: number; url: string; log: () => string }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = '';
    const child = track(spawn(binary, args(port), { stdio: ['ignore', 'ignore', 'pipe'] }));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`cannot start ${binary}: ${error.message} (install the Debian package "${packageName}")`)));
      child.once('exit', (code) => reject(new Error(`${binary} exited with ${code} during start-up:\n${log.trim()}`)));
    });
    exited.catch(() => {});
    try {
      await Promise.race([exited, waitFor(`${what} on port ${port}`, async () => ((await isOurs(url)) ? true : undefined), timeoutMs)]);
      return { child, port, url, log: () => log };
    } catch (error) {
      await stopProcess(child);
      if (attempt >= 3 || /cannot start/.test(String(error))) throw error;
    }
  }
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    started.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
  started.delete(child);
}

function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Scrape targets

export interface MetricsTarget {
  port: number;
  /** `127.0.0.1:PORT`, as Prometheus' `instance` label shows it. */
  address: string;
  readonly running: boolean;
  /** Sets gauges (created on first use); values may be `NaN` or `+Inf`. */
  set(values: Record<string, number | string>): Promise<void>;
  /** Removes a gauge: its query then has no data. */
  unset(name: string): Promise<void>;
  /** Makes /metrics answer with this HTTP status (0: stop failing). */
  fail(status: number): Promise<void>;
  /** Stops the process (SIGKILL with `{ kill: true }`): its target goes down. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port, with the gauges it had. */
  restart(): Promise<void>;
}

/** Starts `test/fixtures/bin/metrics-target.js` on loopback (a free port unless given). */
export async function startMetricsTarget(options: { port?: number; values?: Record<string, number | string> } = {}): Promise<MetricsTarget> {
  const values = new Map<string, string>(Object.entries(options.values ?? {}).map(([name, value]) => [name, String(value)]));
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;

  const launch = async () => {
    const args = [metricsTargetScript, '--port', String(port), ...[...values].flatMap(([name, value]) => ['--set', `${name}=${value}`])];
    const process_ = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: projectRoot }));
    child = process_;
    let stderr = '';
    process_.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      process_.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (\d+)/.exec(stdout);
        if (match) resolve(Number(match[1]));
      });
      process_.once('exit', (code) => reject(new Error(`metrics-target exited with ${code} before listening: ${stderr.trim()}`)));
    });
  };

  const call = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    if (!response.ok) throw new Error(`metrics-target ${path}: HTTP ${response.status} ${await response.text()}`);
  };

  await launch();
  return {
    get port() {
      return port;
    },
    get address() {
      return `127.0.0.1:${port}`;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async set(newValues) {
      for (const [name, value] of Object.entries(newValues)) values.set(name, String(value));
      await call(`/set?${new URLSearchParams(Object.entries(newValues).map(([name, value]): [string, string] => [name, String(value)]))}`);
    },
    async unset(name) {
      values.delete(name);
      await call(`/unset?name=${encodeURIComponent(name)}`);
    },
    async fail(status) {
      await call(`/fail?status=${status}`);
    },
    async stop(stopOptions = {}) {
      if (child) await stopProcess(child, stopOptions.kill ? 'SIGKILL' : 'SIGTERM');
    },
    async restart() {
      if (child) await stopProcess(child);
      await launch();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Prometheus

export interface ScrapeJob {
  job: string;
  /** `host:port` of each target. */
  targets: string[];
  /** Keep the labels of pushed metrics (for a Pushgateway). */
  honorLabels?: boolean;
  scrapeInterval?: string;
}

export interface PrometheusServer {
  url: string;
  port: number;
  /** Temp dir holding the config, the TSDB and the log. */
  dir: string;
  /** `data.activeTargets` right now. */
  targets(): Promise<ApiTarget[]>;
  /** The target of `job` at `address`. */
  target(job: string, address: string): Promise<ApiTarget | undefined>;
  /** `data` of an instant query. */
  query(promql: string): Promise<{ resultType: string; result: unknown }>;
  /** Waits until the target of `job` at `address` satisfies `predicate`. */
  waitForTarget(job: string, address: string, predicate: (target: ApiTarget) => boolean, timeoutMs?: number): Promise<ApiTarget>;
  stop(): Promise<void>;
  log(): string;
}

export interface ApiTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: string;
  scrapeInterval?: string;
}

/** The Debian binary unless `PROMETHEUS_BIN` names another. */
export const prometheusBinary = process.env.PROMETHEUS_BIN ?? 'prometheus';

/**
 * Starts a real Prometheus on a free loopback port (scrape interval 1 s) scraping `jobs`, and
 * waits until every target has been scraped once.
 */
export async function startPrometheus(options: ScrapingServerOptions): Promise<PrometheusServer> {
  return startScrapingServer(
    {
      name: 'Prometheus',
      binary: prometheusBinary,
      packageName: 'prometheus',
      args: ({ port, config, storage }) => [`--config.file=${config}`, `--storage.tsdb.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      isOurs: async (url, storage) => {
        const response = await fetch(`${url}/api/v1/status/flags`);
        return response.ok && ((await response.json()) as { data: Record<string, string> }).data['storage.tsdb.path'] === storage;
      },
    },
    options,
  );
}

export interface ScrapingServerOptions {
  jobs: ScrapeJob[];
  scrapeInterval?: string;
  waitForTargets?: boolean;
}

/** How to start one engine that scrapes a Prometheus config and serves the Prometheus query API. */
export interface ScrapingEngine {
  name: string;
  binary: string;
  /** The Debian package that installs `binary`. */
  packageName: string;
  args(paths: { port: number; config: string; storage: string }): string[];
  /** Does the server at `url` use our temp `storage` (and so is ours, not another test's)? */
  isOurs(url: string, storage: string): Promise<boolean>;
}

/**
 * Starts an engine on a free loopback port with a temp config (`scrapeInterval` 1 s unless
 * given) and temp storage, and waits until every target has been scraped once.
 */
export async function startScrapingServer(engine: ScrapingEngine, options: ScrapingServerOptions): Promise<PrometheusServer> {
  const dir = tempDir(`runbook-${engine.binary.split('/').pop()}-`);
  const interval = options.scrapeInterval ?? '1s';
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    ...options.jobs.flatMap((job) => [
      `  - job_name: ${JSON.stringify(job.job)}`,
      ...(job.honorLabels ? ['    honor_labels: true'] : []),
      ...(job.scrapeInterval ? [`    scrape_interval: ${job.scrapeInterval}`, `    scrape_timeout: ${job.scrapeInterval}`] : []),
      '    static_configs:',
      `      - targets: [${job.targets.map((target) => JSON.stringify(target)).join(', ')}]`,
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const storage = join(dir, 'data');
  const { child, port, url, log } = await launch(
    engine.name,
    engine.binary,
    engine.packageName,
    (port) => engine.args({ port, config: join(dir, 'prometheus.yml'), storage }),
    (url) => engine.isOurs(url, storage),
    30_000,
  );
  const spawnError = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${engine.binary} exited with ${code}:\n${log().trim()}`))));
  spawnError.catch(() => {});

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
    return body.data;
  };
  const targets = async () => (await api<{ activeTargets: ApiTarget[] }>('/api/v1/targets?state=active')).activeTargets;
  const target = async (job: string, address: string) => (await targets()).find((entry) => entry.labels.job === job && entry.labels.instance === address);

  const server: PrometheusServer = {
    url,
    port,
    dir,
    targets,
    target,
    query: (promql) => api(`/api/v1/query?${new URLSearchParams({ query: promql })}`),
    waitForTarget: (job, address, predicate, timeoutMs = 30_000) =>
      Promise.race([
        spawnError,
        waitFor(
          `target ${job} ${address}`,
          async () => {
            const found = await target(job, address);
            return found && predicate(found) ? found : undefined;
          },
          timeoutMs,
        ),
      ]),
    stop: () => stopProcess(child),
    log,
  };

  const expected = options.jobs.reduce((count, job) => count + job.targets.length, 0);
  if (options.waitForTargets !== false && expected > 0) {
    await Promise.race([
      spawnError,
      waitFor(
        `${engine.name} to scrape its ${expected} target(s) once`,
        async () => {
          const active = await targets();
          return active.length >= expected && active.every((entry) => entry.health !== 'unknown') ? active : undefined;
        },
        30_000,
        200,
      ),
    ]);
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Pushgateway

export const pushgatewayBinary = process.env.PUSHGATEWAY_BIN ?? 'prometheus-pushgateway';

export interface PushgatewayServer {
  url: string;
  address: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPushgateway(): Promise<PushgatewayServer> {
  const dir = tempDir('runbook-pushgateway-');
  const store = join(dir, 'metrics.store');
  const { child, port, url } = await launch(
    'the Pushgateway',
    pushgatewayBinary,
    'prometheus-pushgateway',
    (port) => [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${store}`, '--log.level=warn'],
    async (url) => {
      const response = await fetch(`${url}/api/v1/status`);
      return response.ok && ((await response.json()) as { data: { flags: Record<string, string> } }).data.flags['persistence.file'] === store;
    },
    15_000,
  );
  return { url, address: `127.0.0.1:${port}`, port, stop: () => stopProcess(child) };
}

// ---------------------------------------------------------------------------------------------
// Alertmanager

export const alertmanagerBinary = process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager';

export interface AlertmanagerSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface AlertmanagerServer {
  url: string;
  port: number;
  /** Every silence Alertmanager holds (active, pending and expired). */
  silences(): Promise<AlertmanagerSilence[]>;
  silence(id: string): Promise<AlertmanagerSilence>;
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager on a free loopback port: a temp config (one route to one
 * receiver, named uniquely so the helper knows its own server), temp storage, clustering off.
 */
export async function startAlertmanager(): Promise<AlertmanagerServer> {
  const dir = tempDir('runbook-alertmanager-');
  const receiver = `runbook-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  writeFileSync(join(dir, 'alertmanager.yml'), `route:\n  receiver: ${receiver}\nreceivers:\n  - name: ${receiver}\n`);
  const { child, port, url } = await launch(
    'Alertmanager',
    alertmanagerBinary,
    'prometheus-alertmanager',
    (port) => [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    async (url) => {
      const response = await fetch(`${url}/api/v2/status`);
      return response.ok && ((await response.json()) as { config: { original: string } }).config.original.includes(receiver);
    },
    15_000,
  );
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    if (!response.ok) throw new Error(`Alertmanager ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url,
    port,
    silences: () => get('/api/v2/silences'),
    silence: (id) => get(`/api/v2/silence/${id}`),
    stop: () => stopProcess(child),
  };
}
