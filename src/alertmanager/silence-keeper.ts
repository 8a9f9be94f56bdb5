/**
 * Keeps an Alertmanager silence for as long as a run goes on: created (or taken over, on
 * resume) before the first step with a short end, renewed on a timer, and expired when the
 * run ends — at once, or after a grace period when recovery was verified. A run that crashes
 * stops renewing, so its silence lapses by itself a lease later: no alert stays muted for a
 * rollback that is no longer happening.
 */

import type { SilenceRecorded } from '../journal/events.js';
import type { AlertmanagerApi, Result } from './client.js';
import { formatMatcher, type SilenceMatcher } from './matchers.js';

/** How long each renewal extends the silence, and how often it is renewed (a third of that). */
export const DEFAULT_SILENCE_LEASE_MS = 5 * 60_000;

export type SilenceEvent = SilenceRecorded;
type SilenceAction = SilenceRecorded['action'];

export interface SilenceKeeperOptions {
  api: AlertmanagerApi;
  matchers: SilenceMatcher[];
  createdBy: string;
  comment: string;
  leaseMs?: number;
  now: () => Date;
  onEvent: (event: SilenceEvent) => void;
  warn: (message: string) => void;
  /** Runs `renew` every `ms`; returns the cancel function. Default: an unref'd setInterval. */
  every?: (ms: number, renew: () => void) => () => void;
}

export interface SilenceKeeper {
  readonly id: string | undefined;
  /** Creates the silence, or takes over `existingId` when it is still active with the same matchers. */
  start(existingId?: string): Promise<Result<string>>;
  /** Stops renewing; expires the silence now, or lets it lapse after `graceMs`. */
  finish(graceMs: number): Promise<void>;
}

export function createSilenceKeeper(options: SilenceKeeperOptions): SilenceKeeper {
  const { api, now } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_SILENCE_LEASE_MS;
  const every = options.every ?? realEvery;
  const matchers = options.matchers.map(formatMatcher);
  let id: string | undefined;
  let startsAt = '';
  let cancel: (() => void) | undefined;
  let renewing: Promise<void> = Promise.resolve();
  let failing = false;

  const record = (action: SilenceAction, fields: { endsAt?: string | null; reason?: string | null } = {}) =>
    options.onEvent({ type: 'silence', at: now().toISOString(), action, id: id ?? null, alertmanagerUrl: api.url, matchers, endsAt: fields.endsAt ?? null, reason: fields.reason ?? null });
  const post = (endsAt: Date) => api.postSilence({ ...(id ? { id } : {}), matchers: options.matchers, startsAt, endsAt: endsAt.toISOString(), createdBy: options.createdBy, comment: options.comment });

  const renew = async () => {
    const endsAt = new Date(now().getTime() + leaseMs);
    const previous = id;
    const posted = await post(endsAt);
    if (!posted.ok) {
      // Warned once per streak of failures: the silence lapses by itself if they go on.
      if (!failing) options.warn(`could not extend the silence ${previous}: ${posted.reason}; it lapses at its end unless a later renewal gets through`);
      failing = true;
      return;
    }
    failing = false;
    id = posted.value;
    // Alertmanager answers an update it cannot make in place with a new silence.
    if (id !== previous) record('replaced', { endsAt: endsAt.toISOString() });
  };

  return {
    get id() {
      return id;
    },
    async start(existingId) {
      startsAt = now().toISOString();
      let action: SilenceAction = 'created';
      if (existingId) {
        const found = await api.getSilence(existingId);
        if (found.ok && found.value && found.value.state === 'active' && sameMatchers(found.value.matchers, options.matchers)) {
          id = existingId;
          startsAt = found.value.startsAt;
          action = 'taken-over';
        }
      }
      const endsAt = new Date(now().getTime() + leaseMs);
      const posted = await post(endsAt);
      if (!posted.ok) {
        record('not-created', { reason: posted.reason });
        id = undefined;
        return posted;
      }
      id = posted.value;
      // Alertmanager starts a new silence at its own "now"; an update must repeat that exact
      // start, or it is answered with a replacement silence (a new id) instead.
      if (action === 'created') {
        const read = await api.getSilence(id);
        if (read.ok && read.value?.startsAt) startsAt = read.value.startsAt;
      }
      record(action, { endsAt: endsAt.toISOString() });
      cancel = every(Math.max(100, Math.floor(leaseMs / 3)), () => {
        renewing = renewing.then(renew);
      });
      return { ok: true, value: id };
    },
    async finish(graceMs) {
      cancel?.();
      cancel = undefined;
      await renewing;
      if (!id) return;
      if (graceMs > 0) {
        const endsAt = new Date(now().getTime() + graceMs);
        const posted = await post(endsAt);
        if (posted.ok) {
          id = posted.value;
          record('lapsing', { endsAt: endsAt.toISOString() });
          return;
        }
        options.warn(`could not set the silence ${id} to end in the grace period: ${posted.reason}; expiring it now`);
      }
      const expired = await api.expireSilence(id);
      if (expired.ok) record('expired', { endsAt: now().toISOString() });
      else {
        record('not-expired', { reason: expired.reason });
        options.warn(`could not expire the silence ${id}: ${expired.reason}; it lapses by itself within ${Math.round(leaseMs / 1000)}s`);
      }
    },
  };
}

function sameMatchers(a: SilenceMatcher[] | undefined, b: SilenceMatcher[]): boolean {
  const key = (list: SilenceMatcher[]) =>
    list
      .map((matcher) => formatMatcher({ ...matcher, isEqual: matcher.isEqual ?? true }))
      .sort()
      .join(',');
  return a !== undefined && key(a) === key(b);
}

function realEvery(ms: number, renew: () => void): () => void {
  const timer = setInterval(renew, ms);
  // The run keeps the process alive; a renewal must never be what does.
  timer.unref();
  return () => clearInterval(timer);
}
