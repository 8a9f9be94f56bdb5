import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerClient } from '../../src/alertmanager/client.js';
import { parseSilenceOptions } from '../../src/alertmanager/matchers.js';
import { createSilenceKeeper, type SilenceEvent } from '../../src/alertmanager/silence-keeper.js';
import { freePort, startAlertmanager, stopAll, type AlertmanagerServer } from '../helpers/prometheus.js';

let alertmanager: AlertmanagerServer;
beforeAll(async () => {
  alertmanager = await startAlertmanager();
});
afterAll(() => stopAll());

function keeper(options: { url?: string; leaseMs?: number; matchers?: string[] } = {}) {
  const events: SilenceEvent[] = [];
  const warnings: string[] = [];
  const silenceKeeper = createSilenceKeeper({
    api: createAlertmanagerClient({ url: options.url ?? alertmanager.url, timeoutMs: 2_000 }),
    matchers: parseSilenceOptions(options.matchers ?? ['job=butler', 'alertname=~"Butler.*"']),
    createdBy: 'operator',
    comment: 'runbook rollback of stage 21_01a, run R1, note n.md',
    leaseMs: options.leaseMs ?? 60_000,
    now: () => new Date(),
    onEvent: (event) => events.push(event),
    warn: (message) => warnings.push(message),
  });
  return { silenceKeeper, events, warnings };
}

describe('silence keeper (real Alertmanager)', () => {
  it('creates the silence with the matchers, operator and comment, keeps it by renewing, and expires it at the end', async () => {
    const { silenceKeeper, events, warnings } = keeper({ leaseMs: 1_200 });
    const started = await silenceKeeper.start();
    expect(started.ok).toBe(true);
    const id = silenceKeeper.id!;
    const silence = await alertmanager.silence(id);
    expect(silence).toMatchObject({
      status: { state: 'active' },
      createdBy: 'operator',
      comment: 'runbook rollback of stage 21_01a, run R1, note n.md',
      matchers: [
        { name: 'job', value: 'butler', isRegex: false, isEqual: true },
        { name: 'alertname', value: 'Butler.*', isRegex: true, isEqual: true },
      ],
    });
    // Past its first end: still active, the same silence, its end moved on.
    await sleep(2_000);
    const renewed = await alertmanager.silence(id);
    expect(renewed.status.state).toBe('active');
    expect(Date.parse(renewed.endsAt)).toBeGreaterThan(Date.parse(silence.endsAt));
    expect((await alertmanager.silences()).filter((candidate) => candidate.comment.includes('run R1') && candidate.status.state === 'active').map((candidate) => candidate.id)).toEqual([id]);

    await silenceKeeper.finish(0);
    expect((await alertmanager.silence(id)).status.state).toBe('expired');
    expect(events.map((event) => [event.action, event.id])).toEqual([
      ['created', id],
      ['expired', id],
    ]);
    expect(events[0]).toMatchObject({ alertmanagerUrl: alertmanager.url, matchers: ['job="butler"', 'alertname=~"Butler.*"'], reason: null });
    expect(warnings).toEqual([]);
  });

  it('after a verified recovery, leaves the silence to lapse after the grace period', async () => {
    const { silenceKeeper, events } = keeper();
    await silenceKeeper.start();
    const before = Date.now();
    await silenceKeeper.finish(30_000);
    const silence = await alertmanager.silence(silenceKeeper.id!);
    expect(silence.status.state).toBe('active');
    expect(Date.parse(silence.endsAt)).toBeGreaterThanOrEqual(before + 29_000);
    expect(Date.parse(silence.endsAt)).toBeLessThanOrEqual(Date.now() + 30_000);
    expect(events.map((event) => event.action)).toEqual(['created', 'lapsing']);
  });

  it('takes over a silence that is still active, and makes a new one when it has ended', async () => {
    const first = keeper({ matchers: ['job=takeover'] });
    await first.silenceKeeper.start();
    const id = first.silenceKeeper.id!;

    const second = keeper({ matchers: ['job=takeover'] });
    expect(await second.silenceKeeper.start(id)).toEqual({ ok: true, value: id });
    expect(second.events.map((event) => event.action)).toEqual(['taken-over']);
    await second.silenceKeeper.finish(0);

    const third = keeper({ matchers: ['job=takeover'] });
    const started = await third.silenceKeeper.start(id);
    expect(started.ok && started.value).not.toBe(id);
    expect(third.events.map((event) => event.action)).toEqual(['created']);
    expect((await alertmanager.silence(third.silenceKeeper.id!)).status.state).toBe('active');
    await third.silenceKeeper.finish(0);
  });

  it('says why when Alertmanager cannot be reached or refuses the silence', async () => {
    const down = keeper({ url: `http://127.0.0.1:${await freePort()}` });
    expect(await down.silenceKeeper.start()).toEqual({ ok: false, reason: expect.stringMatching(/^Alertmanager at http:\/\/127\.0\.0\.1:\d+: connection refused \(2 attempts\)$/) });
    expect(down.events.map((event) => [event.action, event.id])).toEqual([['not-created', null]]);
    await down.silenceKeeper.finish(0); // nothing to expire: no call, no warning
    expect(down.warnings).toEqual([]);

    // A matcher Alertmanager's RE2 refuses (JavaScript accepts lookaheads): its 400 says why.
    const refused = keeper({ matchers: ['alertname=~"Butler(?=x)"'] });
    const result = await refused.silenceKeeper.start();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^Alertmanager at http:\/\/127\.0\.0\.1:\d+: HTTP 400: .+/);
  });
});
