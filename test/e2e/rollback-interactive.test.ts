import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';
import { scrub, summaryOf } from '../helpers/scrub.js';
import type { Terminal } from '../helpers/terminal.js';

const startRollback = (sandbox: Sandbox, ...options: string[]): Promise<Terminal> => sandbox.openTerminal(sandbox.args('rollback', '21_01a', ...options));

describe('runbook rollback on a terminal', () => {
  it('asks before each step: y runs it, d acknowledges the manual step', async () => {
    const sandbox = createSandbox();
    const terminal = await startRollback(sandbox);

    const first = await terminal.waitForText('Run step 1?');
    expect(first).toContain("› $ sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra\n› $ make day-12-restart-butler\n");
    expect(first).toContain('? Run step 1? [y] run it  [n] skip it  [c] run this and all remaining without asking  [q] quit');
    // Nothing runs before the answer.
    expect(sandbox.calls()).toEqual([]);
    await terminal.answer('y');
    await terminal.waitForText('Run step 2?');
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);
    await terminal.answer('y');
    const manual = await terminal.waitForText('Manual step 3');
    expect(manual).toContain('› [ ] Post to #ops-shared\n› [ ] Update incident log\n› [ ] Schedule post-mortem\n');
    await terminal.answer('d');

    expect(await terminal.waitForExit()).toBe(0);
    expect(scrub(await terminal.screen(), sandbox.root)).toBe(`Rolling back stage 21_01a — Dialog Context Repository
  note    <root>/runbooks/21_01a_dialog_context_repo.md:79
  path    1. If Issues Found Within 1 Hour of Deployment
  steps   1. Disable feature flag · 2. Validate rollback · 3. Communicate (manual)
  flag    USE_NEW_DIALOG_CONTEXT_REPO: true → false (step 1) in ~/work/infra/.env.infra
  run     <run-id>
  mode    interactive: each step asks first

❯ 1. Disable feature flag
› $ sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra
› $ make day-12-restart-butler
? Run step 1? [y] run it  [n] skip it  [c] run this and all remaining without asking  [q] quit › y
› make day-12-restart-butler: ok
✔ 1. Disable feature flag — USE_NEW_DIALOG_CONTEXT_REPO: true → false [<d>]
❯ 2. Validate rollback
› $ poetry run pytest tests/smoke/ -v
› $ curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus
? Run step 2? [y] run it  [n] skip it  [c] run this and all remaining without asking  [q] quit › y
› poetry run pytest tests/smoke/ -v: ok
› curl -s http://127.0.0.1:9090/api/v1/targets: ok
✔ 2. Validate rollback [<d>]
❯ 3. Communicate (manual)
› [ ] Post to #ops-shared
› [ ] Update incident log
› [ ] Schedule post-mortem
? Manual step 3: do it by hand, then answer [d] done  [s] skip  [q] quit › d
✔ 3. Communicate (manual)

Rollback of 21_01a: succeeded after <d>
  recovery not verified (--no-verify): check Prometheus by hand, or run runbook verify
  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  ✔ 2. Validate rollback     done  <d>
  ✔ 3. Communicate           acknowledged
  journal <root>/.runbook/runs/<run-id>.jsonl
`);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [2, 'run'],
      [3, 'acknowledged'],
    ]);
    expect(sandbox.journal().events[0]).toMatchObject({ unattended: false });
  });

  it('n skips a step and s skips the manual step; the skipped step does not run', async () => {
    const sandbox = createSandbox();
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('n');
    await terminal.waitForText('Run step 2?');
    await terminal.answer('y');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('s');

    // A skipped flag step leaves the flag on: incomplete (exit 1), never "succeeded".
    expect(await terminal.waitForExit()).toBe(1);
    expect(summaryOf(await terminal.screen(), sandbox.root)).toBe(`Rollback of 21_01a: INCOMPLETE after <d>
  the rollback is not complete: step not run: 1 (skipped); flag unchanged: USE_NEW_DIALOG_CONTEXT_REPO is true (rollback value false)
  ↓ 1. Disable feature flag  skipped
  ✔ 2. Validate rollback     done  <d>
  ↓ 3. Communicate           skipped
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = true  NOT rolled back (rollback value false)
    steps done: 2
    not run: 1. Disable feature flag (skipped)
`);
    expect(sandbox.calls()).toEqual(['poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
    expect(sandbox.decisions()).toEqual([
      [1, 'skip'],
      [2, 'run'],
      [3, 'skip'],
    ]);
    expect(sandbox.stepResults()).toEqual([
      [1, 'skipped'],
      [2, 'done'],
      [3, 'skipped'],
    ]);
  });

  it('c runs this and the remaining shell steps without asking; a manual step still waits for a person', async () => {
    const sandbox = createSandbox();
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('c');
    // Had step 2 asked, the run would wait there and never reach step 3.
    await terminal.waitForText('Manual step 3');
    expect(sandbox.calls()).toHaveLength(3);
    await terminal.answer('d');

    expect(await terminal.waitForExit()).toBe(0);
    expect(sandbox.decisions()).toEqual([
      [1, 'continue-all'],
      [2, 'run'],
      [3, 'acknowledged'],
    ]);
  });

  it('q quits before the step: nothing more runs, the step is not recorded as done or skipped, exit 1', async () => {
    const sandbox = createSandbox();
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    await terminal.waitForText('Run step 2?');
    await terminal.answer('q');

    expect(await terminal.waitForExit()).toBe(1);
    expect(summaryOf(await terminal.screen(), sandbox.root)).toBe(`Rollback of 21_01a: aborted after <d>
  stopped by the operator before step 2 "Validate rollback"
  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = false  rolled back
    steps done: 1
    not run: 2. Validate rollback (quit at its question)
  To continue: runbook resume <run-id>
`);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [2, 'quit'],
    ]);
    expect(sandbox.stepResults()).toEqual([[1, 'done']]);
    expect(sandbox.journal().events.at(-1)).toMatchObject({ type: 'run-finished', result: 'aborted', exitCode: 1 });
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });

  it('after a failure, shows the exit code and output and asks: r retries, and the retry can pass', async () => {
    const sandbox = createSandbox();
    sandbox.stub('make', 'fail-once', '2');
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    const failed = await terminal.waitForText('Step 1 "Disable feature flag" failed (exit code 2): what now?');
    expect(failed).toContain('failed with exit code 2\n');
    expect(failed).toContain('make: failing with exit 2\n');
    expect(failed).toContain('[r] retry  [s] skip it and go on  [a] abort the rollback');
    await terminal.answer('r');
    await terminal.waitForText('Run step 2?');
    await terminal.answer('y');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('d');

    expect(await terminal.waitForExit()).toBe(0);
    expect(summaryOf(await terminal.screen(), sandbox.root)).toContain('  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false\n');
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [1, 'retry'],
      [2, 'run'],
      [3, 'acknowledged'],
    ]);
    expect(sandbox.stepResults()).toEqual([
      [1, 'failed'],
      [1, 'done'],
      [2, 'done'],
      [3, 'acknowledged'],
    ]);
    const attempts = sandbox
      .journal()
      .events.filter((event) => event.type === 'step-started' && event.step === 1)
      .map((event) => event.attempt);
    expect(attempts).toEqual([1, 2]);
    // The flag is reported as it was before the step, not as the first attempt left it.
    expect(
      sandbox
        .journal()
        .events.filter((event) => event.type === 'step-finished' && event.step === 1)
        .map((event) => event.flags),
    ).toEqual([[expect.objectContaining({ before: 'true', after: 'false' })], [expect.objectContaining({ before: 'true', after: 'false' })]]);
  });

  it('after a failure, a aborts the rollback with exit 1 and runs nothing more', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('y');
    await terminal.waitForText('Run step 2?');
    await terminal.answer('y');
    await terminal.waitForText('Step 2 "Validate rollback" failed (exit code 3): what now?');
    await terminal.answer('a');

    expect(await terminal.waitForExit()).toBe(1);
    expect(summaryOf(await terminal.screen(), sandbox.root)).toBe(`Rollback of 21_01a: aborted after <d>
  aborted by the operator after step 2 "Validate rollback" failed with exit code 3
  ✔ 1. Disable feature flag  done  <d>  USE_NEW_DIALOG_CONTEXT_REPO: true → false
  ✖ 2. Validate rollback     failed  <d>  exit 3
  journal <root>/.runbook/runs/<run-id>.jsonl
  Where this leaves the system:
    flag USE_NEW_DIALOG_CONTEXT_REPO = false  rolled back
    steps done: 1
    not run: 2. Validate rollback (failed)
  To continue: runbook resume <run-id>
`);
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v']);
    expect(sandbox.decisions()).toEqual([
      [1, 'run'],
      [2, 'run'],
      [2, 'abort'],
    ]);
    expect(existsSync(sandbox.lockPath('21_01a'))).toBe(false);
  });

  it('after a failure, s skips the failed step and goes on', async () => {
    const sandbox = createSandbox();
    sandbox.stub('poetry', 'exit', '3');
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('c');
    await terminal.waitForText('Step 2 "Validate rollback" failed (exit code 3): what now?');
    await terminal.answer('s');
    await terminal.waitForText('Manual step 3');
    await terminal.answer('d');

    // Step 2 did not do its work: the run is incomplete, not a success.
    expect(await terminal.waitForExit()).toBe(1);
    expect(summaryOf(await terminal.screen(), sandbox.root)).toContain('  ↓ 2. Validate rollback     skipped  exit 3\n');
    expect(summaryOf(await terminal.screen(), sandbox.root)).toContain('Rollback of 21_01a: INCOMPLETE after <d>\n  the rollback is not complete: step not run: 2 (skipped)\n');
    expect(sandbox.stepResults()).toEqual([
      [1, 'done'],
      [2, 'failed'],
      [2, 'skipped'],
      [3, 'acknowledged'],
    ]);
  });

  it('asks again, saying what to type, when the answer is none of the keys', async () => {
    const sandbox = createSandbox();
    const terminal = await startRollback(sandbox);

    await terminal.waitForText('Run step 1?');
    await terminal.answer('yes please');
    await terminal.waitForText('(type one of y/n/c/q)');
    expect(sandbox.calls()).toEqual([]);
    await terminal.answer('q');
    expect(await terminal.waitForExit()).toBe(1);
  });

  it('asks for a missing <parameter> before the first step, and records the answer', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/step-environment.md'] });
    writeFileSync(join(sandbox.home, 'marker.txt'), 'home marker\n');
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_env'));

    const asked = await terminal.waitForText('Value for <incident-id>');
    expect(asked).toContain('  param   incident-id=(not set)\n');
    expect(asked).not.toContain('Run step 1?');
    await terminal.answer('INC-7');
    await terminal.waitForText('Run step 1?');
    await terminal.answer('c');

    expect(await terminal.waitForExit()).toBe(0);
    expect(sandbox.journal().events[0]).toMatchObject({ parameters: { 'incident-id': 'INC-7' } });
    expect(sandbox.journal().events.find((event) => event.type === 'step-finished' && event.step === 1)).toMatchObject({
      outputTail: expect.arrayContaining(['incident=INC-7 env=INC-7']),
    });
  });

  it('respects NO_COLOR on a terminal, and colours the output without it', async () => {
    const sandbox = createSandbox();
    const plain = await startRollback(sandbox, '--yes');
    expect(await plain.waitForExit()).toBe(0);
    expect(await plain.screen({ escapes: true })).not.toMatch(/\u001b\[3\dm/);

    const coloured = await sandbox.openTerminal(sandbox.args('rollback', '21_01a', '--yes'), { env: { NO_COLOR: '' } });
    expect(await coloured.waitForExit()).toBe(0);
    expect(await coloured.screen({ escapes: true })).toMatch(/\u001b\[3\dm/);
  });
});
