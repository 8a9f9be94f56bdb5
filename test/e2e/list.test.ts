/** `runbook list`: one line per note (stage, component, status, flags, file); unreadable notes say why. */

import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createSandbox, type Sandbox } from '../helpers/notes-sandbox.js';

let sandbox: Sandbox;
afterEach(() => sandbox?.cleanup());

describe('runbook list', () => {
  it('prints a table of the notes, a broken note with its reason', async () => {
    sandbox = createSandbox({
      notes: {
        '21_01a_dialog_context_repo.md': '21_01a_dialog_context_repo.md',
        '21_01b_metrics_exporter.md': '21_01b_metrics_exporter.md',
        '21_01d_no_rollback_section.md': '21_01d_no_rollback_section.md',
        'zz_binary.md': 'notes/binary.md',
      },
    });
    expect(await runCli(['list'], { cwd: sandbox.root, env: sandbox.env })).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'STAGE   COMPONENT                  STATUS       FLAGS                                                                      FILE',
        '21_01a  Dialog Context Repository  In Progress  USE_NEW_DIALOG_CONTEXT_REPO=false                                          runbooks/21_01a_dialog_context_repo.md',
        '21_01b  Butler Metrics Exporter    Complete     USE_NEW_METRICS_EXPORTER=false                                             runbooks/21_01b_metrics_exporter.md',
        '21_01d  Session Cache              Planning     -                                                                          runbooks/21_01d_no_rollback_section.md',
        '-       -                          -            (binary data (a NUL byte), not a markdown note: give the .md note itself)  runbooks/zz_binary.md',
        '',
      ].join('\n'),
    });
  });

  it('--json and --runbooks', async () => {
    sandbox = createSandbox({ notes: { '21_01b_metrics_exporter.md': '21_01b_metrics_exporter.md' } });
    const result = await runCli(['list', '--json', '--runbooks', sandbox.runbooks], { cwd: sandbox.home, env: sandbox.env });
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout)).toEqual([
      { stage: '21_01b', component: 'Butler Metrics Exporter', status: 'Complete', flags: ['USE_NEW_METRICS_EXPORTER=false'], file: `${sandbox.runbooks}/21_01b_metrics_exporter.md` },
    ]);
  });

  it('an empty folder says so, exit 0', async () => {
    sandbox = createSandbox();
    expect(await runCli(['list'], { cwd: sandbox.root, env: sandbox.env })).toEqual({ exitCode: 0, stdout: '', stderr: 'runbook: runbooks has no .md notes\n' });
  });
});
