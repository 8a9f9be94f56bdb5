/**
 * A small client for the two Prometheus API calls recovery checks need: the active targets
 * and instant queries. Every request has a timeout; transient failures are retried with
 * backoff up to a limit of consecutive failures (Argo Rollouts' `consecutiveErrorLimit`);
 * Prometheus' error envelope is passed on verbatim; anything that is not a Prometheus answer
 * becomes a clear `PrometheusError` rather than a crash.
 */

import { setTimeout as delay } from 'node:timers/promises';
import { UsageError } from '../errors.js';
import { formatMs } from './duration.js';
import { PrometheusError, type PrometheusErrorKind } from './errors.js';
import type { ApiResponse, QueryData, TargetsData } from './types.js';
import { maskUrl, parsePrometheusUrl } from './url.js';
import { createSecretMasker } from '../journal/mask-secrets.js';

export { maskUrl } from './url.js';

export type Fetch = typeof globalThis.fetch;
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface PrometheusClientOptions {
  /** Base URL of Prometheus (or Thanos/Mimir); user info in it is sent as basic auth. */
  url: string;
  /** From `PROMETHEUS_BEARER_TOKEN`; never from the command line, never printed. */
  bearerToken?: string;
  fetch?: Fetch;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Consecutive failed attempts of one request before giving up (default 4). */
  errorLimit?: number;
  /** Delay before the first retry, doubled for each next one (default 500 ms: 0.5 + 1 + 2 s of patience)… */
  backoffMs?: number;
  /** …up to this (default 4 s). */
  maxBackoffMs?: number;
  sleep?: Sleep;
  /** Told about each failed attempt that will be retried. */
  onRetry?: (retry: RetryInfo) => void;
}

export interface RetryInfo {
  path: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  delayMs: number;
  error: PrometheusError;
}

export interface QueryResult {
  data: QueryData;
  warnings: string[];
}

/** What `verifyRecovery` needs from Prometheus; tests pass fakes of this. */
export interface PrometheusApi {
  /** The base URL as shown to people (password masked). */
  readonly url: string;
  /** HTTP requests made so far, retries included. */
  readonly requests: number;
  targets(state?: 'active' | 'dropped' | 'any', signal?: AbortSignal): Promise<TargetsData>;
  query(promql: string, time?: Date, signal?: AbortSignal): Promise<QueryResult>;
}

const DEFAULTS = { timeoutMs: 10_000, errorLimit: 4, backoffMs: 500, maxBackoffMs: 4_000 };

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

