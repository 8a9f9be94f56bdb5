import { describe, expect, it } from 'vitest';
import type { RunEvent, StepResult } from '../../src/journal/events.js';
import { replayRun, resumeFrom, runStatus, settledSteps, stepOutcomes } from '../../src/journal/run-state.js';
import { runStarted } from '../helpers/events.js';

const started = runStarted();

let clock = 0;
const at = () => new Date(Date.parse('2026-11-25T03:00:00Z') + ++clock * 1000).toISOString();
const stepStarted = (step: number, attempt = 1): RunEvent => ({ type: 'step-started', at: at(), step, title: `S${step}`, kind: 'shell', commands: `cmd ${step}`, attempt });
const stepFinished = (step: number, result: StepResult, durationMs = 10): RunEvent => ({
  type: 'step-finished',
  at: at(),
  step,
  title: `S${step}`,
  result,
  exitCode: result === 'failed' ? 3 : result === 'done' ? 0 : null,
  durationMs,
  outputTail: [],
  flags: [],
  message: null,
});

describe('replayRun', () => {
  it('is undefined for events without a run-started', () => {
    expect(replayRun([stepStarted(1)])).toBeUndefined();
  });

  it('finds the steps that started and never finished, and their process groups', () => {
    const state = replayRun([started, stepStarted(1), stepFinished(1, 'done'), stepStarted(2), { type: 'step-process', at: at(), step: 2, pid: 4321 }])!;
    expect(state.stepResults).toEqual(new Map([[1, 'done']]));
    expect(state.unfinished).toEqual([2]);
    expect(state.unfinishedGroups).toEqual(new Map([[2, 4321]]));
    expect(state.finished).toBeUndefined();
    expect(state.pid).toBe(100);
  });

  it('takes the pid and host of the last resume, and a resume reopens a finished run', () => {
    const state = replayRun([
      started,
      stepFinished(1, 'failed'),
      { type: 'run-finished', at: at(), result: 'failed', exitCode: 1, message: 'x' },
      { type: 'run-resumed', at: at(), pid: 200, operator: 'bob', host: 'bastion-2', fromStep: 1 },
    ])!;
    expect(state.finished).toBeUndefined();
    expect(state.pid).toBe(200);
    expect(state.host).toBe('bastion-2');
  });
});

describe('resumeFrom and settledSteps', () => {
  it.each<[string, RunEvent[], number | undefined]>([
    ['nothing ran', [], 1],
    ['step 1 done', [stepFinished(1, 'done')], 2],
    ['step 1 failed', [stepFinished(1, 'failed')], 1],
    ['step 1 failed, then skipped by the operator', [stepFinished(1, 'failed'), stepFinished(1, 'skipped')], 2],
    ['step 1 left out with --from', [stepFinished(1, 'not-selected')], 2],
    ['step 2 interrupted', [stepFinished(1, 'done'), stepFinished(2, 'interrupted')], 2],
    ['step 2 timed out', [stepFinished(1, 'done'), stepFinished(2, 'timed-out')], 2],
    ['step 2 never recorded (quit)', [stepFinished(1, 'done')], 2],
    ['step 3 needed a person (nobody did it)', [stepFinished(1, 'done'), stepFinished(2, 'skipped'), stepFinished(3, 'needs-person')], 3],
    ['all settled', [stepFinished(1, 'done'), stepFinished(2, 'skipped'), stepFinished(3, 'acknowledged')], undefined],
  ])('%s → %s', (_name, events, from) => {
    expect(resumeFrom(replayRun([started, ...events])!)).toBe(from);
  });

  it('gives each settled step the reason the list shows', () => {
    const state = replayRun([started, stepFinished(1, 'not-selected'), stepFinished(2, 'done'), stepFinished(3, 'failed')])!;
    expect(settledSteps(state)).toEqual(
      new Map([
        [1, 'not part of this run'],
        [2, 'done in an earlier attempt'],
      ]),
    );
  });
});

describe('runStatus', () => {
  it.each<[string, RunEvent[], (pid: number) => boolean, string]>([
    ['finished', [{ type: 'run-finished', at: at(), result: 'aborted', exitCode: 1, message: null }], () => true, 'aborted'],
    ['process alive on this host', [], (pid) => pid === 100, 'running'],
    ['process gone', [], () => false, 'interrupted'],
  ])('%s → %s', (_name, events, alive, status) => {
    expect(runStatus(replayRun([started, ...events])!, alive, 'bastion')).toBe(status);
  });

  it('does not trust a pid from another host', () => {
    expect(runStatus(replayRun([started])!, () => true, 'elsewhere')).toBe('interrupted');
  });
});

describe('stepOutcomes', () => {
  it('gives each step its last result with its commands and attempts, in step order', () => {
    const outcomes = stepOutcomes([started, stepStarted(2), stepFinished(2, 'failed'), stepStarted(2, 2), stepFinished(2, 'done', 42), stepStarted(1), stepFinished(1, 'done')]);
    expect(outcomes.map((outcome) => [outcome.number, outcome.result, outcome.attempts, outcome.commands, outcome.durationMs])).toEqual([
      [1, 'done', 1, 'cmd 1', 10],
      [2, 'done', 2, 'cmd 2', 42],
    ]);
  });
});
