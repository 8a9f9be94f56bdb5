import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

// An unattended run cannot do a person's step, and the steps after it may depend on it (an
// edited config file): it stops there, and `--done N` says the operator did it by hand.
describe('manual steps in an unattended run', () => {
  it('stops at a manual step that shell steps follow: incomplete, nothing after it runs, resume says how to go on', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/manual-mid-path.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '91_manual', '--yes'));

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      '  stopped at manual step 2 "Set the storage location back in /etc/app/app.rb": nobody did it, and step 3 "Reconfigure" after it may depend on it; do it by hand, then resume with --yes --done 2, or resume the run on a terminal\n',
    );
    expect(result.stdout).toMatch(/To continue: runbook resume \S+-91_manual-\S+\n/);
    expect(existsSync(join(sandbox.work, 'workers.txt'))).toBe(true);
    expect(existsSync(join(sandbox.work, 'reconfigured.txt'))).toBe(false);
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'incomplete', exitCode: 1 });

    // Resumed unattended without --done: the same stop, nothing more runs.
    const again = await sandbox.run(['resume', sandbox.journal().runId, '--yes']);
    expect(again.exitCode).toBe(1);
    expect(existsSync(join(sandbox.work, 'reconfigured.txt'))).toBe(false);

    // The operator did it by hand: the resume records that and runs the rest; the last manual step needs a person.
    const done = await sandbox.run(['resume', sandbox.journal().runId, '--yes', '--done', '2']);
    expect(done.stderr).toBe('');
    expect(done.exitCode).toBe(0);
    expect(done.stdout).toContain('› [x] ');
    expect(existsSync(join(sandbox.work, 'reconfigured.txt'))).toBe(true);
    expect(done.stdout).toContain('1 manual step still needs a person.');
    expect(sandbox.journal().events).toContainEqual(expect.objectContaining({ type: 'step-finished', step: 2, result: 'acknowledged', message: 'done by hand (--done 2)' }));
  });

  it('the dry run with --yes says where the unattended run would stop, and that --done goes past it', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/manual-mid-path.md'] });
    const stops = await sandbox.run(sandbox.args('rollback', '91_manual', '--yes', '--dry-run'));
    expect(stops.exitCode).toBe(0);
    expect(stops.stdout).toContain(
      'unattended (--yes), the run would stop at step 2 "Set the storage location back in /etc/app/app.rb": a manual step, and step 3 "Reconfigure" after it may depend on it: do it by hand first and pass --done 2\n',
    );
    const json = JSON.parse((await sandbox.run(sandbox.args('rollback', '91_manual', '--yes', '--dry-run', '--json'))).stdout);
    expect(json.unattendedStop).toMatchObject({ step: 2, title: 'Set the storage location back in /etc/app/app.rb' });
    const done = await sandbox.run(sandbox.args('rollback', '91_manual', '--yes', '--dry-run', '--done', '2'));
    expect(done.stdout).not.toContain('would stop');
    expect(sandbox.journals()).toEqual([]);
  });

  it('a path of manual steps alone, run unattended, is incomplete: nothing of the rollback was done', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/manual-only.md'] });
    const result = await sandbox.run(sandbox.args('rollback', '92_manual', '--yes'));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Rollback of 92_manual: INCOMPLETE');
    expect(result.stdout).toContain('nothing was done: steps 1, 2 need a person, and no step of this path runs without one');
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'incomplete', exitCode: 1 });
    // Done by hand: the operator says so, and the run is complete.
    const done = await sandbox.run(sandbox.args('rollback', '92_manual', '--yes', '--done', '1', '--done', '2'));
    expect(done.exitCode).toBe(0);
  });

  it('the dry run with --yes names the conditional steps it would leave out, and how to answer for them', async () => {
    const note = new URL('../fixtures/unseen/86_01a_blockquote_fence.md', import.meta.url).pathname;
    const sandbox = createSandbox();
    const result = await sandbox.run(['rollback', note, '--yes', '--dry-run']);
    expect(result.stdout).toContain(
      'unattended (--yes), step 2 "Wipe it and let it resync." would be left out: its condition "only if the volume is corrupt" is not checked; pass --confirm 2 if it holds, --decline 2 if not\n',
    );
    const declined = await sandbox.run(['rollback', note, '--yes', '--dry-run', '--decline', '2']);
    expect(declined.stdout).not.toContain('would be left out');
    const wrong = await sandbox.run(['rollback', note, '--yes', '--dry-run', '--decline', '1']);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/^runbook: --decline 1: step 1 ".*" is a shell step with no condition and meant for this machine; --decline is for a step whose condition does not hold\n$/);
  });

  it('--done refuses a step that is not a manual step of the path, before anything runs', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/manual-mid-path.md'] });
    for (const [value, message] of [
      ['1', '--done 1: step 1 "Stop the workers" is a shell step with no condition and meant for this machine; --done is for manual steps done by hand, and steps done by hand on the machines they are meant for'],
      ['9', '--done 9: this path has no step 9'],
      ['x', '--done'],
    ] as const) {
      const result = await sandbox.run(sandbox.args('rollback', '91_manual', '--yes', '--done', value));
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
    expect(existsSync(join(sandbox.work, 'workers.txt'))).toBe(false);
    expect(sandbox.journals()).toEqual([]);
  });
});
