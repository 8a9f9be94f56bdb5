import { describe, expect, it } from 'vitest';
import { createInterrupts, type SignalName } from '../../src/execute/interrupts.js';

function fakeSignals() {
  const handlers = new Map<SignalName, () => void>();
  return {
    subscribe: (signal: SignalName, handler: () => void) => {
      handlers.set(signal, handler);
      return () => handlers.delete(signal);
    },
    send: (signal: SignalName) => handlers.get(signal)?.(),
    handlers,
  };
}

describe('createInterrupts', () => {
  it('a first Ctrl-C during a step stops that step only; a second one stops the run', () => {
    const signals = fakeSignals();
    const notices: string[] = [];
    const interrupts = createInterrupts(signals.subscribe, (message) => notices.push(message));
    const step = interrupts.beginStep();

    signals.send('SIGINT');
    expect(step.aborted).toBe(true);
    expect(interrupts.runAborted).toBe(false);
    signals.send('SIGINT');
    expect(interrupts.runAborted).toBe(true);
    expect(interrupts.stoppedBy).toBe('SIGINT');
    expect(notices).toEqual(['Ctrl-C: stopping this step (press Ctrl-C again to abort the rollback)', 'Ctrl-C again: aborting the rollback']);
  });

  it('Ctrl-C between steps stops the run, and the next step starts aborted', () => {
    const signals = fakeSignals();
    const notices: string[] = [];
    const interrupts = createInterrupts(signals.subscribe, (message) => notices.push(message));
    interrupts.endStep();
    signals.send('SIGINT');
    // The first Ctrl-C: not "again".
    expect(notices).toEqual(['Ctrl-C: stopping the rollback']);
    expect(interrupts.runAborted).toBe(true);
    expect(interrupts.beginStep().aborted).toBe(true);
  });

  it('SIGTERM and SIGHUP stop the run and the running step at once', () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const signals = fakeSignals();
      const interrupts = createInterrupts(signals.subscribe);
      const step = interrupts.beginStep();
      signals.send(signal);
      expect(step.aborted).toBe(true);
      expect(interrupts.runAborted).toBe(true);
      expect(interrupts.stoppedBy).toBe(signal);
    }
  });

  it('each step gets a fresh signal; dispose unsubscribes', () => {
    const signals = fakeSignals();
    const interrupts = createInterrupts(signals.subscribe);
    interrupts.beginStep();
    signals.send('SIGINT');
    interrupts.endStep();
    expect(interrupts.beginStep().aborted).toBe(false);
    interrupts.dispose();
    expect(signals.handlers.size).toBe(0);
  });
});
