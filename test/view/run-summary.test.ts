import { describe, expect, it } from 'vitest';
import type { StepOutcome } from '../../src/journal/run-state.js';
import type { Plan } from '../../src/plan/types.js';
import { formatRunSummary } from '../../src/view/run-summary.js';
import { styleFor } from '../../src/view/style.js';

const plain = styleFor({ isTTY: false } as never, {});
const plan = { stage: '57_01a', file: 'note.md' } as Plan;
const outcome = (steps: Partial<StepOutcome>[]) => ({
  result: 'incomplete' as const,
  steps: steps.map((step, index) => ({ number: index + 1, title: 'Step', kind: 'manual' as const, result: 'done' as const, durationMs: 0, flags: [], commands: '', attempts: 1, ...step })),
  journalPath: '/state/runs/x.jsonl',
  startedAt: new Date(0),
  finishedAt: new Date(1000),
});

describe('formatRunSummary', () => {
  it('shortens a title taken from a long sentence, so every result stays in view; short titles stay whole', () => {
    const long = 'The DBRE reviews the database considerations for a rollback. If the on-call DBRE is not available, the IMOC signs off.';
    const text = formatRunSummary(
      plan,
      outcome([
        { title: long, result: 'needs-person', commands: 'review' },
        { title: 'Switch the flag off', kind: 'shell', result: 'done' },
      ]),
      { style: plain, cwd: '/state' },
    );
    const rows = text.split('\n').filter((line) => /^ {2}[!✔]/.test(line));
    expect(rows[0]).toBe('  ! 1. The DBRE reviews the database considerations for a rollb…  needs a person: review');
    expect(rows[1]).toBe(`  ✔ ${'2. Switch the flag off'.padEnd(rows[0]!.indexOf('  needs') - 4)}  done  0ms`);
    expect(text).toContain('  1 manual step still needs a person.\n');
  });

  it('a shell step not run unattended says why, and is not counted as a manual step', () => {
    const text = formatRunSummary(plan, outcome([{ title: 'Watch', kind: 'shell', result: 'needs-person', message: 'not run unattended: kubectl get -w never exits' }]), { style: plain, cwd: '/state' });
    expect(text).toContain('  ! 1. Watch  needs a person: not run unattended: kubectl get -w never exits\n');
    expect(text).toContain('  1 step still needs a person.\n');
  });
});
