import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/journal/events.js';
import { formatTranscript } from '../../src/journal/transcript.js';
import { runStarted } from '../helpers/events.js';

const events: RunEvent[] = [
  runStarted({
    parameters: { 'incident-id': 'INC-42' },
    steps: [
      { number: 1, title: 'Flip | restart', kind: 'shell' },
      { number: 2, title: 'Validate', kind: 'shell' },
      { number: 3, title: 'Communicate', kind: 'manual' },
    ],
    unattended: false,
  }),
  { type: 'step-started', at: '2026-11-25T03:00:01.000Z', step: 1, title: 'Flip | restart', kind: 'shell', commands: 'sed -i s/x/y/ f\nmake restart', attempt: 1 },
  {
    type: 'step-finished',
    at: '2026-11-25T03:00:03.500Z',
    step: 1,
    title: 'Flip | restart',
    result: 'done',
    exitCode: 0,
    durationMs: 2500,
    outputTail: ['restarted'],
    flags: [{ name: 'USE_NEW_X', envFile: '~/.env', before: 'true', after: 'false', expected: 'false', ok: true }],
    message: null,
  },
  { type: 'step-started', at: '2026-11-25T03:00:04.000Z', step: 2, title: 'Validate', kind: 'shell', commands: 'pytest', attempt: 1 },
  { type: 'step-finished', at: '2026-11-25T03:01:19.000Z', step: 2, title: 'Validate', result: 'failed', exitCode: 1, durationMs: 75_000, outputTail: ['1 failed'], flags: [], message: 'failed with exit code 1' },
  { type: 'run-finished', at: '2026-11-25T03:01:20.000Z', result: 'aborted', exitCode: 1, message: 'aborted by the operator after step 2 "Validate" failed with exit code 1' },
];

describe('formatTranscript', () => {
  it('renders who, when, the steps as a table and each step’s commands and output', () => {
    expect(formatTranscript('20261125T030000Z-21_01a-beef', events, 'aborted')).toBe(`### 2026-11-25 Rollback of 21_01a — aborted

- **Run**: \`20261125T030000Z-21_01a-beef\`
- **Operator**: alice on bastion
- **Note**: \`runbooks/21_01a.md\`, path 1: Within 1 hour
- **Started**: 2026-11-25T03:00:00.000Z · **Last event**: 2026-11-25T03:01:20.000Z (1m20s)
- **Mode**: interactive
- **Parameters**: incident-id=INC-42
- **Result**: aborted (exit 1): aborted by the operator after step 2 "Validate" failed with exit code 1

| # | Step | Result | Duration | Details |
|---|------|--------|----------|---------|
| 1 | Flip \\| restart | done | 2.5s | USE_NEW_X: true → false |
| 2 | Validate | failed | 1m15s | failed with exit code 1 |
| 3 | Communicate | not reached |  |  |

<details><summary>Step 1: Flip | restart — done</summary>

\`\`\`bash
sed -i s/x/y/ f
make restart
\`\`\`

\`\`\`text
restarted
\`\`\`

</details>

<details><summary>Step 2: Validate — failed (exit 1)</summary>

failed with exit code 1

\`\`\`bash
pytest
\`\`\`

\`\`\`text
1 failed
\`\`\`

</details>
`);
  });

  it('says so when the journal has no run-started event', () => {
    expect(formatTranscript('x', events.slice(1), 'unknown')).toBe('Run x: no run-started event in its journal.\n');
  });
});
