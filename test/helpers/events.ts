/**
 * Journal events for unit tests: a `run-started` of a three-step run of stage 21_01a, with
 * whatever a test changes.
 */

import type { RunStarted } from '../../src/journal/events.js';

export function runStarted(overrides: Partial<RunStarted> = {}): RunStarted {
  return {
    type: 'run-started',
    at: '2026-11-25T03:00:00.000Z',
    runId: '20261125T030000Z-21_01a-beef',
    stage: '21_01a',
    note: 'runbooks/21_01a.md',
    notePath: '/srv/runbooks/21_01a.md',
    sectionHash: 'abc',
    path: { number: 1, title: 'Within 1 hour' },
    operator: 'alice',
    host: 'bastion',
    pid: 100,
    cwd: '/srv',
    environment: null,
    parameters: {},
    steps: [
      { number: 1, title: 'Flip', kind: 'shell' },
      { number: 2, title: 'Validate', kind: 'shell' },
      { number: 3, title: 'Communicate', kind: 'manual' },
    ],
    flags: [],
    unattended: true,
    ...overrides,
  };
}
