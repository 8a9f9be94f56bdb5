import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';
import { scrub } from '../helpers/scrub.js';

describe('runbook rollback --yes', () => {
  it('flips the flag, runs make and poetry, reports the manual step as needing a person, and journals it all', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'));

    expect(scrub(result.stdout, sandbox.root)).toBe(`Rolling back stage 21_01a — Dialog Context Repository
  note    <root>/runbooks/21_01a_dialog_context_repo.md:79
  path    1. If Issues Found Within 1 Hour of Deployment
  steps   1. Disable feature flag · 2. Validate rollback · 3. Communicate (manual)
  flag    USE_NEW_DIALOG_CONTEXT_REPO: true → false (step 1) in ~/work/infra/.env.infra
  run     <run-id>
  mode    unattended (--yes): every step runs without asking

❯ 1. Disable feature flag
› $ sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra
› $ make day-12-restart-butler
› make day-12-restart-butler: ok
✔ 1. Disable feature flag — USE_NEW_DIALOG_CONTEXT_REPO: true → false [<d>]
❯ 2. Validate rollback
› $ poetry run pytest tests/smoke/ -v
› $ curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus
› poetry run pytest tests/smoke/ -v: ok
› curl -s http://127.0.0.1:9090/api/v1/targets: ok
✔ 2. Validate rollback [<d>]
❯ 3. Communicate (manual)
↓ 3. Communicate (manual) [SKIPPED: needs a person: Post to #ops-shared; Update incident log; Schedule post-mortem]

Rollback of 21_01a: succeeded after <d>
  recovery not verified (--no-verify): check Prometheus by hand, or run runbook verify
  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  ✔ 2. Validate rollback     done  <d>
  ! 3. Communicate           needs a person: Post to #ops-shared; Update incident log; Schedule post-mortem
  1 manual step still needs a person.
  journal <root>/.runbook/runs/<run-id>.jsonl
`);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);

    const journal = sandbox.journal();
    expect(result.stdout).toContain(`run     ${journal.runId}\n`);
    expect(journal.events.map((event) => [event.type, event.step ?? null, event.decision ?? event.result ?? null])).toEqual([
      ['run-started', null, null],
      ['step-decision', 1, 'run'],
      ['step-started', 1, null],
      ['step-process', 1, null],
      ['step-finished', 1, 'done'],
      ['step-decision', 2, 'run'],
      ['step-started', 2, null],
      ['step-process', 2, null],
      ['step-finished', 2, 'done'],
      ['step-started', 3, null],
      ['step-decision', 3, 'needs-person'],
      ['step-finished', 3, 'needs-person'],
      ['verification', null, null],
      ['run-finished', null, 'succeeded'],
    ]);
    expect(journal.events.at(-2)).toMatchObject({ type: 'verification', phase: 'skipped', verdict: 'not verified' });
    const [started] = journal.events;
    expect(started).toMatchObject({
      runId: journal.runId,
      stage: '21_01a',
      note: `${sandbox.runbooks}/21_01a_dialog_context_repo.md`,
      sectionHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      path: { number: 1, title: 'If Issues Found Within 1 Hour of Deployment' },
      operator: 'operator',
      cwd: sandbox.work,
      unattended: true,
      steps: [
        { number: 1, title: 'Disable feature flag', kind: 'shell' },
        { number: 2, title: 'Validate rollback', kind: 'shell' },
        { number: 3, title: 'Communicate', kind: 'manual' },
      ],
      flags: [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', rollbackValue: 'false', envFile: '~/work/infra/.env.infra', step: 1 }],
    });
    const stepOne = journal.events.find((event) => event.type === 'step-finished' && event.step === 1);
    expect(stepOne).toMatchObject({
      exitCode: 0,
      durationMs: expect.any(Number),
      outputTail: ['make day-12-restart-butler: ok'],
      flags: [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', envFile: '~/work/infra/.env.infra', before: 'true', after: 'false', expected: 'false', ok: true }],
    });
    expect(journal.events.find((event) => event.type === 'step-started' && event.step === 1)).toMatchObject({
      commands: "sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra\nmake day-12-restart-butler",
      attempt: 1,
    });
    expect(journal.events.at(-1)).toMatchObject({ type: 'run-finished', result: 'succeeded', exitCode: 0, message: 'recovery not verified (--no-verify): check Prometheus by hand, or run runbook verify' });
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });
});
