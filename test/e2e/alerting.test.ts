/**
 * Notifications and the Alertmanager silence in real runs: the CLI against a real
 * Alertmanager and a real HTTP webhook receiver, both on loopback.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/poll.js';
import { freePort, startAlertmanager, stopAll, type AlertmanagerServer } from '../helpers/prometheus.js';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let alertmanager: AlertmanagerServer;
let webhook: WebhookReceiver;
beforeAll(async () => {
  [alertmanager, webhook] = await Promise.all([startAlertmanager(), startWebhookReceiver()]);
});
afterAll(async () => {
  await webhook.close();
  await stopAll();
});

/** The silences of one test (each uses its own job label). */
async function silencesOf(job: string) {
  return (await alertmanager.silences()).filter((silence) => silence.matchers.some((matcher) => matcher.name === 'job' && matcher.value === job));
}

function silenceArgs(job: string): string[] {
  return ['--silence', `job=${job}`, '--silence', 'alertname=~"Butler.*"', '--alertmanager-url', alertmanager.url];
}

function texts(): string[] {
  return webhook.bodies.map((body) => String(body.text));
}

function noSecretIn(sandbox: Sandbox, ...outputs: string[]): void {
  for (const output of [...outputs, readFileSync(sandbox.journal().path, 'utf8')]) expect(output).not.toContain(webhook.token);
}

