#!/usr/bin/env node
// Benchmarks of the recovery check (issue 4), against runbook's modules (bundled from src/):
//   1. evaluating a 10,000-target /api/v1/targets answer (target ≤ 150 ms), parse included,
//      and the same through the HTTP client from a local server;
//   2. against a real Prometheus (1 s scrape interval) scraping a target that is killed and
//      restarted: detection latency, from the start of the scrape that shows recovery to
//      runbook reporting it (target ≤ 300 ms), and requests per scrape interval while waiting;
//   3. the demo's world: `runbook demo` end to end — end of the last step to "verified"
//      (target ≤ 60 s) and the demo's whole wall time (target ≤ 120 s).
//
// Run: npm run build && node bench/prometheus.js [--json]
// From bench/run.js: `const { runPrometheusBench } = await import('./prometheus.js');
//   const results = await runPrometheusBench({ log: console.log });` (an array of results).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = fileURLToPath(new URL('..', import.meta.url));
// The CLI is one bundle, so the modules measured here are bundled from src/ for the bench.
const bundles = mkdtempSync(join(tmpdir(), 'runbook-bench-modules-'));
process.on('exit', () => rmSync(bundles, { recursive: true, force: true }));
const dist = async (path) => {
  const { build } = await import('esbuild');
  const outfile = join(bundles, path.replace(/\//g, '-').replace(/\.js$/, '.mjs'));
  await build({
    entryPoints: [join(root, 'src', path.replace(/\.js$/, '.ts'))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
};

const TARGETS = 10_000;
const RECOVERIES = 5;

/** @typedef {{ name: string, value: number, unit: string, target?: string, ok?: boolean, note?: string }} BenchResult */

/** Runs every benchmark; resolves to the results (and logs a line per result). */
export async function runPrometheusBench({ log = console.log } = {}) {
  /** @type {BenchResult[]} */
  const results = [];
  const report = (result) => {
    results.push(result);
    log(formatResult(result));
  };
  await benchEvaluate(report);
  await benchRealPrometheus(report, log);
  await benchDemo(report);
  return results;
}

// ---------------------------------------------------------------------------------------------
// 3. The demo's world (issue 10): `runbook demo` as a user runs it — a real Prometheus, the
//    butler service, a real restart — timed from outside; its rehearsal report says when the
//    last step ended, when the check said "verified", and when the service had recovered.

async function benchDemo(report) {
  const cwd = mkdtempSync(join(tmpdir(), 'runbook-bench-demo-'));
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin/runbook.js'), 'demo'], { cwd, env: { ...process.env, RUNBOOK_STATE_DIR: join(cwd, '.runbook'), NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    const wallMs = performance.now() - started;
    if (code !== 0) {
      report({ name: 'demo: npm run demo (failed)', value: wallMs / 1000, unit: 's', ok: false, note: `exit ${code}: ${stderr.trim().split('\n')[0]}` });
      return;
    }
    const { readFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync(join(cwd, '.runbook/reports/demo-21_01a.json'), 'utf8'));
    const verification = json.verification;
    const verifiedMs = Date.parse(verification.finishedAt) - Date.parse(verification.since);
    report({ name: 'demo: end of the last step → "verified"', value: verifiedMs / 1000, unit: 's', target: '≤ 60 s', ok: verifiedMs <= 60_000 });
    const recovered = verification.targets.map((target) => target.timeToRecoveryMs).filter((ms) => ms !== null);
    if (recovered.length > 0) report({ name: 'demo: end of the last step → butler target up again', value: Math.max(...recovered) / 1000, unit: 's' });
    report({ name: 'demo: time to recover in its report (first step → recovery shown)', value: json.timeToRecoverMs / 1000, unit: 's', target: '≤ 60 s', ok: json.timeToRecoverMs <= 60_000 });
    report({ name: 'demo: whole wall time (npm run demo)', value: wallMs / 1000, unit: 's', target: '≤ 120 s', ok: wallMs <= 120_000 });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function formatResult({ name, value, unit, target, ok, note }) {
  const verdict = ok === undefined ? '' : ok ? '  ok' : '  MISSED';
  const shown = `${Number(value.toFixed(value < 10 ? 2 : 1))} ${unit}`;
  return `prometheus: ${name.padEnd(72)} ${shown.padStart(10)}${target ? `   target ${target}` : ''}${verdict}${note ? `   (${note})` : ''}`;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// ---------------------------------------------------------------------------------------------
// 1. 10,000 targets

function targetsAnswer(count) {
  const now = Date.now();
  const activeTargets = [];
  for (let index = 0; index < count; index += 1) {
    const job = `service-${index % 40}`;
    const instance = `10.${Math.floor(index / 65536) % 256}.${Math.floor(index / 256) % 256}.${index % 256}:9100`;
    const down = index % 97 === 0;
    activeTargets.push({
      discoveredLabels: { __address__: instance, __metrics_path__: '/metrics', __scheme__: 'http', __scrape_interval__: '15s', __scrape_timeout__: '10s', job },
      labels: { instance, job, env: index % 3 === 0 ? 'staging' : 'production', team: `team-${index % 7}` },
      scrapePool: job,
      scrapeUrl: `http://${instance}/metrics`,
      globalUrl: `http://${instance}/metrics`,
      lastError: down ? `Get "http://${instance}/metrics": dial tcp ${instance}: connect: connection refused` : '',
      lastScrape: new Date(now - (index % 15_000)).toISOString().replace('Z', '123456Z'),
      lastScrapeDuration: 0.003 + (index % 10) / 1000,
      health: down ? 'down' : 'up',
      scrapeInterval: '15s',
      scrapeTimeout: '10s',
    });
  }
  return JSON.stringify({ status: 'success', data: { activeTargets, droppedTargets: [] } });
}

async function benchEvaluate(report) {
  const { evaluateTargets } = await dist('prometheus/evaluate-targets.js');
  const { createPrometheusClient } = await dist('prometheus/client.js');
  const body = targetsAnswer(TARGETS);
  const since = new Date(Date.now() - 60_000);
  const selectors = [
    { jobs: [], labels: [] },
    { jobs: ['service-3', 'service-4'], labels: [['env', 'staging']] },
  ];
  // Warm up, then measure.
  for (let run = 0; run < 3; run += 1) evaluateTargets(JSON.parse(body).data.activeTargets, selectors[0], since);
  const parseAndEvaluate = [];
  const evaluateOnly = [];
  const parsed = JSON.parse(body).data.activeTargets;
  for (let run = 0; run < 15; run += 1) {
    const started = performance.now();
    const result = evaluateTargets(JSON.parse(body).data.activeTargets, selectors[run % 2], since);
    parseAndEvaluate.push(performance.now() - started);
    if (result.activeTotal !== TARGETS) throw new Error('bench: wrong target count');
    const startedEvaluate = performance.now();
    evaluateTargets(parsed, selectors[run % 2], since);
    evaluateOnly.push(performance.now() - startedEvaluate);
  }
  const size = `${(body.length / 1e6).toFixed(1)} MB answer`;
  report({
    name: `evaluate ${TARGETS.toLocaleString('en')} targets: JSON.parse + evaluateTargets (median)`,
    value: median(parseAndEvaluate),
    unit: 'ms',
    target: '≤ 150 ms',
    ok: median(parseAndEvaluate) <= 150,
    note: size,
  });
  report({ name: `evaluate ${TARGETS.toLocaleString('en')} targets: evaluateTargets alone (median)`, value: median(evaluateOnly), unit: 'ms' });

  // The whole request: HTTP on loopback, body read, JSON, evaluation.
  const server = createHttpServer((_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = createPrometheusClient({ url: `http://127.0.0.1:${server.address().port}` });
    const overHttp = [];
    for (let run = 0; run < 8; run += 1) {
      const started = performance.now();
      const data = await client.targets();
      evaluateTargets(data.activeTargets, selectors[0], since);
      overHttp.push(performance.now() - started);
    }
    report({ name: `fetch + parse + evaluate ${TARGETS.toLocaleString('en')} targets over loopback HTTP (median)`, value: median(overHttp.slice(2)), unit: 'ms' });
  } finally {
    server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. A real Prometheus

async function freePort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((resolve) => {
      const server = createNetServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(50);
  }
}

function startTarget(port) {
  const child = spawn(process.execPath, [join(root, 'test/fixtures/bin/metrics-target.js'), '--port', String(port), '--set', 'bench_up=1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (/listening on/.test(chunk.toString())) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bench: metrics target exited with ${code}`)));
  });
}

async function stop(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

async function benchRealPrometheus(report, log) {
  const binary = process.env.PROMETHEUS_BIN ?? 'prometheus';
  const { verifyRecovery } = await dist('prometheus/verify-recovery.js');
  const { createPrometheusClient } = await dist('prometheus/client.js');
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-prometheus-'));
  const children = [];
  try {
    const targetPort = await freePort();
    let target = await startTarget(targetPort);
    const port = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: bench', '    static_configs:', `      - targets: ['127.0.0.1:${targetPort}']`, ''].join('\n'),
    );
    const prometheus = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: 'ignore' });
    children.push(prometheus);
    const spawned = await new Promise((resolve) => {
      prometheus.once('error', () => resolve(false));
      prometheus.once('spawn', () => resolve(true));
    });
    if (!spawned) {
      log(`prometheus: real-Prometheus benchmarks skipped: "${binary}" not found (Debian package "prometheus")`);
      return;
    }
    const url = `http://127.0.0.1:${port}`;
    const benchTarget = async () => {
      const body = await (await fetch(`${url}/api/v1/targets?state=active`)).json();
      return body.data.activeTargets.find((entry) => entry.labels.job === 'bench');
    };
    await waitFor('Prometheus to scrape the bench target', async () => ((await benchTarget())?.health === 'up' ? true : undefined));

    const latencies = [];
    const requestRates = [];
    for (let round = 0; round < RECOVERIES; round += 1) {
      await stop(target, 'SIGKILL');
      await waitFor('the target to show down', async () => ((await benchTarget())?.health === 'down' ? true : undefined));
      const since = new Date();
      // Restart at a random point of the scrape interval, after two or three down scrapes.
      const restart = (async () => {
        await sleep(2_000 + Math.random() * 1_000);
        target = await startTarget(targetPort);
      })();
      let detection;
      const client = createPrometheusClient({ url });
      const result = await verifyRecovery(
        { since, jobs: ['bench'], stable: 1, recoveryTimeoutMs: 30_000, checks: [] },
        {
          client,
          onEvent: (event) => {
            if (event.type === 'target-recovered') detection = event.at.getTime() - event.recoveredAt.getTime();
          },
        },
      );
      await restart;
      if (result.verdict !== 'verified' || detection === undefined) throw new Error(`bench: recovery not seen (${result.reason})`);
      latencies.push(detection);
      const elapsedIntervals = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1_000;
      requestRates.push(result.requests / Math.max(1, elapsedIntervals));
    }
    children.push(target);
    report({
      name: `detection latency, scrape start → reported (median of ${RECOVERIES})`,
      value: median(latencies),
      unit: 'ms',
      target: '≤ 300 ms',
      ok: median(latencies) <= 300,
      note: `max ${Math.round(Math.max(...latencies))} ms`,
    });
    const rate = requestRates.reduce((sum, value) => sum + value, 0) / requestRates.length;
    report({ name: 'requests to Prometheus per scrape interval while waiting (mean)', value: rate, unit: 'req', target: '≈ 1', ok: rate <= 2 });
  } finally {
    for (const child of children) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.includes('--json');
  const results = await runPrometheusBench({ log: json ? () => {} : console.log });
  if (json) console.log(JSON.stringify(results, null, 2));
}
