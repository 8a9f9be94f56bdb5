/**
 * What goes on around a run for the people and the alerting: chat notifications at its
 * moments (src/notify/) and an Alertmanager silence for its window (src/alertmanager/).
 * `alertingSettings` checks the options before anything runs; `describeAlerting` is what the
 * plan and the dry run show; `startAlerting` is the live part a run hooks in. Neither ever
 * fails a rollback once it runs: a webhook or Alertmanager that lets us down is a warning.
 */

import { createAlertmanagerClient, parseAlertmanagerUrl } from '../alertmanager/client.js';
import { formatMatcher, parseSilenceOptions, type SilenceMatcher } from '../alertmanager/matchers.js';
import { createSilenceKeeper, DEFAULT_SILENCE_LEASE_MS } from '../alertmanager/silence-keeper.js';
import type { EnvironmentProfile } from '../environments/parse-environments.js';
import { AbortedError, UsageError } from '../errors.js';
import type { Fetch } from '../http/request-json.js';
import type { Io } from '../io.js';
import type { RunEvent, RunFinished, RunStarted, SilenceRecorded } from '../journal/events.js';
import { parseDuration } from '../options/duration.js';
import { formatMs, parseDurationOption } from '../prometheus/duration.js';
import { createNoticeBuilder } from '../notify/run-notices.js';
import { createWebhookNotifier, DEFAULT_NOTIFY_TIMEOUT_MS, maskWebhookUrl, NOTIFY_FORMATS, webhookSecrets, type NotifyFormat } from '../notify/webhook-notifier.js';
import { escapeText } from '../view/escape-text.js';

/** The command-line options (see cli.ts). */
export interface AlertingFlags {
  notify?: string[];
  notifyFormat?: string;
  silence?: string[];
  alertmanagerUrl?: string;
  silenceGrace?: string;
  requireSilence?: boolean;
}

export interface AlertingSettings {
  /** The webhook URLs: secrets, never shown (see `maskWebhookUrl`). */
  webhooks: string[];
  format: NotifyFormat;
  notifyTimeoutMs: number;
  silence?: {
    matchers: SilenceMatcher[];
    alertmanagerUrl: string;
    graceMs: number;
    leaseMs: number;
    required: boolean;
  };
}

/**
 * Reads the options, RUNBOOK_NOTIFY_URL / ALERTMANAGER_URL and the environment profile, and
 * refuses bad values at once. Webhooks add up (the command line's, the variable's and the
 * profile's); --silence replaces the profile's matchers; the Alertmanager URL is taken from
 * the option, then the variable, then the profile.
 */
export function alertingSettings(flags: AlertingFlags, env: Record<string, string | undefined>, profile: Pick<EnvironmentProfile, 'notify' | 'silence' | 'alertmanagerUrl'> | undefined): AlertingSettings {
  const format = (flags.notifyFormat ?? 'slack') as NotifyFormat;
  if (!NOTIFY_FORMATS.includes(format)) throw new UsageError(`--notify-format ${flags.notifyFormat}: expected ${NOTIFY_FORMATS.join(' or ')}`);
  const webhooks = [...new Set([...(flags.notify ?? []), ...(env.RUNBOOK_NOTIFY_URL ? [env.RUNBOOK_NOTIFY_URL] : []), ...(profile?.notify ?? [])].map((url) => url.trim()))];
  for (const url of webhooks) {
    // The value is not quoted: a webhook URL carries its token.
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`a --notify webhook (or RUNBOOK_NOTIFY_URL, or the environment's notify) is not an http(s) URL: ${maskWebhookUrl(url)}`);
  }
  const notifyTimeoutMs = env.RUNBOOK_NOTIFY_TIMEOUT ? testKnob(env.RUNBOOK_NOTIFY_TIMEOUT, 'RUNBOOK_NOTIFY_TIMEOUT') : DEFAULT_NOTIFY_TIMEOUT_MS;

  const fromCommandLine = (flags.silence ?? []).length > 0;
  const matchers = parseSilenceOptions(fromCommandLine ? flags.silence! : (profile?.silence ?? []), fromCommandLine ? '--silence' : 'the environment\'s "silence"');
  const graceMs = flags.silenceGrace === undefined || /^0+(s|m|ms)?$/.test(flags.silenceGrace.trim()) ? 0 : parseDuration(flags.silenceGrace, '--silence-grace');
  if (matchers.length === 0) {
    if (flags.requireSilence) throw new UsageError('--require-silence: no silence to require; give --silence MATCHER (e.g. --silence job=butler) or "silence" in the environment');
    if (flags.silenceGrace !== undefined) throw new UsageError('--silence-grace: there is no silence; give --silence MATCHER too');
    return { webhooks, format, notifyTimeoutMs };
  }
  const alertmanagerUrl = flags.alertmanagerUrl ?? env.ALERTMANAGER_URL ?? profile?.alertmanagerUrl;
  if (!alertmanagerUrl) throw new UsageError('--silence needs an Alertmanager: give --alertmanager-url URL, or set ALERTMANAGER_URL, or "alertmanagerUrl" in the environment');
  parseAlertmanagerUrl(alertmanagerUrl);
  const leaseMs = env.RUNBOOK_SILENCE_LEASE ? testKnob(env.RUNBOOK_SILENCE_LEASE, 'RUNBOOK_SILENCE_LEASE') : DEFAULT_SILENCE_LEASE_MS;
  return { webhooks, format, notifyTimeoutMs, silence: { matchers, alertmanagerUrl, graceMs, leaseMs, required: flags.requireSilence === true } };
}