describe('notifications and the silence around a run', () => {
  it('silences while the run goes on, expires the silence at the end, and tells the webhook (URL never shown)', async () => {
    webhook.bodies.length = 0;
    webhook.mode = 'ok';
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'sleep', '1');
    const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes', '--notify', webhook.url, ...silenceArgs('e2e-run')));
    const during = await waitFor('the silence', async () => (await silencesOf('e2e-run')).find((silence) => silence.status.state === 'active'), { timeoutMs: 15_000 });
    const result = await run.result;
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const { runId, events } = sandbox.journal();

    expect(during).toMatchObject({
      createdBy: 'operator',
      comment: `runbook rollback of stage 21_01a, run ${runId}, note ${sandbox.runbooks}/21_01a_dialog_context_repo.md`,
      matchers: [
        { name: 'job', value: 'e2e-run', isRegex: false, isEqual: true },
        { name: 'alertname', value: 'Butler.*', isRegex: true, isEqual: true },
      ],
    });
    expect(result.stdout).toContain(`Silenced job="e2e-run", alertname=~"Butler.*" at Alertmanager ${alertmanager.url} (silence ${during.id}).`);
    expect((await alertmanager.silence(during.id)).status.state).toBe('expired');
    expect(events.filter((event) => event.type === 'silence').map((event) => [event.action, event.id])).toEqual([
      ['created', during.id],
      ['expired', during.id],
    ]);

    expect(texts()).toEqual(['Rollback of 21_01a started by operator on ' + String(events[0]!.host), 'Rollback of 21_01a succeeded (exit 0)']);
    expect(JSON.stringify(webhook.bodies[1])).toContain('*Steps*: 2 of 3 done, 1 skipped');
    expect(JSON.stringify(webhook.bodies[1])).toContain('*Flags now*: USE_NEW_DIALOG_CONTEXT_REPO=false');
    // Journalled: each delivery, the webhook masked; the last line is still run-finished.
    expect(events.filter((event) => event.type === 'notification').map((event) => [event.event, event.ok, event.target])).toEqual([
      ['run-started', true, `http://${new URL(webhook.url).host}/***`],
      ['run-finished', true, `http://${new URL(webhook.url).host}/***`],
    ]);
    expect(events.at(-1)!.type).toBe('run-finished');
    noSecretIn(sandbox, result.stdout, result.stderr);
  });

  it('a failed step is announced with its exit code and last lines; the silence ends at once', async () => {
    webhook.bodies.length = 0;
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '4');
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--notify', webhook.url, '--notify-format', 'json', ...silenceArgs('e2e-fail'), '--silence-grace', '10m'), {
      env: { RUNBOOK_NOTIFY_URL: webhook.url },
    });
    expect(result.exitCode).toBe(1);
    expect(webhook.bodies.map((body) => body.event)).toEqual(['run-started', 'step-failed', 'run-finished']);
    expect(webhook.bodies[1]).toMatchObject({ source: 'runbook', step: 2, title: 'Validate rollback', result: 'failed', exitCode: 4, lastLines: expect.arrayContaining(['poetry: failing with exit 4']) });
    expect(webhook.bodies[2]).toMatchObject({ result: 'failed', exitCode: 1, steps: { total: 3, done: 1, failed: 1 } });
    const [silence] = await silencesOf('e2e-fail');
    // Not verified: no grace, expired when the run ended.
    expect(silence!.status.state).toBe('expired');
    noSecretIn(sandbox, result.stdout, result.stderr);
  });

  it('a killed run stops renewing: its silence lapses by itself; a resume makes a new one, or takes over one still active', async () => {
    const sandbox = createSandbox();
    const env = { RUNBOOK_SILENCE_LEASE: '2s' };
    const killRun = async () => {
      sandbox.stub('poetry', 'hang');
      const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes', ...silenceArgs('e2e-kill')), { env });
      await sandbox.waitForHang('poetry');
      return run;
    };
    const run = await killRun();
    const [silence] = await silencesOf('e2e-kill');
    expect(silence!.status.state).toBe('active');
    // Past its first end, renewed while the run goes on.
    await sleep(2_500);
    expect((await alertmanager.silence(silence!.id)).status.state).toBe('active');
    run.child.kill('SIGKILL');
    await run.result;
    sandbox.unstub('poetry', 'hang');
    await waitFor('the silence to lapse', async () => (await alertmanager.silence(silence!.id)).status.state === 'expired', { timeoutMs: 6_000, intervalMs: 200 });

    const resumed = await sandbox.run(['resume', '21_01a', '--yes', ...silenceArgs('e2e-kill')], { env });
    expect(resumed.exitCode).toBe(0);
    const actions = sandbox.journal().events.filter((event) => event.type === 'silence');
    expect(actions.map((event) => event.action)).toEqual(['created', 'created', 'expired']);
    expect(actions[1]!.id).not.toBe(silence!.id);
    expect((await alertmanager.silence(String(actions[1]!.id))).status.state).toBe('expired');
  });

  it('an interrupted run (SIGTERM) expires its silence and says so before it exits', async () => {
    webhook.bodies.length = 0;
    webhook.mode = 'ok';
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'hang');
    const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes', '--notify', webhook.url, ...silenceArgs('e2e-term')));
    await sandbox.waitForHang('poetry');
    const [silence] = await silencesOf('e2e-term');
    expect(silence!.status.state).toBe('active');
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.exitCode).toBe(130);
    expect((await alertmanager.silence(silence!.id)).status.state).toBe('expired');
    expect(
      sandbox
        .journal()
        .events.filter((event) => event.type === 'silence')
        .map((event) => event.action),
    ).toEqual(['created', 'expired']);
    expect(texts().at(-1)).toBe('Rollback of 21_01a interrupted (exit 130)');
  });

  it('a resume right after a kill takes over the silence that is still active', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'hang');
    const run = sandbox.start(sandbox.args('rollback', '21_01a', '--yes', ...silenceArgs('e2e-takeover')));
    await sandbox.waitForHang('poetry');
    run.child.kill('SIGKILL');
    await run.result;
    sandbox.unstub('poetry', 'hang');
    const [silence] = await silencesOf('e2e-takeover');
    webhook.bodies.length = 0;
    webhook.mode = 'ok';
    const resumed = await sandbox.run(['resume', '21_01a', '--yes', '--notify', webhook.url, ...silenceArgs('e2e-takeover')]);
    expect(resumed.exitCode).toBe(0);
    // The run's whole story: step 1 was done before the kill.
    // The step the kill cut short is announced too: nobody had heard of it.
    expect(texts()).toEqual([
      `Rollback of 21_01a resumed from step 2 by operator on ${String(sandbox.journal().events[0]!.host)}`,
      'Rollback of 21_01a: step 2 "Validate rollback" interrupted',
      'Rollback of 21_01a succeeded (exit 0)',
    ]);
    expect(JSON.stringify(webhook.bodies[0])).toContain('*Mode*: unattended (--yes)');
    expect(JSON.stringify(webhook.bodies[2])).toContain('*Steps*: 2 of 3 done, 1 skipped');
    expect(resumed.stdout).toContain(`(silence ${silence!.id}, taken over from the run before)`);
    expect(
      sandbox
        .journal()
        .events.filter((event) => event.type === 'silence')
        .map((event) => [event.action, event.id]),
    ).toEqual([
      ['created', silence!.id],
      ['taken-over', silence!.id],
      ['expired', silence!.id],
    ]);
    expect((await silencesOf('e2e-takeover')).map((candidate) => candidate.status.state)).toEqual(['expired']);
  });

  it('Alertmanager down: unattended, a warning and the run goes on; with --require-silence nothing runs (exit 2)', async () => {
    const sandbox = createSandbox();
    const down = `http://127.0.0.1:${await freePort()}`;
    const warned = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--silence', 'job=x', '--alertmanager-url', down));
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toBe(`runbook: warning: could not create the silence (Alertmanager at ${down}: connection refused (2 attempts)): the run goes on without it; alerts may fire while it runs\n`);
    expect(
      sandbox
        .journal()
        .events.filter((event) => event.type === 'silence')
        .map((event) => event.action),
    ).toEqual(['not-created']);

    const strict = createSandbox();
    const refused = await strict.run(strict.args('rollback', '21_01a', '--yes', '--silence', 'job=x', '--alertmanager-url', down, '--require-silence'));
    expect(refused.stderr).toBe(`runbook: --require-silence: could not create the silence (Alertmanager at ${down}: connection refused (2 attempts)): nothing was run\n`);
    expect(refused.exitCode).toBe(2);
    expect(strict.calls()).toEqual([]);
    expect(strict.journals()).toEqual([]);
  });

  it('Alertmanager down on a terminal: asks whether to go on without the silence; no stops before the first step, yes goes on', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const question = `Could not create the Alertmanager silence (Alertmanager at ${down}: connection refused (2 attempts)). Go on without it?`;
    const refusing = createSandbox();
    const terminal = await refusing.openTerminal([...refusing.args('rollback', '21_01a', '--silence', 'job=x', '--alertmanager-url', down), '--no-verify']);
    await terminal.waitForText(question);
    await terminal.answer('n');
    expect(await terminal.waitForExit()).toBe(1);
    expect(await terminal.screen()).toContain('runbook: no Alertmanager silence and the operator chose not to go on without it: nothing was run');
    expect(refusing.calls()).toEqual([]);

    const going = createSandbox();
    const second = await going.openTerminal([...going.args('rollback', '21_01a', '--silence', 'job=x', '--alertmanager-url', down), '--no-verify']);
    await second.waitForText(question);
    await second.answer('y');
    await second.waitForText('Run step 1?');
    await second.answer('q');
    expect(await second.waitForExit()).toBe(1);
    expect(going.calls()).toEqual([]);
  });

  it('a webhook answering 500 is a warning; the rollback succeeds', async () => {
    webhook.mode = 500;
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--notify', webhook.url));
    webhook.mode = 'ok';
    expect(result.exitCode).toBe(0);
    const host = new URL(webhook.url).host;
    expect(result.stderr).toBe(
      [
        `runbook: warning: notification "run-started" to http://${host}/*** not delivered: HTTP 500: invalid_token (2 attempts) (the run goes on)`,
        `runbook: warning: notification "run-finished" to http://${host}/*** not delivered: HTTP 500: invalid_token (2 attempts) (the run goes on)`,
        '',
      ].join('\n'),
    );
    noSecretIn(sandbox, result.stdout, result.stderr);
  });

  it('an environment can hold the webhook (through a variable) and the silence: the plan shows them, a run uses them', async () => {
    webhook.bodies.length = 0;
    webhook.mode = 'ok';
    const sandbox = createSandbox({ env: { STAGING_WEBHOOK_URL: webhook.url, STAGING_ALERTMANAGER_URL: alertmanager.url } });
    const environments = { staging: { notify: '${STAGING_WEBHOOK_URL}', silence: ['job=e2e-env', 'severity!~"info"'], alertmanagerUrl: '${STAGING_ALERTMANAGER_URL}' } };
    writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments }));
    const shown = await sandbox.run(sandbox.args('show', '21_01a', '--env', 'staging'));
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain(
      `\nAround the run\n  notify   http://${new URL(webhook.url).host}/*** (slack): run started, a step failed, recovery, run finished\n  silence  job="e2e-env", severity!~"info" at Alertmanager ${alertmanager.url}\n`,
    );
    expect(shown.stdout).not.toContain(webhook.token);

    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--env', 'staging', '--yes'));
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    const [silence] = await silencesOf('e2e-env');
    expect(silence).toMatchObject({
      status: { state: 'expired' },
      matchers: [
        { name: 'job', value: 'e2e-env', isRegex: false, isEqual: true },
        { name: 'severity', value: 'info', isRegex: true, isEqual: false },
      ],
    });
    expect(texts()).toHaveLength(2);
    noSecretIn(sandbox, shown.stdout, result.stdout, result.stderr);
  });

  it('a webhook that never answers costs a bounded delay at the end, and a warning', async () => {
    webhook.mode = 'hang';
    const sandbox = createSandbox();
    const started = Date.now();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--notify', webhook.url), { env: { RUNBOOK_NOTIFY_TIMEOUT: '300ms' } });
    webhook.mode = 'ok';
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`runbook: warning: notification "run-started" to http://${new URL(webhook.url).host}/*** not delivered: no answer within 300ms (2 attempts) (the run goes on)\n`);
    expect(result.stderr).toContain('"run-finished"');
    // Two attempts of the first message, one of the last: far from the 5 s default, and nothing hangs.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a step that prints the webhook URL (from RUNBOOK_NOTIFY_URL) shows it masked, on screen and in the journal', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/echoes-webhook.md'], env: { RUNBOOK_NOTIFY_URL: webhook.url } });
    const result = await sandbox.run(sandbox.args('rollback', '93_webhook', '--yes'));
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('› webhook is ***\n');
    expect(result.stdout).toMatch(/› its path is \S*\*\*\*\n/);
    noSecretIn(sandbox, result.stdout);
    expect(readFileSync(sandbox.journal().path, 'utf8')).not.toContain(new URL(webhook.url).pathname);
  });

  it('the dry run shows the silence and the webhooks (masked), and runs nothing', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--dry-run', '--notify', webhook.url, ...silenceArgs('e2e-dry'), '--silence-grace', '2m'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      [
        'Around the run',
        `  notify   http://${new URL(webhook.url).host}/*** (slack): run started, a step failed, recovery, run finished`,
        `  silence  job="e2e-dry", alertname=~"Butler.*" at Alertmanager ${alertmanager.url}`,
        '           from before the first step, 5m at a time, renewed every 1m40s while the run goes on;',
        '           expired when it ends (2m later if recovery is verified)',
      ].join('\n'),
    );
    expect(result.stdout).not.toContain(webhook.token);
    expect(await silencesOf('e2e-dry')).toEqual([]);
    expect(sandbox.calls()).toEqual([]);
  });
});
