/**
 * Ctrl-C and SIGTERM during a run. The first Ctrl-C stops the running step's process tree
 * (the executor then asks retry / skip / abort); a second one, or SIGTERM/SIGHUP, stops the
 * whole run. Without a step running, Ctrl-C stops the run before the next step.
 */

import type { StepInterrupts } from './executor.js';

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
export type SignalSubscriber = (signal: SignalName, handler: () => void) => () => void;

export interface RunInterrupts extends StepInterrupts {
  /** The signal that stopped the run, if any. */
  readonly stoppedBy: SignalName | undefined;
  dispose(): void;
}

export function createInterrupts(subscribe: SignalSubscriber, onNotice: (message: string) => void = () => {}): RunInterrupts {
  let current: AbortController | undefined;
  let runAborted = false;
  let stoppedBy: SignalName | undefined;

  const stopRun = (signal: SignalName) => {
    runAborted = true;
    stoppedBy ??= signal;
    current?.abort();
  };
  let pressed = false;
  const unsubscribe = [
    subscribe('SIGINT', () => {
      const again = pressed;
      pressed = true;
      if (current && !current.signal.aborted) {
        onNotice('Ctrl-C: stopping this step (press Ctrl-C again to abort the rollback)');
        current.abort();
        return;
      }
      // No step running (e.g. at a question): the rollback stops here.
      onNotice(again ? 'Ctrl-C again: aborting the rollback' : 'Ctrl-C: stopping the rollback');
      stopRun('SIGINT');
    }),
    subscribe('SIGTERM', () => stopRun('SIGTERM')),
    subscribe('SIGHUP', () => stopRun('SIGHUP')),
  ];

  return {
    beginStep() {
      current = new AbortController();
      if (runAborted) current.abort();
      return current.signal;
    },
    endStep() {
      current = undefined;
    },
    get runAborted() {
      return runAborted;
    },
    get stoppedBy() {
      return stoppedBy;
    },
    dispose() {
      for (const off of unsubscribe) off();
    },
  };
}
