/**
 * The sandbox's "butler" service: a tiny HTTP server with a prom-client `/metrics`, standing
 * in for the real service the 21_01a note rolls back. Like the real one it reads
 * USE_NEW_DIALOG_CONTEXT_REPO from its env file when it starts; while the flag is true its
 * simulated dialog-context operations fail and are slow, so the note's checks fail.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';
import { parseEnvFile } from '../flags/env-file.js';

export const BUTLER_FLAG = 'USE_NEW_DIALOG_CONTEXT_REPO';

export interface ButlerOptions {
  port: number;
  envFile: string;
  pidFile?: string;
  /** Time the service takes to come up after a restart (its target is down meanwhile). */
  startupDelayMs: number;
  /** Simulated operations per second. */
  operationsPerSecond: number;
}

export async function runButlerService(options: ButlerOptions): Promise<void> {
  const flag = (parseEnvFile(readFileSync(options.envFile, 'utf8')).get(BUTLER_FLAG) ?? 'false').toLowerCase();
  const newRepository = flag === 'true' || flag === '1' || flag === 'on';
  if (options.pidFile) writeFileSync(options.pidFile, `${process.pid}\n`);

  const registry = new Registry();
  const operations = new Counter({ name: 'dialog_context_repository_operations_total', help: 'Dialog context repository operations.', labelNames: ['status'], registers: [registry] });
  const latency = new Histogram({
    name: 'dialog_context_repository_latency_seconds',
    help: 'Dialog context repository operation latency.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1],
    registers: [registry],
  });
  // Both series exist from the start, as in a well-instrumented service: a rate over no errors is 0, not "no data".
  operations.inc({ status: 'ok' }, 0);
  operations.inc({ status: 'error' }, 0);

  // The new repository (the migration being rolled back) fails 30% of operations and is slow.
  const tick = setInterval(
    () => {
      const failed = newRepository && Math.random() < 0.3;
      operations.inc({ status: failed ? 'error' : 'ok' });
      latency.observe(newRepository ? 0.18 + Math.random() * 0.1 : 0.01 + Math.random() * 0.02);
    },
    Math.max(10, Math.round(1000 / options.operationsPerSecond)),
  );

  await new Promise((resolve) => setTimeout(resolve, options.startupDelayMs));
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.url === '/healthz') {
      response.writeHead(newRepository ? 503 : 200, { 'content-type': 'text/plain' }).end(`${BUTLER_FLAG}=${flag}\n`);
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(options.port, '127.0.0.1');
  const stop = () => {
    clearInterval(tick);
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