/** Creates a client; throws a `UsageError` for a URL that is not http(s) or for two kinds of auth at once. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusApi {
  const endpoint = parsePrometheusUrl(options.url);
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  const token = options.bearerToken?.trim() || undefined;
  if (token && endpoint.basicAuth) {
    throw new UsageError('both PROMETHEUS_BEARER_TOKEN and a user:password in the Prometheus URL are set: use one of them');
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (endpoint.basicAuth) headers.Authorization = `Basic ${Buffer.from(`${endpoint.basicAuth.username}:${endpoint.basicAuth.password}`).toString('base64')}`;
  // Belt and braces: no message may carry a credential, even one echoed back by a proxy.
  // The base64 of user:password too: a proxy that echoes the Authorization header leaks it so.
  const secrets = [token, endpoint.basicAuth?.password, endpoint.basicAuth && `${endpoint.basicAuth.username}:${endpoint.basicAuth.password}`].filter((secret): secret is string => !!secret && secret.length >= 4);
  const maskSecrets = createSecretMasker({}, secrets);
  const redact = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), maskSecrets(maskUrl(text)));
  let requests = 0;

  const fail = (message: string, details: ConstructorParameters<typeof PrometheusError>[1]) => new PrometheusError(redact(message), details);

  async function attempt(path: string, signal: AbortSignal | undefined): Promise<{ data: unknown; warnings?: unknown }> {
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const where = `Prometheus at ${endpoint.display}`;
    requests += 1;
    let response: Response;
    let body: string;
    try {
      let url = `${endpoint.base}${path}`;
      // Redirects are followed by hand, within the origin only: credentials must not go elsewhere.
      for (let hops = 0; ; hops += 1) {
        response = await fetchImpl(url, { headers, signal: combined, redirect: 'manual' });
        const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
        if (location === null) break;
        await response.body?.cancel();
        const next = new URL(location, url);
        if (next.origin !== new URL(url).origin) {
          throw fail(`${where} redirected ${path.split('?')[0]} to another origin, ${next.href}: refused (the request carries credentials); give that URL as the Prometheus URL if it is right`, {
            kind: 'http',
            transient: false,
            status: response.status,
          });
        }
        if (hops >= 5) throw fail(`${where} redirected ${path.split('?')[0]} more than 5 times: refused`, { kind: 'http', transient: false, status: response.status });
        url = next.href;
      }
      body = await response.text();
    } catch (error) {
      if (error instanceof PrometheusError) throw error;
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw fail(`${where} did not answer within ${formatMs(settings.timeoutMs)}`, { kind: 'timeout', transient: true, cause: error });
      const { reason, transient } = describeNetworkError(error);
      throw fail(`cannot reach ${where}: ${reason}`, { kind: 'unreachable', transient, cause: error });
    }
    return interpret(response, body, where, path, fail);
  }

  async function request(path: string, signal: AbortSignal | undefined): Promise<{ data: unknown; warnings?: unknown }> {
    for (let failures = 1; ; failures += 1) {
      try {
        return await attempt(path, signal);
      } catch (error) {
        if (!(error instanceof PrometheusError) || !error.transient) throw error;
        if (failures >= settings.errorLimit) {
          throw new PrometheusError(`${error.message} (gave up after ${failures} attempt${failures === 1 ? '' : 's'})`, {
            kind: error.kind,
            transient: true,
            status: error.status,
            errorType: error.errorType,
            attempts: failures,
            cause: error,
          });
        }
        const wait = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** (failures - 1));
        options.onRetry?.({ path: path.split('?')[0]!, attempt: failures, delayMs: wait, error });
        await sleep(wait, signal);
      }
    }
  }

  return {
    url: endpoint.display,
    get requests() {
      return requests;
    },
    async targets(state = 'active', signal) {
      const { data } = await request(`/api/v1/targets?state=${state}`, signal);
      if (!isObject(data) || !Array.isArray(data.activeTargets)) {
        throw fail(`Prometheus at ${endpoint.display}: /api/v1/targets answered without data.activeTargets: is this the Prometheus server?`, { kind: 'not-prometheus', transient: false });
      }
      const bad = data.activeTargets.findIndex((target) => !isActiveTarget(target));
      if (bad !== -1) {
        const shown = snippet(JSON.stringify(data.activeTargets[bad]) ?? String(data.activeTargets[bad]));
        throw fail(`Prometheus at ${endpoint.display}: /api/v1/targets answered with entry ${bad + 1} of data.activeTargets not a Prometheus target${shown}: is this the Prometheus server?`, {
          kind: 'not-prometheus',
          transient: false,
        });
      }
      return data as unknown as TargetsData;
    },
    async query(promql, time, signal) {
      const params = new URLSearchParams({ query: promql });
      if (time) params.set('time', (time.getTime() / 1000).toFixed(3));
      const envelope = await request(`/api/v1/query?${params}`, signal);
      const data = envelope.data;
      if (!isObject(data) || typeof data.resultType !== 'string' || !('result' in data)) {
        throw fail(`Prometheus at ${endpoint.display}: /api/v1/query answered without data.resultType: is this the Prometheus server?`, { kind: 'not-prometheus', transient: false });
      }
      const warnings = Array.isArray(envelope.warnings) ? envelope.warnings.map(String) : [];
      return { data: data as unknown as QueryData, warnings };
    },
  };

  /** A success envelope, or the `PrometheusError` that says what the answer was instead. */
  function interpret(response: Response, body: string, where: string, path: string, make: typeof fail): { data: unknown; warnings?: unknown } {
    const status = response.status;
    const endpointPath = path.split('?')[0]!;
    const transientStatus = status >= 500 || status === 429;
    const json = parseJson(body);
    if (json.ok && isPrometheusEnvelope(json.value)) {
      const envelope = json.value;
      if (envelope.status === 'error') {
        const kind: PrometheusErrorKind = status === 401 || status === 403 ? 'auth' : 'api';
        throw make(`${where} answered HTTP ${status}, ${envelope.errorType}: ${envelope.error}`, {
          kind,
          transient: transientStatus || envelope.errorType === 'timeout' || envelope.errorType === 'unavailable',
          status,
          errorType: envelope.errorType,
        });
      }
      if (status >= 200 && status < 300) return envelope;
    }
    if (status === 401 || status === 403) {
      throw make(`${where} refused the request: HTTP ${status} ${response.statusText}; set PROMETHEUS_BEARER_TOKEN or put user:password in the URL`, { kind: 'auth', transient: false, status });
    }
    if (transientStatus) {
      throw make(`${where} answered HTTP ${status} ${response.statusText}${snippet(body)}`, { kind: 'http', transient: true, status });
    }
    const contentType = response.headers.get('content-type') ?? '';
    const notPrometheus = `is ${endpoint.display} the Prometheus server (with its path prefix)?`;
    if (/html/i.test(contentType) || /^\s*</.test(body)) {
      throw make(`${where} answered ${endpointPath} with an HTML page (HTTP ${status}${htmlTitle(body)}), not the Prometheus API: ${notPrometheus}`, { kind: 'not-prometheus', transient: false, status });
    }
    if (!json.ok) {
      const truncated = /end of (JSON|data)|unterminated|Unexpected end/i.test(json.error);
      throw make(`${where} answered ${endpointPath} with ${truncated ? 'truncated' : 'invalid'} JSON (HTTP ${status}, ${body.length} bytes: ${json.error})${snippet(body)}`, {
        kind: 'not-prometheus',
        transient: false,
        status,
      });
    }
    if (status < 200 || status >= 300) {
      throw make(`${where} answered ${endpointPath} with HTTP ${status} ${response.statusText}${snippet(body)}: ${notPrometheus}`, { kind: 'http', transient: false, status });
    }
    throw make(`${where} answered ${endpointPath} with JSON that is not a Prometheus API response${snippet(body)}: ${notPrometheus}`, { kind: 'not-prometheus', transient: false, status });
  }
}

