import { describe, expect, it } from 'vitest';
import { stateDirs } from '../../src/run/state-dirs.js';

const io = (cwd: string, env: Record<string, string | undefined> = {}) => ({ cwd, env });

describe('stateDirs', () => {
  it.each([
    ['the default ./runbooks: ./.runbook', io('/srv/ops'), {}, '/srv/ops/.runbook'],
    ['from another folder, the same runbooks folder: the same state', io('/home/alice/deep'), { runbooks: '/srv/ops/runbooks' }, '/srv/ops/.runbook'],
    ['a relative --runbooks, resolved from the cwd', io('/srv/ops/sub'), { runbooks: '../runbooks' }, '/srv/ops/.runbook'],
    ['RUNBOOK_DIR', io('/tmp', { RUNBOOK_DIR: '/srv/ops/runbooks' }), {}, '/srv/ops/.runbook'],
    ['a note inside the runbooks folder', io('/tmp', { RUNBOOK_DIR: '/srv/ops/runbooks' }), { noteFile: '/srv/ops/runbooks/team/21_01a.md' }, '/srv/ops/.runbook'],
    ['a note outside it: next to its own folder', io('/tmp'), { noteFile: '/srv/notes/21_01a.md' }, '/srv/.runbook'],
    ['RUNBOOK_STATE_DIR', io('/tmp', { RUNBOOK_STATE_DIR: '/var/lib/runbook' }), { runbooks: '/srv/ops/runbooks' }, '/var/lib/runbook'],
    ['--state-dir over RUNBOOK_STATE_DIR', io('/tmp', { RUNBOOK_STATE_DIR: '/var/lib/runbook' }), { stateDir: 'state' }, '/tmp/state'],
  ])('%s', (_name, world, options, root) => {
    const dirs = stateDirs(world, options);
    expect(dirs).toEqual({ root, runsDir: `${root}/runs`, locksDir: `${root}/locks`, reportsDir: `${root}/reports` });
  });

  it('--journal-dir moves the runs only', () => {
    expect(stateDirs(io('/srv/ops'), { journalDir: '/logs/runs' })).toEqual({ root: '/srv/ops/.runbook', runsDir: '/logs/runs', locksDir: '/srv/ops/.runbook/locks', reportsDir: '/srv/ops/.runbook/reports' });
  });
});
