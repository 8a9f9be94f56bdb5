/**
 * The three Alertmanager API v2 calls a run needs: create or update a silence
 * (`POST /api/v2/silences`, which updates in place when the body carries the id of an active
 * silence and only its end moves), read one back, and expire one (`DELETE /api/v2/silence/{id}`).
 * Spec: https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
 */

import { UsageError } from '../errors.js';
import { requestJson, type Fetch, type JsonResponse } from '../http/request-json.js';
import { maskUrl } from '../prometheus/url.js';
import type { SilenceMatcher } from './matchers.js';

export interface SilenceBody {
  id?: string;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface SilenceState {
  id: string;
  state: 'active' | 'pending' | 'expired' | string;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface AlertmanagerApi {
  /** The URL as shown to people (user info masked). */
  readonly url: string;
  postSilence(silence: SilenceBody): Promise<Result<string>>;
  getSilence(id: string): Promise<Result<SilenceState | undefined>>;
  expireSilence(id: string): Promise<Result<void>>;
}

export function createAlertmanagerClient(options: { url: string; fetch?: Fetch; timeoutMs?: number }): AlertmanagerApi {
  const { base, display, headers } = parseAlertmanagerUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const call = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => requestJson({ method, url: `${base}${path}`, body, timeoutMs, retries: 1, headers, fetch: options.fetch });
  const failed = (response: JsonResponse & { ok: false }) => ({ ok: false as const, reason: `Alertmanager at ${display}: ${response.reason}` });
  return {
    url: display,
    async postSilence(silence) {
      const response = await call('POST', '/api/v2/silences', silence);
      if (!response.ok) return failed(response);
      const id = (response.body as { silenceID?: unknown } | undefined)?.silenceID;
      if (typeof id !== 'string') return { ok: false, reason: `Alertmanager at ${display}: POST /api/v2/silences answered without a silenceID: is this Alertmanager (API v2)?` };
      return { ok: true, value: id };
    },
    async getSilence(id) {
      const response = await call('GET', `/api/v2/silence/${encodeURIComponent(id)}`);
      if (!response.ok) return response.status === 404 ? { ok: true, value: undefined } : failed(response);
      const body = response.body as Partial<SilenceState> & { status?: { state?: string } };
      return { ok: true, value: { ...(body as SilenceState), state: body.status?.state ?? 'unknown' } };
    },
    async expireSilence(id) {
      const response = await call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
      // Already expired (or gone): the silence is not active, which is what was asked.
      if (!response.ok && response.status !== 404 && !(response.status === 500 && /already expired/i.test(response.reason))) return failed(response);
      return { ok: true, value: undefined };
    },
  };
}

/** Base URL without user info (sent as basic auth), and the URL as shown: a usage error when it is not http(s). */
export function parseAlertmanagerUrl(text: string): { base: string; display: string; headers: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`Alertmanager URL "${maskUrl(text)}" is not a URL: give one such as http://127.0.0.1:9093`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Alertmanager URL "${maskUrl(text)}" must start with http:// or https://`);
  const headers: Record<string, string> = {};
  if (url.username || url.password) headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  return { base: url.toString().replace(/\/+$/, ''), display: maskUrl(text.trim()).replace(/\/+$/, ''), headers };
}