/** The fields runbook reads, with the types Prometheus sends (the rest may be missing). */
function isActiveTarget(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.labels) || Object.values(value.labels).some((label) => typeof label !== 'string')) return false;
  const strings = ['scrapePool', 'scrapeUrl', 'lastError', 'lastScrape', 'health', 'scrapeInterval'] as const;
  if (strings.some((key) => value[key] !== undefined && typeof value[key] !== 'string')) return false;
  if (value.discoveredLabels !== undefined && !isObject(value.discoveredLabels)) return false;
  return value.lastScrapeDuration === undefined || typeof value.lastScrapeDuration === 'number';
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrometheusEnvelope(value: unknown): value is ApiResponse<unknown> {
  if (!isObject(value)) return false;
  if (value.status === 'success') return 'data' in value;
  return value.status === 'error' && typeof value.error === 'string';
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A short, single-line quote of a body for a message. */
function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `: "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
}

function htmlTitle(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim();
  return title ? `, "${title}"` : '';
}

/** undici hides the socket error in `cause`; name the common ones in words. */
export function describeNetworkError(error: unknown): { reason: string; transient: boolean } {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused', transient: true };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return { reason: 'the connection was closed before a complete answer', transient: true };
    case 'ENOTFOUND':
      return { reason: 'host not found', transient: false };
    case 'EAI_AGAIN':
      return { reason: 'host name lookup failed (temporary)', transient: true };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { reason: 'connection timed out', transient: true };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: 'host unreachable', transient: true };
    default: {
      const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
      // fetch refuses some ports outright (https://fetch.spec.whatwg.org/#port-blocking).
      if (message === 'bad port') return { reason: 'fetch refuses to connect to this port (a "bad port" in the fetch standard)', transient: false };
      return { reason: code ? `${message} (${code})` : message, transient: true };
    }
  }
}
