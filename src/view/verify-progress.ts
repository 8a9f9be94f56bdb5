/**
 * Live progress of a recovery check as a listr2 task list: one task for the targets ("3/4
 * targets up — waiting for butler (127.0.0.1:8001): connection refused"), then one per metric
 * check. It only listens to `verifyRecovery`'s events; on a terminal the list redraws in
 * place, elsewhere listr2's simple renderer prints plain lines (colour off with NO_COLOR).
 */

import { Listr, ListrLogger, ProcessOutput, type DefaultRenderer, type ListrTaskWrapper, type SimpleRenderer } from 'listr2';
import type { Io } from '../io.js';
import type { PlanCheck } from '../plan/types.js';
import { formatMs } from '../prometheus/duration.js';
import type { CheckOutcome, VerificationEvent } from '../prometheus/verify-recovery.js';
import { escapeDeep } from './escape-text.js';

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const PLAIN_REPEAT_MS = 15_000;

export interface VerifyProgressOptions {
  /** Title of the targets task. */
  title: string;
  /** What `since` was, for "first good scrape 1.2s after <since>" (default: "the last step finished"). */
  sinceLabel?: string;
  /** When the check gives up: on a terminal the running task counts down to it. */
  deadline?: Date;
}

/**
 * Runs `work` (which calls `verifyRecovery` with the given event listener) while showing
 * its progress; resolves or rejects as `work` does, once the list has drawn its last frame.
 */