/** The lines the plan and the dry run show: what a run would silence, and whom it would tell (masked). */
export function describeAlerting(settings: AlertingSettings): string[] {
  const lines: string[] = [];
  if (settings.webhooks.length > 0) lines.push(`  notify   ${settings.webhooks.map(maskWebhookUrl).join(', ')} (${settings.format}): run started, a step failed, recovery, run finished`);
  const silence = settings.silence;
  if (silence) {
    const { display } = parseAlertmanagerUrl(silence.alertmanagerUrl);
    lines.push(`  silence  ${silence.matchers.map(formatMatcher).join(', ')} at Alertmanager ${display}${silence.required ? ' (required: no run without it)' : ''}`);
    lines.push(`           from before the first step, ${formatMs(silence.leaseMs)} at a time, renewed every ${formatMs(Math.floor(silence.leaseMs / 3))} while the run goes on;`);
    lines.push(`           expired when it ends (${silence.graceMs > 0 ? `${formatMs(silence.graceMs)} later if recovery is verified` : 'at once'})`);
  }
  return lines;
}

/** The same, for `--dry-run --json`: webhooks masked. */
export function alertingJson(settings: AlertingSettings) {
  const silence = settings.silence;
  return {
    notify: settings.webhooks.map(maskWebhookUrl),
    notifyFormat: settings.format,
    silence: silence
      ? { matchers: silence.matchers.map(formatMatcher), alertmanagerUrl: parseAlertmanagerUrl(silence.alertmanagerUrl).display, leaseMs: silence.leaseMs, graceMs: silence.graceMs, required: silence.required }
      : null,
  };
}

/** The webhook URLs and their tokens, for the run's secret masker. */
export function alertingSecrets(settings: AlertingSettings): string[] {
  return settings.webhooks.flatMap(webhookSecrets);
}

export interface RunAlerting {
  /** Journalled with the opening events: what became of the silence. */
  opening: RunEvent[];
  /** Every event of the run. */
  listener(event: RunEvent): void;
  /** The end, however the run ends, before `run-finished` is journalled. */
  finish(end: { at: string; result: RunFinished['result']; exitCode: number; message: string | null; verified: boolean }, emit: (event: RunEvent) => void): Promise<void>;
}

export interface AlertingContext {
  started: Pick<RunStarted, 'runId' | 'stage' | 'note'>;
  unattended: boolean;
  mask: (text: string) => string;
  /** The run's earlier events (a resume): counted in "finished", and the silence to take over. */
  history?: RunEvent[];
  fetch?: Fetch;
  /** For tests: asks whether to go on without the silence (default: an enquirer prompt). */
  confirm?: (message: string) => Promise<boolean>;
}

/**
 * Before the first step: creates (or takes over) the silence. When Alertmanager refuses, an
 * operator is asked whether to go on without it; unattended it is a warning, unless the
 * silence is required: then nothing runs (exit 2).
 */
