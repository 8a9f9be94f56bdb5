/**
 * The demo's checks (the 21_01a note: a p95 from histogram buckets, an error ratio of rates)
 * through `runbook verify`, unchanged, against both real engines: Prometheus and
 * VictoriaMetrics, each scraping the demo's real butler service every second.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type PrometheusServer, type ScrapingServerOptions, startPrometheus, stopAll, waitFor } from '../helpers/prometheus.js';
import { fixturesDir, projectRoot, runCli } from '../helpers/run-cli.js';
import { startVictoriaMetrics } from '../helpers/victoria-metrics.js';

const NOTE = join(fixturesDir, '21_01a_dialog_context_repo.md');
let scratch: string;
let butler: ChildProcess;
let butlerAddress: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'runbook-engines-'));
  writeFileSync(join(scratch, '.env.infra'), 'USE_NEW_DIALOG_CONTEXT_REPO=false\n');
  const port = await freePort();
  butlerAddress = `127.0.0.1:${port}`;
  butler = spawn(process.execPath, [join(projectRoot, 'bin/runbook.js'), '__butler', '--port', String(port), '--env-file', join(scratch, '.env.infra'), '--startup-delay', '0'], { stdio: 'ignore' });
  await waitFor('the butler service', async () => ((await fetch(`http://${butlerAddress}/metrics`).catch(() => undefined))?.ok ? true : undefined));
});

afterAll(async () => {
  butler?.kill();
  await stopAll();
  rmSync(scratch, { recursive: true, force: true });
});

describe.each<[string, (options: ScrapingServerOptions) => Promise<PrometheusServer>]>([
  ['Prometheus', startPrometheus],
  ['VictoriaMetrics', startVictoriaMetrics],
])("the demo's checks against a real %s", (_engine, start) => {
  let server: PrometheusServer;
  beforeAll(async () => {
    server = await start({ jobs: [{ job: 'butler', targets: [butlerAddress] }] });
  }, 60_000);

  it('verify --since now: ranges measured since then, verified', async () => {
    const result = await runCli(['verify', NOTE, '--prometheus-url', server.url, '--job', 'butler', '--since', 'now', '--recovery-timeout', '40s']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("; the checks' ranges are measured since --since\n");
    expect(result.stdout).toMatch(/\n {2}Error rate: pass — 0 \(0%\) is not >1%\n/);
    expect(result.stdout).toMatch(
      /\n {6}sent with its ranges since the last step \(\[5m\] → \[\d+s\]\):\n {6}│ sum\(rate\(dialog_context_repository_operations_total\{status="error"\}\[\d+s\]\)\) \/ sum\(rate\(dialog_context_repository_operations_total\[\d+s\]\)\)\n/,
    );
    expect(result.stdout).toMatch(/\n {2}Dialog context latency \(p95\): pass — 0\.0\d+ \([\d.]+ms\) is not >150ms\n/);
  }, 60_000);

  it("verify --window note: the note's ranges, as written", async () => {
    const result = await runCli(['verify', NOTE, '--prometheus-url', server.url, '--job', 'butler', '--since', 'now', '--window', 'note', '--recovery-timeout', '40s']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("; the checks' ranges as the note wrote them\n");
    expect(result.stdout).not.toContain('sent with its ranges');
  }, 60_000);
});
