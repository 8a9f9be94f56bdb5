/**
 * Posts run notices to incoming webhooks (Slack, Mattermost, Rocket.Chat, or anything that
 * takes JSON). Deliveries are queued per webhook, so messages arrive in order, and never
 * awaited by the steps: a webhook that is down, slow or refusing costs a warning and a
 * bounded delay at the end of the run (`flush`), never a failed or blocked rollback.
 * The URL carries the webhook's token: it is only ever shown masked (`maskWebhookUrl`).
 */

import type { NotificationSent } from '../journal/events.js';
import { requestJson, type Fetch } from '../http/request-json.js';
import type { RunNotice } from './run-notices.js';
import { formatSlackMessage } from './slack-message.js';

export type NotifyFormat = 'slack' | 'json';

export const NOTIFY_FORMATS: readonly NotifyFormat[] = ['slack', 'json'];

/** Per attempt; one retry after a network error, a timeout or a 5xx. */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 5_000;

export type NotificationEvent = NotificationSent;

export interface NotifierOptions {
  urls: string[];
  format: NotifyFormat;
  fetch?: Fetch;
  timeoutMs?: number;
  now: () => Date;
  /** Masks secrets in every text sent (the run's masker). */
  mask: (text: string) => string;
  warn: (message: string) => void;
  onDelivery?: (delivery: NotificationEvent) => void;
}

export interface Notifier {
  /** The webhooks, masked, for the plan and the report. */
  readonly targets: string[];
  readonly deliveries: NotificationEvent[];
  send(notice: RunNotice): void;
  /** Waits for queued deliveries, at most `timeoutMs` (default: two attempts' worth). */
  flush(timeoutMs?: number): Promise<void>;
}

export function createWebhookNotifier(options: NotifierOptions): Notifier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS;
  const deliveries: NotificationEvent[] = [];
  const queues = options.urls.map((url) => ({ url, target: maskWebhookUrl(url), tail: Promise.resolve(), unreachable: false }));

  const deliver = async (queue: (typeof queues)[number], notice: RunNotice, body: unknown) => {
    // A webhook that did not answer once gets no retries: each message would cost two timeouts.
    const response = await requestJson({ method: 'POST', url: queue.url, body, timeoutMs, retries: queue.unreachable ? 0 : 1, fetch: options.fetch });
    if (!response.ok && response.status === undefined) queue.unreachable = true;
    const delivery: NotificationEvent = {
      type: 'notification',
      at: options.now().toISOString(),
      event: notice.event,
      target: queue.target,
      ok: response.ok,
      reason: response.ok ? null : options.mask(response.reason),
      attempts: response.attempts,
    };
    deliveries.push(delivery);
    options.onDelivery?.(delivery);
    if (!response.ok) options.warn(`notification "${notice.event}" to ${queue.target} not delivered: ${delivery.reason} (the run goes on)`);
  };

  return {
    targets: queues.map((queue) => queue.target),
    deliveries,
    send(notice) {
      const masked = maskDeep(notice, options.mask);
      const body = options.format === 'json' ? { source: 'runbook', ...masked } : formatSlackMessage(masked);
      for (const queue of queues) queue.tail = queue.tail.then(() => deliver(queue, masked, body));
    },
    async flush(limitMs = 2 * timeoutMs + 1_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), limitMs);
      });
      const outcome = await Promise.race([Promise.all(queues.map((queue) => queue.tail)).then(() => 'done' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'late') options.warn(`gave up waiting for webhooks after ${Math.round(limitMs / 1000)}s: some notifications may not have been delivered`);
    },
  };
}

/** `https://hooks.slack.com/***`: the scheme and host say where; the path (the token) stays hidden. */
export function maskWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/***`;
  } catch {
    return '***';
  }
}

/** The parts of a webhook URL the run's masker must hide wherever they appear. */
export function webhookSecrets(url: string): string[] {
  const secrets = [url];
  try {
    const parsed = new URL(url);
    const tail = `${parsed.pathname}${parsed.search}`;
    // The path with and without its slash, and its last segment when it is long enough to be the token.
    if (tail.length >= 6) secrets.push(tail, tail.slice(1));
    const last = parsed.pathname.split('/').filter(Boolean).at(-1);
    if (last && last.length >= 12) secrets.push(last);
    for (const value of parsed.searchParams.values()) if (value.length >= 12) secrets.push(value);
    if (parsed.password) secrets.push(parsed.password);
  } catch {
    // not a URL: the whole text is the secret
  }
  return secrets;
}

function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((entry) => maskDeep(entry, mask)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskDeep(entry, mask)])) as T;
  return value;
}
