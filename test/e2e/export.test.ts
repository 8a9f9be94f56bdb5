/**
 * `runbook export --format ansible` end to end: the playbook the real CLI prints is checked
 * and run by the real `ansible-playbook` (Debian package ansible-core) against localhost,
 * with the sandbox's HOME and fake commands: `--syntax-check` accepts it, `--check` runs
 * nothing, and a real run does what `runbook rollback` would.
 */

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox, DIALOG_NOTE, type Sandbox } from '../helpers/sandbox.js';

const JINJA_NOTE = 'export/jinja-and-arguments.md';

/** Exports a stage to `<root>/playbook.yml`; the export itself must succeed quietly. */
async function exportPlaybook(sandbox: Sandbox, stage: string, ...args: string[]): Promise<string> {
  const result = await sandbox.run(sandbox.args('export', stage, '--format', 'ansible', ...args));
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  const file = join(sandbox.root, 'playbook.yml');
  writeFileSync(file, result.stdout);
  return file;
}

/** Runs ansible-playbook on localhost (local connection) in the sandbox's world: its HOME, its PATH with the fake commands. */
function ansiblePlaybook(sandbox: Sandbox, args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const env = { ...sandbox.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: 'auto_silent', ANSIBLE_LOCAL_TEMP: join(sandbox.root, 'ansible-tmp'), ANSIBLE_HOME: join(sandbox.root, 'ansible-home') };
  return new Promise((resolve) => {
    const child = execFile('ansible-playbook', ['-i', 'localhost,', '-c', 'local', ...args], { env, cwd: sandbox.work, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, exitCode: error ? (typeof error.code === 'number' ? error.code : 1) : 0 });
    });
    child.stdin?.end();
  });
}

/** `ok=… changed=… skipped=…` of the PLAY RECAP line for localhost. */
function recap(stdout: string): Record<string, number> {
  const line = /^localhost\s+:(.*)$/m.exec(stdout)?.[1] ?? '';
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((match) => [match[1]!, Number(match[2])]));
}

