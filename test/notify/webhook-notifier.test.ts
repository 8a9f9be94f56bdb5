import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent, StepFinished } from '../../src/journal/events.js';
import { createSecretMasker } from '../../src/journal/mask-secrets.js';
import { createNoticeBuilder, type RunNotice } from '../../src/notify/run-notices.js';
import { createWebhookNotifier, maskWebhookUrl, webhookSecrets } from '../../src/notify/webhook-notifier.js';
import { runStarted } from '../helpers/events.js';
import { freePort } from '../helpers/prometheus.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});
async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  receivers.push(started);
  return started;
}

const failedStep: StepFinished = {
  type: 'step-finished',
  at: '2026-11-25T03:00:05.000Z',
  step: 1,
  title: 'Flip <the> flag & restart',
  result: 'failed',
  exitCode: 2,
  durationMs: 1200,
  outputTail: ['make: *** [restart] Error 2', '<!channel> API_TOKEN=hunter2secret'],
  flags: [{ name: 'USE_NEW_REPO', envFile: '~/.env', before: 'true', after: 'false', expected: 'false', ok: true }],
  message: 'exit 2',
};

function notices(events: RunEvent[]): RunNotice[] {
  const build = createNoticeBuilder();
  return events.map(build).filter((notice): notice is RunNotice => notice !== undefined);
}

function notifier(urls: string[], options: { format?: 'slack' | 'json'; timeoutMs?: number } = {}) {
  const warnings: string[] = [];
  const instance = createWebhookNotifier({
    urls,
    format: options.format ?? 'slack',
    timeoutMs: options.timeoutMs ?? 2_000,
    now: () => new Date(),
    mask: createSecretMasker({}, urls.flatMap(webhookSecrets)),
    warn: (message) => warnings.push(message),
  });
  return { instance, warnings };
}

describe('run notices', () => {
  it('turns the run events into started, step failed, recovery and finished notices', () => {
    const built = notices([
      runStarted({ environment: 'staging' }),
      { type: 'step-started', at: '2026-11-25T03:00:01.000Z', step: 1, title: 'Flip', kind: 'shell', commands: 'make', attempt: 1 },
      failedStep,
      { ...failedStep, step: 2, title: 'Validate', result: 'done', exitCode: 0, flags: [] },
      {
        type: 'verification',
        at: '2026-11-25T03:01:00.000Z',
        phase: 'report',
        verdict: 'failed',
        summary: 'error rate 0.2 over 0.05',
        targets: [{ name: 'butler 127.0.0.1:9', health: 'up', lastError: '' }],
        checks: [{ metric: 'Error rate', value: '0.2', threshold: '< 0.05', result: 'fail' }],
      },
      { type: 'run-finished', at: '2026-11-25T03:01:01.000Z', result: 'not-recovered', exitCode: 3, message: 'recovery failed' },
    ]);
    expect(built.map((notice) => notice.event)).toEqual(['run-started', 'step-failed', 'recovery-not-verified', 'run-finished']);
    expect(built[0]).toMatchObject({ stage: '21_01a', note: 'runbooks/21_01a.md', operator: 'alice', host: 'bastion', environment: 'staging', mode: 'unattended', path: { number: 1, title: 'Within 1 hour' } });
    expect(built[1]).toMatchObject({ step: 1, exitCode: 2, lastLines: failedStep.outputTail });
    expect(built[2]).toMatchObject({ verdict: 'failed', checks: [{ metric: 'Error rate', value: '0.2', threshold: '< 0.05', result: 'fail' }], targets: [{ name: 'butler 127.0.0.1:9', health: 'up' }] });
    expect(built[3]).toMatchObject({ result: 'not-recovered', exitCode: 3, steps: { total: 3, done: 1, skipped: 0, failed: 1 }, flags: [{ name: 'USE_NEW_REPO', value: 'false', expected: 'false' }] });
  });
});

describe('webhookSecrets', () => {
  it('hides the URL, its path with or without the slash, the token segment and long query values; shows only scheme and host', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX?sig=abcdefghijklmnop';
    const mask = createSecretMasker({}, webhookSecrets(url));
    expect(mask(`posting to ${url}`)).toBe('posting to ***');
    expect(mask('path services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX?sig=abcdefghijklmnop')).toBe('path ***');
    expect(mask('token XXXXXXXXXXXXXXXXXXXXXXXX, sig abcdefghijklmnop')).toBe('token ***, sig ***');
    expect(maskWebhookUrl(url)).toBe('https://hooks.slack.com/***');
    expect(maskWebhookUrl('not a url')).toBe('***');
  });
});

