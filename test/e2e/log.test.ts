import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';
import { scrub } from '../helpers/scrub.js';

describe('runbook log and runbook runs', () => {
  it('prints the latest run as markdown for the Communication Log, resumes and failed attempts included', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(1);
    sandbox.unstub('poetry', 'exit');
    expect((await sandbox.run(['resume', '21_01a', '--yes'])).exitCode).toBe(0);

    const result = await sandbox.run(['log']);
    expect(scrub(result.stdout, sandbox.root).replace(/^### \d{4}-\d\d-\d\d /, '### <date> ')).toBe(`### <date> Rollback of 21_01a — succeeded

- **Run**: \`<run-id>\`
- **Operator**: operator on ${hostname()}
- **Note**: \`<root>/runbooks/21_01a_dialog_context_repo.md\`, path 1: If Issues Found Within 1 Hour of Deployment
- **Started**: <time> · **Last event**: <time> (<d>)
- **Mode**: unattended (--yes)
- **Resumed**: <time> by operator at step 2
- **Result**: succeeded (exit 0): recovery not verified (--no-verify): check Prometheus by hand, or run runbook verify

| # | Step | Result | Duration | Details |
|---|------|--------|----------|---------|
| 1 | Disable feature flag | done | <d> | USE_NEW_DIALOG_CONTEXT_REPO: true → false |
| 2 | Validate rollback | done | <d> |  |
| 3 | Communicate | needs-person |  | needs a person: Post to #ops-shared; Update incident log; Schedule post-mortem |

**Recovery check** (<time>): not verified — recovery not checked (--no-verify)

<details><summary>Step 1: Disable feature flag — done</summary>

\`\`\`bash
sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra
make day-12-restart-butler
\`\`\`

\`\`\`text
make day-12-restart-butler: ok
\`\`\`

</details>

<details><summary>Step 2: Validate rollback — failed (exit 3)</summary>

failed with exit code 3

\`\`\`bash
poetry run pytest tests/smoke/ -v
curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus
\`\`\`

\`\`\`text
poetry: failing with exit 3
\`\`\`

</details>

<details><summary>Step 2: Validate rollback — done</summary>

\`\`\`bash
poetry run pytest tests/smoke/ -v
curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus
\`\`\`

\`\`\`text
poetry run pytest tests/smoke/ -v: ok
curl -s http://127.0.0.1:9090/api/v1/targets: ok
\`\`\`

</details>
`);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect((await sandbox.run(['log', sandbox.journal().runId])).stdout).toBe(result.stdout);
  });

  it('lists runs, newest last, with their status, and as JSON; filters by stage', async () => {
    const sandbox = createSandbox({ notes: ['21_01a_dialog_context_repo.md', 'run-notes/step-environment.md'] });
    sandbox.stub('make', 'exit', '2');
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(1);
    expect((await sandbox.run(sandbox.args('rollback', '90_env', '--yes', '--set', 'incident-id=INC-1'))).exitCode).toBe(1);
    const [first, second] = sandbox.journals();

    const table = await sandbox.run(['runs']);
    // Columns are padded to the widest cell; compare the cells.
    const rows = scrub(table.stdout, sandbox.root)
      .trimEnd()
      .split('\n')
      .map((row) => row.split(/ {2,}/));
    expect(rows).toEqual([
      ['RUN', 'STAGE', 'STARTED', 'OPERATOR', 'STATUS', 'DONE', 'NOTE'],
      ['<run-id>', '21_01a', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/), 'operator', 'failed', '0/3', '<root>/runbooks/21_01a_dialog_context_repo.md'],
      ['<run-id>', '90_env', expect.stringMatching(/Z$/), 'operator', 'failed', '0/2', '<root>/runbooks/step-environment.md'],
    ]);
    expect(table.stdout.split('\n')[1]).toContain(first!.runId);
    expect(table.stderr).toBe('');
    expect(table.exitCode).toBe(0);

    const json = await sandbox.run(['runs', '--json', '--stage', '90_env']);
    expect(JSON.parse(json.stdout)).toEqual([
      { runId: second!.runId, stage: '90_env', started: expect.any(String), operator: 'operator', status: 'failed', stepsDone: 0, steps: 2, note: `${sandbox.runbooks}/step-environment.md` },
    ]);
  });

  it('says where it looked when there are no runs', async () => {
    const sandbox = createSandbox();
    expect(await sandbox.run(['log'])).toEqual({
      stdout: '',
      stderr: `runbook: no runs in ${sandbox.runsDir} yet: a real (not --dry-run) rollback writes one\n`,
      exitCode: 2,
    });
    expect(await sandbox.run(['runs'])).toEqual({ stdout: '', stderr: `runbook: no runs in ${sandbox.runsDir}\n`, exitCode: 0 });
    expect(await sandbox.run(['log', 'yesterday'])).toEqual({
      stdout: '',
      stderr: 'runbook: "yesterday" is not a run id (like 20261125T131500Z-21_01a-3f9c): see runbook runs\n',
      exitCode: 2,
    });
  });
});
