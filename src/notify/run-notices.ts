/**
 * What a chat hears about a run: started, a step failed, finished, recovery verified or not.
 * Built from the run's own events, so the notifier is one more listener. Pure.
 */

import type { RunEvent, RunStarted } from '../journal/events.js';

interface NoticeBase {
  runId: string;
  stage: string | null;
  at: string;
}

export type RunNotice =
  | (NoticeBase & {
      event: 'run-started' | 'run-resumed';
      note: string;
      path: { number: number; title: string };
      operator: string;
      host: string;
      environment: string | null;
      mode: 'unattended' | 'interactive';
      fromStep: number | null;
    })
  | (NoticeBase & { event: 'step-failed'; step: number; title: string; result: string; exitCode: number | null; message: string | null; lastLines: string[] })
  | (NoticeBase & {
      event: 'run-finished';
      result: string;
      exitCode: number;
      message: string | null;
      steps: { total: number; done: number; skipped: number; failed: number };
      flags: { name: string; value: string | null; expected: string }[];
    })
  | (NoticeBase & {
      event: 'recovery-verified' | 'recovery-not-verified';
      verdict: string;
      reason: string;
      targets: { name: string; health: string; lastError: string }[];
      checks: { metric: string; value: string | null; threshold: string | null; result: string }[];
    });

export type NoticeKind = RunNotice['event'];

const FAILED = new Set(['failed', 'timed-out', 'interrupted']);
const DONE = new Set(['done', 'acknowledged']);
/** Lines of a failed step's output a chat message shows. */
const LAST_LINES = 10;

/**
 * Turns run events into notices. `history` holds the events of the run before this process
 * (a resume), so "finished" counts every step of the run; `unattended` is how this process
 * runs (a resume may differ from the run it continues).
 */
export function createNoticeBuilder(history: RunEvent[] = [], options: { unattended?: boolean } = {}) {
  let started: RunStarted | undefined;
  const results = new Map<number, string>();
  const flags = new Map<string, { value: string | null; expected: string }>();
  const take = (event: RunEvent): RunNotice | undefined => {
    if (event.type === 'run-started') {
      started = event;
      return {
        event: 'run-started',
        ...identity(event),
        note: event.note,
        path: event.path,
        operator: event.operator,
        host: event.host,
        environment: event.environment,
        mode: event.unattended ? 'unattended' : 'interactive',
        fromStep: null,
      };
    }
    if (!started) return undefined;
    const base = { runId: started.runId, stage: started.stage, at: event.at };
    if (event.type === 'run-resumed') {
      return {
        event: 'run-resumed',
        ...base,
        note: started.note,
        path: started.path,
        operator: event.operator,
        host: event.host,
        environment: started.environment,
        mode: options.unattended ? 'unattended' : 'interactive',
        fromStep: event.fromStep,
      };
    }
    if (event.type === 'step-finished') {
      results.set(event.step, event.result);
      for (const flag of event.flags) flags.set(flag.name, { value: flag.after, expected: flag.expected });
      if (!FAILED.has(event.result)) return undefined;
      return { event: 'step-failed', ...base, step: event.step, title: event.title, result: event.result, exitCode: event.exitCode, message: event.message, lastLines: event.outputTail.slice(-LAST_LINES) };
    }
    if (event.type === 'verification' && event.phase === 'report') {
      const report = event as unknown as ReportEvent;
      return {
        event: report.verdict === 'verified' ? 'recovery-verified' : 'recovery-not-verified',
        ...base,
        verdict: report.verdict,
        reason: report.summary ?? '',
        targets: (report.targets ?? []).map((target) => ({ name: target.name, health: target.health, lastError: target.lastError })),
        checks: (report.checks ?? []).map((check) => ({ metric: check.metric, value: check.value, threshold: check.threshold, result: check.result })),
      };
    }
    if (event.type === 'run-finished') {
      const all = [...results.values()];
      return {
        event: 'run-finished',
        ...base,
        result: event.result,
        exitCode: event.exitCode,
        message: event.message,
        steps: {
          total: started.steps.length,
          done: all.filter((result) => DONE.has(result)).length,
          skipped: all.filter((result) => !DONE.has(result) && !FAILED.has(result)).length,
          failed: all.filter((result) => FAILED.has(result)).length,
        },
        flags: [...flags].map(([name, flag]) => ({ name, ...flag })),
      };
    }
    return undefined;
  };
  for (const event of history) take(event);
  return take;
}

/** The `report` phase of a `verification` event, as `checkRecovery` writes it. */
interface ReportEvent {
  verdict: string;
  summary?: string;
  targets?: { name: string; health: string; lastError: string }[];
  checks?: { metric: string; value: string | null; threshold: string | null; result: string }[];
}

function identity(event: RunStarted): NoticeBase {
  return { runId: event.runId, stage: event.stage, at: event.at };
}