describe('webhook notifier (real HTTP receiver)', () => {
  it('posts Slack text and blocks, escaped, secrets masked, in order', async () => {
    const webhook = await receiver();
    const { instance, warnings } = notifier([webhook.url]);
    for (const notice of notices([runStarted(), failedStep])) instance.send(notice);
    await instance.flush();
    expect(warnings).toEqual([]);
    expect(webhook.bodies.map((body) => body.text)).toEqual(['Rollback of 21_01a started by alice on bastion', 'Rollback of 21_01a: step 1 "Flip &lt;the&gt; flag &amp; restart" failed (exit 2)']);
    const [started, failed] = webhook.bodies as { blocks: { type: string; text?: { type: string; text: string } }[] }[];
    expect(started!.blocks.map((block) => block.type)).toEqual(['section', 'section', 'context']);
    expect(started!.blocks[1]!.text).toEqual({ type: 'mrkdwn', text: '*Note*: runbooks/21_01a.md\n*Path*: 1. Within 1 hour\n*Environment*: none\n*Mode*: unattended (--yes)' });
    // The last lines of the failed step, as code; a mention in them is text, the token masked.
    expect(failed!.blocks[1]!.text!.text).toBe('```make: *** [restart] Error 2\n&lt;!channel&gt; API_TOKEN=***```');
    expect(JSON.stringify(webhook.bodies)).not.toContain(webhook.token);
    expect(instance.deliveries.map((delivery) => [delivery.event, delivery.ok, delivery.target])).toEqual([
      ['run-started', true, `http://${new URL(webhook.url).host}/***`],
      ['step-failed', true, `http://${new URL(webhook.url).host}/***`],
    ]);
  });

  it('posts the run event as JSON with --notify-format json', async () => {
    const webhook = await receiver();
    const { instance } = notifier([webhook.url], { format: 'json' });
    for (const notice of notices([runStarted()])) instance.send(notice);
    await instance.flush();
    expect(webhook.bodies).toEqual([
      {
        source: 'runbook',
        event: 'run-started',
        runId: '20261125T030000Z-21_01a-beef',
        stage: '21_01a',
        at: '2026-11-25T03:00:00.000Z',
        note: 'runbooks/21_01a.md',
        path: { number: 1, title: 'Within 1 hour' },
        operator: 'alice',
        host: 'bastion',
        environment: null,
        mode: 'unattended',
        fromStep: null,
      },
    ]);
  });

  it('a webhook answering 500 is retried once, then a warning; a 404 is not retried', async () => {
    const failing = await receiver();
    failing.mode = 500;
    const missing = await receiver();
    missing.mode = 404;
    const { instance, warnings } = notifier([failing.url, missing.url]);
    for (const notice of notices([runStarted()])) instance.send(notice);
    await instance.flush();
    expect(failing.requests).toBe(2);
    expect(missing.requests).toBe(1);
    expect(warnings.sort()).toEqual(
      [
        `notification "run-started" to ${maskWebhookUrl(failing.url)} not delivered: HTTP 500: invalid_token (2 attempts) (the run goes on)`,
        `notification "run-started" to ${maskWebhookUrl(missing.url)} not delivered: HTTP 404: invalid_token (the run goes on)`,
      ].sort(),
    );
    expect(warnings.join('\n')).not.toContain(failing.token);
  });

  it('a webhook that is down is a warning', async () => {
    const url = `http://127.0.0.1:${await freePort()}/services/T0/B0/secrettoken`;
    const { instance, warnings } = notifier([url]);
    for (const notice of notices([runStarted()])) instance.send(notice);
    await instance.flush();
    expect(warnings).toEqual([`notification "run-started" to ${maskWebhookUrl(url)} not delivered: connection refused (2 attempts) (the run goes on)`]);
    expect(instance.deliveries).toMatchObject([{ event: 'run-started', ok: false, attempts: 2 }]);
  });

  it('a webhook that never answers costs a bounded delay: the timeout, one retry, then no retries for it', async () => {
    const hung = await receiver();
    hung.mode = 'hang';
    const { instance, warnings } = notifier([hung.url], { timeoutMs: 300 });
    const started = Date.now();
    for (const notice of notices([runStarted(), failedStep])) instance.send(notice);
    await instance.flush();
    // 300 ms + retry pause + 300 ms for the first, 300 ms for the second; far under the 10 s a default would allow.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(hung.requests).toBe(3);
    expect(warnings).toEqual([
      `notification "run-started" to ${maskWebhookUrl(hung.url)} not delivered: no answer within 300ms (2 attempts) (the run goes on)`,
      `notification "step-failed" to ${maskWebhookUrl(hung.url)} not delivered: no answer within 300ms (the run goes on)`,
    ]);
  });
});
