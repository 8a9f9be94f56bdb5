/**
 * Issue #9, "basic-auth credentials leak": a proxy that echoes the Authorization header puts
 * base64 of user:password in a step's output and in Prometheus answers (the journal's
 * measurement events). Every encoded form is masked, in every event.
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHttp, type FakeHttpServer } from '../helpers/fake-http.js';
import { createSandbox } from '../helpers/sandbox.js';

const USER = 'deploy';
const PASSWORD = 'p@ss:w0rd-long';
const PROM_PASSWORD = 'prom-secret-77';
const forms = (user: string, password: string) => {
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  return [password, encodeURIComponent(password), basic, basic.replace(/=+$/, '')];
};

let server: FakeHttpServer;
beforeAll(async () => {
  server = await startFakeHttp();
  // Echoes the header without its scheme, as some proxies' debug pages do; Prometheus answers echo it too.
  server.handler = (request, response) => {
    const seen = String(request.headers.authorization ?? '').replace(/^Basic /, '');
    if (request.url?.startsWith('/api/')) response.writeHead(400, { 'Content-Type': 'text/plain' }).end(`upstream rejected credentials ${seen}`);
    else response.writeHead(200).end(`you sent ${seen}`);
  };
});
afterAll(() => server.close());

describe('secrets echoed back', () => {
  it('basic-auth credentials echoed by a proxy (base64 of user:password) are masked in stdout, every journal event and runbook log', async () => {
    const port = new URL(server.url).port;
    const sandbox = createSandbox({
      notes: ['run-notes/echoed-auth.md'],
      stubs: [],
      env: { SERVICE_URL: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`, SERVICE_USER: USER, SERVICE_PASSWORD: PASSWORD, SERVICE_PORT: port },
    });
    const prometheus = `http://metrics:${PROM_PASSWORD}@127.0.0.1:${port}`;
    const result = await sandbox.run(sandbox.args('rollback', '90_echo', '--yes', '--prometheus-url', prometheus, '--recovery-timeout', '3s', '--no-targets'));
    expect(result.stdout).toContain('› you sent ***');
    const journal = readFileSync(sandbox.journal().path, 'utf8');
    expect(journal).toContain('"phase":"measurement"');
    expect(journal).toContain('upstream rejected credentials ***');
    const log = await sandbox.run(['log']);
    expect(log.exitCode).toBe(0);
    for (const secret of [...forms(USER, PASSWORD), ...forms('metrics', PROM_PASSWORD)]) {
      for (const [where, text] of Object.entries({ stdout: result.stdout, stderr: result.stderr, journal, log: log.stdout })) {
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
      }
    }
  });

  it('a secret named in a step title is masked in the step list too, not only in the output', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/secret-in-title.md'], env: { DEPLOY_KEY: 'dk-9876543210' } });
    const result = await sandbox.run(sandbox.args('rollback', '90_title', '--yes'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('1. Rotate the deploy key ***');
    expect(result.stdout + result.stderr).not.toContain('dk-9876543210');
    expect(readFileSync(sandbox.journal().path, 'utf8')).not.toContain('dk-9876543210');
  });
});