export async function startAlerting(settings: AlertingSettings, context: AlertingContext, io: Io): Promise<RunAlerting | undefined> {
  if (settings.webhooks.length === 0 && !settings.silence) return undefined;
  const warn = (message: string) => io.stderr.write(`runbook: warning: ${escapeText(context.mask(message))}\n`);
  const later: RunEvent[] = [];
  const opening: RunEvent[] = [];

  let keeper: ReturnType<typeof createSilenceKeeper> | undefined;
  if (settings.silence) {
    const silence = settings.silence;
    let inOpening = true;
    keeper = createSilenceKeeper({
      api: createAlertmanagerClient({ url: silence.alertmanagerUrl, fetch: context.fetch }),
      matchers: silence.matchers,
      createdBy: io.user,
      comment: context.mask(`runbook rollback of stage ${context.started.stage ?? '(none)'}, run ${context.started.runId}, note ${context.started.note}`),
      leaseMs: silence.leaseMs,
      now: () => io.now(),
      onEvent: (event) => (inOpening ? opening : later).push(event),
      warn,
    });
    const started = await keeper.start(lastSilenceId(context.history ?? []));
    inOpening = false;
    if (!started.ok) {
      const why = context.mask(started.reason);
      if (silence.required) throw new UsageError(`--require-silence: could not create the silence (${why}): nothing was run`);
      if (context.unattended || !io.interactive) warn(`could not create the silence (${why}): the run goes on without it; alerts may fire while it runs`);
      else if (!(await (context.confirm ?? confirm)(`Could not create the Alertmanager silence (${why}). Go on without it?`))) {
        throw new AbortedError('no Alertmanager silence and the operator chose not to go on without it: nothing was run');
      }
    } else {
      const event = opening.at(-1) as SilenceRecorded;
      io.stdout.write(escapeText(`Silenced ${event.matchers.join(', ')} at Alertmanager ${event.alertmanagerUrl} (silence ${event.id}${event.action === 'taken-over' ? ', taken over from the run before' : ''}).`) + '\n');
    }
  }

  const notifier =
    settings.webhooks.length > 0
      ? createWebhookNotifier({
          urls: settings.webhooks,
          format: settings.format,
          timeoutMs: settings.notifyTimeoutMs,
          fetch: context.fetch,
          now: () => io.now(),
          mask: context.mask,
          warn,
          onDelivery: (delivery) => later.push(delivery),
        })
      : undefined;
  const notice = createNoticeBuilder(context.history, { unattended: context.unattended });

  return {
    opening,
    listener(event) {
      // run-finished is announced by `finish`, before it is journalled.
      if (event.type === 'run-finished' || !notifier) return;
      const built = notice(event);
      if (built) notifier.send(built);
    },
    async finish(end, emit) {
      await keeper?.finish(end.verified ? (settings.silence?.graceMs ?? 0) : 0);
      if (notifier) {
        const built = notice({ type: 'run-finished', at: end.at, result: end.result, exitCode: end.exitCode, message: end.message });
        if (built) notifier.send(built);
        await notifier.flush();
      }
      for (const event of later.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) emit(event);
    },
  };
}

/** The silence a resumed run had: the last one it created, took over or was given. */
function lastSilenceId(history: RunEvent[]): string | undefined {
  const last = history.findLast((event): event is SilenceRecorded => event.type === 'silence' && event.id !== null && ['created', 'taken-over', 'replaced'].includes(event.action));
  return last?.id ?? undefined;
}

async function confirm(message: string): Promise<boolean> {
  const { default: Enquirer } = await import('enquirer');
  try {
    return (await new Enquirer<{ value: boolean }>().prompt({ type: 'confirm', name: 'value', message, initial: false })).value;
  } catch {
    return false; // Ctrl-C at the question: do not go on
  }
}

/** RUNBOOK_SILENCE_LEASE / RUNBOOK_NOTIFY_TIMEOUT: short values for tests (documented in docs/notifications.md). */
function testKnob(text: string, name: string): number {
  const ms = parseDurationOption(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`${name}=${text}: not a duration; write e.g. 3s or 500ms`);
  return ms;
}
