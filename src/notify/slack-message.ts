/**
 * A notice as a Slack incoming-webhook body: `text` (the fallback shown in notifications)
 * plus Block Kit `blocks`. Mattermost and Rocket.Chat accept the same body. Every piece of
 * text comes from a note, a step's output or a server: `&`, `<` and `>` are escaped, as
 * Slack asks (https://api.slack.com/reference/surfaces/formatting#escaping), so no text can
 * become a mention or a link. Pure.
 */

import type { RunNotice } from './run-notices.js';

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack refuses a section text longer than 3000 characters. */
const MAX_SECTION = 2900;

export function formatSlackMessage(notice: RunNotice): SlackMessage {
  const stage = escapeSlack(notice.stage ?? 'a note');
  const run = `run \`${escapeSlack(notice.runId)}\``;
  switch (notice.event) {
    case 'run-started':
    case 'run-resumed': {
      const verb = notice.event === 'run-started' ? 'started' : `resumed from step ${notice.fromStep}`;
      const text = `Rollback of ${stage} ${verb} by ${escapeSlack(notice.operator)} on ${escapeSlack(notice.host)}`;
      const fields = [
        `*Note*: ${escapeSlack(notice.note)}`,
        `*Path*: ${notice.path.number}. ${escapeSlack(notice.path.title)}`,
        `*Environment*: ${escapeSlack(notice.environment ?? 'none')}`,
        `*Mode*: ${notice.mode === 'unattended' ? 'unattended (--yes)' : 'interactive'}`,
      ];
      return { text, blocks: [section(`:rewind: *${text}*`), section(fields.join('\n')), context(run)] };
    }
    case 'step-failed': {
      const exit = notice.exitCode === null ? '' : ` (exit ${notice.exitCode})`;
      const text = `Rollback of ${stage}: step ${notice.step} "${escapeSlack(notice.title)}" ${notice.result}${exit}`;
      const blocks = [section(`:x: *${text}*${notice.message ? `\n${escapeSlack(notice.message)}` : ''}`)];
      if (notice.lastLines.length > 0) blocks.push(section(`\`\`\`${escapeSlack(notice.lastLines.join('\n')).replace(/```/g, "'''")}\`\`\``));
      return { text, blocks: [...blocks, context(run)] };
    }
    case 'run-finished': {
      const icon = notice.result === 'succeeded' ? ':white_check_mark:' : notice.result === 'not-recovered' ? ':warning:' : ':x:';
      const text = `Rollback of ${stage} ${notice.result} (exit ${notice.exitCode})`;
      const { total, done, skipped, failed } = notice.steps;
      const lines = [`*Steps*: ${done} of ${total} done, ${skipped} skipped${failed > 0 ? `, ${failed} failed` : ''}`];
      if (notice.flags.length > 0)
        lines.push(
          `*Flags now*: ${notice.flags.map((flag) => `${escapeSlack(flag.name)}=${escapeSlack(flag.value ?? 'unset')}${flag.value === flag.expected ? '' : ` (expected ${escapeSlack(flag.expected)})`}`).join(', ')}`,
        );
      if (notice.message) lines.push(escapeSlack(notice.message));
      return { text, blocks: [section(`${icon} *${text}*`), section(lines.join('\n')), context(run)] };
    }
    case 'recovery-verified':
    case 'recovery-not-verified': {
      const verified = notice.event === 'recovery-verified';
      const text = `Rollback of ${stage}: recovery ${verified ? 'verified' : `NOT verified (${escapeSlack(notice.verdict)})`}`;
      const lines = [escapeSlack(notice.reason)];
      for (const target of notice.targets) lines.push(`• target ${escapeSlack(target.name)}: ${escapeSlack(target.health)}${target.lastError ? ` (${escapeSlack(target.lastError)})` : ''}`);
      for (const check of notice.checks) lines.push(`• ${escapeSlack(check.metric)}: ${escapeSlack(check.value ?? 'no value')} (threshold ${escapeSlack(check.threshold ?? '-')}): ${escapeSlack(check.result)}`);
      return { text, blocks: [section(`${verified ? ':white_check_mark:' : ':warning:'} *${text}*`), section(lines.join('\n')), context(run)] };
    }
  }
}

export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: text.length > MAX_SECTION ? `${text.slice(0, MAX_SECTION)}…` : text } };
}

function context(text: string): Record<string, unknown> {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}
