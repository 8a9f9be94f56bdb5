/**
 * One JSON request with a timeout and (optionally) one retry, for the services around a run
 * (chat webhooks, Alertmanager). It never throws: a failure comes back as a one-line reason
 * that does not quote the URL (a webhook URL is a secret), so callers can warn and go on.
 */

import { setTimeout as delay } from 'node:timers/promises';
import { describeNetworkError, type Fetch } from '../prometheus/client.js';
import { formatMs } from '../prometheus/duration.js';

export type { Fetch } from '../prometheus/client.js';

export interface JsonRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
  timeoutMs: number;
  /** Attempts after the first for a network error, a timeout or a 5xx (a 4xx is not retried). */
  retries?: number;
  retryDelayMs?: number;
  headers?: Record<string, string>;
  fetch?: Fetch;
}

export type JsonResponse = { ok: true; status: number; body: unknown; attempts: number } | { ok: false; status?: number; reason: string; attempts: number };

export async function requestJson(request: JsonRequest): Promise<JsonResponse> {
  const fetchImpl = request.fetch ?? globalThis.fetch;
  const retries = request.retries ?? 0;
  let last: JsonResponse & { ok: false } = { ok: false, reason: 'not sent', attempts: 0 };
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await delay(request.retryDelayMs ?? 500);
    const timeout = AbortSignal.timeout(request.timeoutMs);
    try {
      const response = await fetchImpl(request.url, {
        method: request.method,
        headers: { Accept: 'application/json', ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...request.headers },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: timeout,
        redirect: 'error',
      });
      const text = await response.text();
      if (response.ok) return { ok: true, status: response.status, body: parseBody(text), attempts: attempt };
      last = { ok: false, status: response.status, reason: `HTTP ${response.status}${describeBody(text)}`, attempts: attempt };
      if (response.status < 500) return last;
    } catch (error) {
      const reason = timeout.aborted ? `no answer within ${formatMs(request.timeoutMs)}` : describeNetworkError(error).reason;
      last = { ok: false, reason, attempts: attempt };
    }
  }
  return { ...last, reason: last.attempts > 1 ? `${last.reason} (${last.attempts} attempts)` : last.reason };
}

function parseBody(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The start of an error body, on one line and short: servers explain a 400 there. */
function describeBody(text: string): string {
  const body = parseBody(text);
  const message = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : typeof body === 'string' ? body : '';
  const line = message
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, 160);
  return line ? `: ${line}` : '';
}
