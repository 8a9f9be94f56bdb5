/**
 * The Prometheus client against a fake HTTP server: what a real Prometheus will not do on
 * demand (errors, HTML, truncated JSON, a hanging socket, no server at all).
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createPrometheusClient, type PrometheusClientOptions, type RetryInfo } from '../../src/prometheus/client.js';
import { PrometheusError } from '../../src/prometheus/errors.js';
import { freePort } from '../helpers/prometheus.js';
import { json, startFakeHttp, type FakeHttpServer } from '../helpers/fake-http.js';

let server: FakeHttpServer;
beforeAll(async () => {
  server = await startFakeHttp();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const TARGETS = {
  status: 'success',
  data: {
    activeTargets: [{ labels: { job: 'butler', instance: 'a:1' }, scrapePool: 'butler', scrapeUrl: 'http://a:1/metrics', lastError: '', lastScrape: '2025-11-25T10:00:00Z', lastScrapeDuration: 0.01, health: 'up' }],
    droppedTargets: [],
  },
};

function client(options: Partial<PrometheusClientOptions> = {}) {
  const retries: RetryInfo[] = [];
  const api = createPrometheusClient({ url: server.url, backoffMs: 5, errorLimit: 3, timeoutMs: 2_000, onRetry: (retry) => retries.push(retry), ...options });
  return { api, retries };
}

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PrometheusError)) throw new Error(`expected a PrometheusError, got ${String(error)}`);
  return error;
}

describe('PrometheusClient: answers', () => {
  it('reads the active targets', async () => {
    server.handler = (_request, response) => json(200, TARGETS, response);
    const { api } = client();
    const data = await api.targets();
    expect(data.activeTargets[0]?.labels.job).toBe('butler');
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/api/v1/targets?state=active' });
    expect(server.requests[0]!.headers.accept).toBe('application/json');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(api.requests).toBe(1);
  });

  it('runs an instant query at a given time and passes warnings on', async () => {
    server.handler = (_request, response) => json(200, { status: 'success', data: { resultType: 'scalar', result: [1764064800, '1'] }, warnings: ['PromQL info: metric might not be a counter'] }, response);
    const { api } = client();
    const result = await api.query('rate(x{job="a b"}[5m])', new Date('2025-11-25T10:00:00.123Z'));
    expect(result).toEqual({ data: { resultType: 'scalar', result: [1764064800, '1'] }, warnings: ['PromQL info: metric might not be a counter'] });
    const url = new URL(server.requests[0]!.url, 'http://x');
    expect(url.pathname).toBe('/api/v1/query');
    expect(url.searchParams.get('query')).toBe('rate(x{job="a b"}[5m])');
    expect(url.searchParams.get('time')).toBe('1764064800.123');
  });

  it('keeps a path prefix and sends basic auth from the URL, masked in messages', async () => {
    server.handler = (_request, response) => json(200, TARGETS, response);
    const { api } = client({ url: `${server.url.replace('http://', 'http://ops:pa%24%24word@')}/prometheus/` });
    await api.targets();
    expect(server.requests[0]!.url).toBe('/prometheus/api/v1/targets?state=active');
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ops:pa$$word').toString('base64')}`);
    expect(api.url).toBe(`${server.url.replace('http://', 'http://ops:***@')}/prometheus`);
  });

  it('sends the bearer token, and never shows it, even when a proxy echoes it back', async () => {
    server.handler = (request, response) => response.writeHead(502, { 'Content-Type': 'text/plain' }).end(`bad gateway for ${request.headers.authorization}`);
    const { api } = client({ bearerToken: 'tok-123456789' });
    const error = await failure(api.targets());
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok-123456789');
    expect(error.message).not.toContain('tok-123456789');
    expect(error.message).toBe(`Prometheus at ${server.url} answered HTTP 502 Bad Gateway: "bad gateway for Bearer ***" (gave up after 3 attempts)`);
  });

  it('refuses a token and basic auth at once', () => {
    expect(() => createPrometheusClient({ url: 'http://u:p@127.0.0.1:9090', bearerToken: 'x' })).toThrow(UsageError);
  });
});

describe('PrometheusClient: errors', () => {
  it("retries a 503 with Prometheus' error envelope, then shows it verbatim", async () => {
    server.handler = (_request, response) => json(503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }, response);
    const { api, retries } = client();
    const error = await failure(api.targets());
    expect(error).toMatchObject({ kind: 'api', transient: true, status: 503, errorType: 'unavailable', attempts: 3 });
    expect(error.message).toBe(`Prometheus at ${server.url} answered HTTP 503, unavailable: TSDB not ready (gave up after 3 attempts)`);
    expect(server.requests).toHaveLength(3);
    expect(retries.map((retry) => [retry.attempt, retry.delayMs, retry.path])).toEqual([
      [1, 5, '/api/v1/targets'],
      [2, 10, '/api/v1/targets'],
    ]);
  });

  it('recovers when a retry succeeds', async () => {
    let calls = 0;
    server.handler = (_request, response) => ((calls += 1) < 3 ? json(503, { status: 'error', errorType: 'timeout', error: 'query timed out' }, response) : json(200, TARGETS, response));
    const { api } = client();
    await expect(api.targets()).resolves.toMatchObject({ activeTargets: [expect.objectContaining({ scrapePool: 'butler' })] });
    expect(api.requests).toBe(3);
  });

  it('retries a plain 500', async () => {
    server.handler = (_request, response) => response.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
    const error = await failure(client().api.targets());
    expect(error).toMatchObject({ kind: 'http', transient: true, status: 500 });
    expect(error.message).toBe(`Prometheus at ${server.url} answered HTTP 500 Internal Server Error: "internal error" (gave up after 3 attempts)`);
  });

  it('does not retry a bad query', async () => {
    server.handler = (_request, response) => json(400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:6: parse error: unclosed left parenthesis' }, response);
    const error = await failure(client().api.query('rate(x'));
    expect(error).toMatchObject({ kind: 'api', transient: false, errorType: 'bad_data' });
    expect(error.message).toBe(`Prometheus at ${server.url} answered HTTP 400, bad_data: invalid parameter "query": 1:6: parse error: unclosed left parenthesis`);
    expect(server.requests).toHaveLength(1);
  });

  it('says an HTML page is not Prometheus', async () => {
    server.handler = (_request, response) => response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><html><head><title>Grafana</title></head><body>…</body></html>');
    const error = await failure(client().api.targets());
    expect(error).toMatchObject({ kind: 'not-prometheus', transient: false });
    expect(error.message).toBe(`Prometheus at ${server.url} answered /api/v1/targets with an HTML page (HTTP 200, "Grafana"), not the Prometheus API: is ${server.url} the Prometheus server (with its path prefix)?`);
    expect(server.requests).toHaveLength(1);
  });

  it('says truncated JSON is truncated', async () => {
    server.handler = (_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"success","data":{"activeTargets":[{"labels":');
    const error = await failure(client().api.targets());
    expect(error).toMatchObject({ kind: 'not-prometheus', transient: false });
    expect(error.message).toMatch(new RegExp(`^Prometheus at ${server.url} answered /api/v1/targets with truncated JSON \\(HTTP 200, 55 bytes: `));
  });

  it('says JSON of another API is not Prometheus', async () => {
    server.handler = (_request, response) => json(200, { hello: 'world' }, response);
    const error = await failure(client().api.targets());
    expect(error.message).toBe(`Prometheus at ${server.url} answered /api/v1/targets with JSON that is not a Prometheus API response: "{"hello":"world"}": is ${server.url} the Prometheus server (with its path prefix)?`);
  });

  it('says a success without targets is not Prometheus', async () => {
    server.handler = (_request, response) => json(200, { status: 'success', data: { something: [] } }, response);
    const error = await failure(client().api.targets());
    expect(error.message).toBe(`Prometheus at ${server.url}: /api/v1/targets answered without data.activeTargets: is this the Prometheus server?`);
  });

  it('retries an answer cut off mid-body', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '5000' });
      response.write('{"status":"success","data":{"activeTargets":[');
      setTimeout(() => response.socket?.destroy(), 10);
    };
    const error = await failure(client().api.targets());
    expect(error).toMatchObject({ kind: 'unreachable', transient: true, attempts: 3 });
    expect(error.message).toMatch(new RegExp(`^cannot reach Prometheus at ${server.url}: .+ \\(gave up after 3 attempts\\)$`));
  });

  it('times out a socket that never answers', async () => {
    server.handler = () => {}; // accept, read, never answer
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 150, errorLimit: 2 }).api.targets());
    expect(error).toMatchObject({ kind: 'timeout', transient: true, attempts: 2 });
    expect(error.message).toBe(`Prometheus at ${server.url} did not answer within 150ms (gave up after 2 attempts)`);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('says "connection refused" when nothing listens', async () => {
    const port = await freePort();
    const { api, retries } = client({ url: `http://127.0.0.1:${port}` });
    const error = await failure(api.targets());
    expect(error).toMatchObject({ kind: 'unreachable', transient: true, attempts: 3 });
    expect(error.message).toBe(`cannot reach Prometheus at http://127.0.0.1:${port}: connection refused (gave up after 3 attempts)`);
    expect(retries).toHaveLength(2);
  });

  it('does not retry a refused token', async () => {
    server.handler = (_request, response) => response.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized');
    const error = await failure(client({ bearerToken: 'wrong-token' }).api.targets());
    expect(error).toMatchObject({ kind: 'auth', transient: false, status: 401 });
    expect(error.message).toBe(`Prometheus at ${server.url} refused the request: HTTP 401 Unauthorized; set PROMETHEUS_BEARER_TOKEN or put user:password in the URL`);
    expect(server.requests).toHaveLength(1);
  });

  it('stops waiting when the caller aborts', async () => {
    server.handler = () => {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 50);
    const started = Date.now();
    await expect(client({ timeoutMs: 5_000 }).api.targets('active', controller.signal)).rejects.toThrow('Ctrl-C');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('PrometheusClient: answers that are not Prometheus targets, and redirects', () => {
  it.each([
    ['null', [null]],
    ['a number', [7]],
    ['labels that are not strings', [{ ...TARGETS.data.activeTargets[0], labels: { job: 5 } }]],
    ['a lastScrape that is not a string', [{ ...TARGETS.data.activeTargets[0], lastScrape: 12 }]],
  ])('an entry that is %s is "not Prometheus" (exit 3), not a crash', async (_name, activeTargets) => {
    server.handler = (_request, response) => json(200, { status: 'success', data: { activeTargets } }, response);
    const error = await failure(client().api.targets());
    expect(error).toMatchObject({ kind: 'not-prometheus', transient: false, exitCode: 3 });
    expect(error.message).toMatch(new RegExp(`^Prometheus at ${server.url}: /api/v1/targets answered with entry 1 of data.activeTargets not a Prometheus target: ".+": is this the Prometheus server\\?$`));
  });

  it('follows a redirect within the same origin', async () => {
    server.handler = (request, response) => {
      if (request.url?.startsWith('/api/')) response.writeHead(302, { Location: `/prefix${request.url}` }).end();
      else json(200, TARGETS, response);
    };
    expect((await client().api.targets()).activeTargets).toHaveLength(1);
    expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/targets?state=active', '/prefix/api/v1/targets?state=active']);
  });

  it('refuses a redirect to another origin, naming where it pointed, and sends nothing there', async () => {
    const elsewhere = await startFakeHttp();
    try {
      server.handler = (request, response) => response.writeHead(307, { Location: `${elsewhere.url}${request.url}` }).end();
      const error = await failure(client({ bearerToken: 'secret-token' }).api.targets());
      expect(error).toMatchObject({ kind: 'http', transient: false, status: 307 });
      expect(error.message).toBe(
        `Prometheus at ${server.url} redirected /api/v1/targets to another origin, ${elsewhere.url}/api/v1/targets?state=active: refused (the request carries credentials); give that URL as the Prometheus URL if it is right`,
      );
      expect(elsewhere.requests).toEqual([]);
      expect(server.requests).toHaveLength(1);
    } finally {
      await elsewhere.close();
    }
  });
});