export async function withVerifyProgress<T>(io: Io, rawChecks: readonly PlanCheck[], options: VerifyProgressOptions, work: (onEvent: (event: VerificationEvent) => void) => Promise<T>): Promise<T> {
  // Metric names come from the note, labels and errors from Prometheus: escaped before shown.
  const checks = escapeDeep(rawChecks);
  const sinceLabel = options.sinceLabel ?? 'the last step finished';
  const tty = io.stdout.isTTY === true;
  const targetsDone = deferred<{ result: string; message: string }>();
  const checksDone = deferred<CheckOutcome[]>();
  let targetsTask: Task | undefined;
  let checksTask: Task | undefined;
  let targetsOpen = true;
  let checksOpen = true;
  let targetsOutput = '';
  const checkTasks = new Map<number, Task>();
  const checkOutput = new Map<number, string>();
  const checkPrinted = new Map<number, { result: string; at: number }>();

  const indexOf = (outcome: CheckOutcome) => checks.findIndex((check) => check.metric === outcome.metric && check.line === outcome.line);
  const setOutput = (task: Task | undefined, text: string) => {
    if (task && task.output !== text) task.output = text;
  };

  const onEvent = (rawEvent: VerificationEvent) => {
    const event = escapeDeep(rawEvent);
    switch (event.type) {
      case 'targets-polled':
        // Plain-line output repeats nothing: only a changed message is shown.
        if (event.message !== targetsOutput) {
          targetsOutput = event.message;
          setOutput(targetsTask, targetsOutput);
        }
        break;
      case 'target-recovered':
        targetsOutput = `${event.target.name} up: first good scrape ${formatMs(event.timeToRecoveryMs)} after ${sinceLabel}`;
        setOutput(targetsTask, targetsOutput);
        break;
      case 'request-retry':
        setOutput(targetsTask, event.message);
        break;
      case 'targets-finished':
        targetsDone.resolve({ result: event.result, message: event.message });
        break;
      case 'check-measured': {
        const index = indexOf(event.check);
        // Checks run side by side: plain lines must say which one they are about.
        const text = `${event.check.metric}: ${event.check.result} — ${event.check.reason}${event.check.windows ? ` (ranges since the last step: ${event.check.windows})` : ''}`;
        if (checkOutput.get(index) === text) break;
        checkOutput.set(index, text);
        // A value that drifts every scrape would print a line a second in a CI log: plain
        // output shows a check when its result changes, otherwise every 15 seconds.
        const last = checkPrinted.get(index);
        const at = event.at.getTime();
        if (!tty && last && last.result === event.check.result && at - last.at < PLAIN_REPEAT_MS) break;
        checkPrinted.set(index, { result: event.check.result, at });
        setOutput(checkTasks.get(index), text);
        break;
      }
      case 'checks-finished':
        checksDone.resolve(event.checks);
        break;
      case 'error':
      case 'target-lost':
        break;
    }
  };

  const processOutput = new ProcessOutput(io.stdout as NodeJS.WriteStream, io.stderr as NodeJS.WriteStream, { leaveEmptyLine: false });
  const listr = new Listr<unknown, 'default', 'simple'>(
    [
      {
        title: options.title,
        task: async (_context, task) => {
          targetsTask = task;
          if (targetsOutput) task.output = targetsOutput;
          const { result, message } = await targetsDone.promise;
          targetsOpen = false;
          task.title = options.title;
          if (result === 'skipped') {
            task.skip(message);
            return;
          }
          if (result !== 'up') throw new Error(`targets ${result === 'failed' ? 'down' : result}: ${message}`);
          task.title = `targets: ${message}`;
        },
      },
      {
        title: 'metric checks',
        enabled: checks.length > 0,
        // Side by side: each check shows its latest measurement while they are retried. The
        // group is ✔ only when every check passed: never when none ran (issue #8).
        task: async (_context, parent) => {
          checksTask = parent;
          let passed = 0;
          await parent
            .newListr(
              checks.map((check, index) => ({
                title: `${check.metric}${check.thresholdText ? ` (alert ${check.thresholdText})` : ''}`,
                task: async (_context: unknown, task: Task) => {
                  checkTasks.set(index, task);
                  const pending = checkOutput.get(index);
                  if (pending) task.output = pending;
                  const outcome = (await checksDone.promise)[index];
                  if (!outcome || outcome.result === 'skipped') {
                    task.skip(`${check.metric}: ${outcome?.reason ?? 'not checked'}`);
                    return;
                  }
                  if (outcome.result !== 'pass') throw new Error(`${check.metric}: ${outcome.result} — ${outcome.reason}`);
                  passed++;
                  task.title = `${check.metric}: ${outcome.reason}`;
                },
              })),
              { concurrent: true, exitOnError: false },
            )
            .run();
          checksOpen = false;
          parent.title = 'metric checks';
          if (passed < checks.length) throw new Error(`metric checks: ${passed} of ${checks.length} passed`);
          parent.title = `metric checks: ${passed} of ${checks.length} passed`;
        },
      },
    ],
    {
      concurrent: false,
      exitOnError: false,
      // Ctrl-C is the command's to handle (exit code 130), not listr2's.
      registerSignalListeners: false,
      renderer: tty ? 'default' : 'simple',
      rendererOptions: tty
        ? { processOutput, collapseErrors: false, formatOutput: 'wrap' }
        : // Plain lines on stdout, failures included: stderr is for runbook's own one-line verdict.
          { logger: new ListrLogger({ processOutput, useIcons: true, toStderr: [] }) },
      forceTTY: tty,
    } as never,
  );

  // On a terminal, the task that is waiting says how long it will still wait.
  const countdown =
    tty && options.deadline
      ? setInterval(() => {
          const left = ` ${`— gives up in ${formatMs(Math.max(0, options.deadline!.getTime() - io.now().getTime()))}`}`;
          if (targetsTask && targetsOpen) targetsTask.title = `${options.title}${left}`;
          else if (checksTask && checksOpen) checksTask.title = `metric checks${left}`;
        }, 1_000)
      : undefined;
  const listing = listr.run().catch(() => {});
  try {
    const result = await work(onEvent);
    await listing;
    return result;
  } catch (error) {
    targetsDone.reject(error);
    checksDone.reject(error);
    await listing;
    throw error;
  } finally {
    clearInterval(countdown);
  }
}