describe('runbook export --format ansible', () => {
  it('prints a playbook ansible-playbook --syntax-check accepts', async () => {
    const sandbox = createSandbox({ notes: [DIALOG_NOTE, JINJA_NOTE] });
    for (const stage of ['21_01a', '95_jinja']) {
      const result = await ansiblePlaybook(sandbox, ['--syntax-check', await exportPlaybook(sandbox, stage)]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('playbook: ');
      expect(result.exitCode).toBe(0);
    }
  });

  it('runs nothing in check mode: every shell task is skipped, the env file is left alone', async () => {
    const sandbox = createSandbox();
    const playbook = await exportPlaybook(sandbox, '21_01a');
    const result = await ansiblePlaybook(sandbox, ['--check', playbook]);

    expect(result.exitCode).toBe(0);
    // Steps 1 and 2 and the flag check after step 1; the manual step's pause does not wait without a terminal.
    expect(recap(result.stdout)).toMatchObject({ ok: 1, changed: 0, skipped: 3, failed: 0 });
    expect(result.stdout).toMatch(/TASK \[1\. Disable feature flag\] \*+\nskipping: \[localhost\]/);
    expect(sandbox.calls()).toEqual([]);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=true\n');
  });

  it('does what runbook rollback does when run for real: flag flipped and checked, commands run in order', async () => {
    const sandbox = createSandbox();
    const result = await ansiblePlaybook(sandbox, [await exportPlaybook(sandbox, '21_01a')]);

    expect(result.exitCode).toBe(0);
    expect(recap(result.stdout)).toMatchObject({ changed: 2, failed: 0 });
    expect(result.stdout).toMatch(/TASK \[1\. check USE_NEW_DIALOG_CONTEXT_REPO=false\] \*+\nok: \[localhost\]/);
    expect(sandbox.readEnvFile()).toBe('USE_NEW_DIALOG_CONTEXT_REPO=false\n');
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler', 'poetry run pytest tests/smoke/ -v', 'curl -s http://127.0.0.1:9090/api/v1/targets']);
  });

  it('stops at the flag check when the step did not leave the flag at its rollback value', async () => {
    // A quoted value: the note's sed does not match it, so the flag stays on.
    const sandbox = createSandbox({ envFile: 'USE_NEW_DIALOG_CONTEXT_REPO="true"\n' });
    const result = await ansiblePlaybook(sandbox, [await exportPlaybook(sandbox, '21_01a')]);

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain("USE_NEW_DIALOG_CONTEXT_REPO is 'true' in ~/work/infra/.env.infra, expected false");
    expect(sandbox.calls()).toEqual(['make day-12-restart-butler']);
  });

  it('keeps the note’s braces and Ansible-looking words literal, and fills in the parameters', async () => {
    const sandbox = createSandbox({ notes: [JINJA_NOTE], envFile: 'USE_JINJA_FIXTURE=true\n' });
    const result = await ansiblePlaybook(sandbox, ['-e', 'incident_id=INC-42', await exportPlaybook(sandbox, '95_jinja')]);

    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(sandbox.home, 'rollback.log'), 'utf8')).toBe(
      ['rollback {INC-42} for INC-42', '{{ .State.Status }} {# not a comment #}', '{% raw %}kept{% endraw %}', 'creates=/etc/passwd chdir=/', ''].join('\n'),
    );
    expect(sandbox.readEnvFile()).toBe('USE_JINJA_FIXTURE=false\n');
  });

  it('checks the parameters before the first step: missing or unsafe values stop the play', async () => {
    const sandbox = createSandbox({ notes: [JINJA_NOTE], envFile: 'USE_JINJA_FIXTURE=true\n' });
    const playbook = await exportPlaybook(sandbox, '95_jinja');
    for (const extra of [[], ['-e', 'incident_id=INC-1;reboot']]) {
      const result = await ansiblePlaybook(sandbox, [...extra, playbook]);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toContain('give every parameter (-e incident_id=VALUE); values may hold letters, digits and . _ : @ % + = , / ~ -');
      expect(sandbox.readEnvFile()).toBe('USE_JINJA_FIXTURE=true\n');
    }
  });

  it('takes parameter values from --set and from the environment profile', async () => {
    const sandbox = createSandbox({ notes: [JINJA_NOTE] });
    writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments: { staging: { parameters: { 'incident-id': 'REHEARSAL' } } } }));
    expect(readFileSync(await exportPlaybook(sandbox, '95_jinja', '--env', 'staging'), 'utf8')).toContain('\n    incident_id: "REHEARSAL"\n');
    expect(readFileSync(await exportPlaybook(sandbox, '95_jinja', '--env', 'staging', '--set', 'incident-id=INC-9'), 'utf8')).toContain('\n    incident_id: "INC-9"\n');
  });

  it("a choice is a variable: only the chosen option's tasks run (default the plan's choice, -e runbook_choose_N=b another); the data rollback only with -e runbook_with_data_rollback=true", async () => {
    const sandbox = createSandbox({ notes: ['run-notes/choice-of-restarts.md'] });
    const playbook = await exportPlaybook(sandbox, '90_choice');
    const byDefault = await ansiblePlaybook(sandbox, [playbook]);
    expect(byDefault.exitCode).toBe(0);
    expect(sandbox.calls()).toEqual(['make stop', 'make restart-systemd']);
    const other = createSandbox({ notes: ['run-notes/choice-of-restarts.md'] });
    const chosen = await ansiblePlaybook(other, [await exportPlaybook(other, '90_choice'), '-e', 'runbook_choose_2=b', '-e', 'runbook_with_data_rollback=true']);
    expect(chosen.exitCode).toBe(0);
    expect(other.calls()).toEqual(['make stop', 'make restart-docker', 'make data-rollback']);
  });

  it('refuses an unknown format with exit 2', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('export', '21_01a', '--format', 'chef'));
    expect(result).toEqual({ stdout: '', stderr: 'runbook: --format chef: not a known format; known: ansible\n', exitCode: 2 });
  });
});
