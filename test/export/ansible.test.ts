import { describe, expect, it } from 'vitest';
import { ansibleVariable, planToAnsible, templateText } from '../../src/export/ansible.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { fillParameters } from '../../src/plan/parameters.js';
import { parseFixture, samplesDir } from '../helpers/notes.js';

const exportDir = new URL('../fixtures/export/', import.meta.url);
const plan = (name: string, dir: URL, parameters: Record<string, string> = {}) => buildPlan(parseFixture(name, dir), { parameters: new Map(Object.entries(parameters)) });

/**
 * What Jinja makes of a templated field, for the two forms the export writes: `{{ name }}`
 * (a variable) and `{{ '{' }}` (a literal brace). Anything else that opens a Jinja tag is an
 * escape the export missed.
 */
function renderJinja(text: string, variables: Record<string, string>): string {
  return text.replace(/\{\{ (?:'(\{)'|([a-z_][a-z0-9_]*)) \}\}|\{[{%#]/g, (whole, brace: string | undefined, name: string | undefined) => {
    if (brace) return brace;
    if (name && name in variables) return variables[name]!;
    throw new Error(`Jinja would read ${JSON.stringify(whole)} in ${JSON.stringify(text)}`);
  });
}

describe('ansibleVariable', () => {
  it.each([
    ['incident-id', 'incident_id'],
    ['Operator', 'operator'],
    ['api_key', 'api_key'],
  ])('%s → %s', (parameter, variable) => expect(ansibleVariable(parameter)).toBe(variable));
});

describe('templateText', () => {
  it.each([
    ['plain text', 'make day-12-restart-butler'],
    ['a Go template', "docker inspect --format '{{ .State.Status }}' butler"],
    ['a Jinja block', "echo '{% if x %}y{% endif %}'"],
    ['a Jinja comment', "echo '{# note #}'"],
    ['raw tags of its own', "echo '{% raw %}x{% endraw %}'"],
    ['a brace before a parameter', 'echo "{<incident-id>}"'],
    ['braces in shell', 'echo ${HOME} {a,b} "{}"'],
    ['a parameter twice', 'echo <incident-id> <incident-id>'],
    ['several lines', 'echo "{{ x }}"\necho <incident-id>\n{\n'],
  ])('keeps %s as the note wrote it, parameters filled', (_name, script) => {
    const templated = templateText(script);
    expect(renderJinja(templated, { incident_id: 'INC-42' })).toBe(fillParameters(script, () => 'INC-42'));
    expect(templated.split('\n')).toHaveLength(script.split('\n').length);
    // Ansible's trim_blocks would eat the newline after a block tag: the export writes none.
    expect(templated.replaceAll("{{ '{' }}", '')).not.toMatch(/\{%/);
  });
});

describe('planToAnsible', () => {
  it('turns the 21_01a plan into a play: one task per step, a flag check after step 1, the manual step as a pause', () => {
    const yaml = planToAnsible(plan('21_01a_dialog_context_repo.md', samplesDir));
    expect(yaml).toContain('- name: "Roll back stage 21_01a — Dialog Context Repository"\n  hosts: "{{ runbook_hosts | default(\'all\') }}"\n  gather_facts: false\n  any_errors_fatal: true\n');
    expect([...yaml.matchAll(/^ {4}- name: "(.*)"\n {6}(\S+):/gm)].map((match) => [match[1], match[2]])).toEqual([
      ['1. Disable feature flag', 'ansible.builtin.shell'],
      ['1. check USE_NEW_DIALOG_CONTEXT_REPO=false', 'ansible.builtin.shell'],
      ['2. Validate rollback', 'ansible.builtin.shell'],
      ['3. Communicate (manual)', 'ansible.builtin.pause'],
    ]);
    expect(yaml).toContain(`      ansible.builtin.shell:
        cmd: |
          set -o errexit -o pipefail
          sed -i 's/USE_NEW_DIALOG_CONTEXT_REPO=true/USE_NEW_DIALOG_CONTEXT_REPO=false/' ~/work/infra/.env.infra
          make day-12-restart-butler
        executable: /bin/bash
      environment:
        RUNBOOK_STAGE: "{{ runbook_stage }}"
        RUNBOOK_STEP: "1"
`);
    expect(yaml).toContain('        prompt: "Manual step 3: Communicate\\n- Post to #ops-shared\\n- Update incident log\\n- Schedule post-mortem\\nPress Enter when done (Ctrl-C then A aborts)"\n');
    // No parameters: nothing to check first.
    expect(yaml).not.toContain('ansible.builtin.assert');
  });

  it('gives the shell task its script as cmd, so Ansible does not read creates= or chdir= in it as its own arguments', () => {
    const yaml = planToAnsible(plan('jinja-and-arguments.md', exportDir, { 'incident-id': 'INC-42' }));
    expect(yaml).toContain('        cmd: |\n          set -o errexit -o pipefail\n          sed -i');
    expect(yaml).toContain('          echo creates=/etc/passwd chdir=/ >> ~/rollback.log\n');
    expect(yaml).not.toMatch(/ansible\.builtin\.shell: [|"]/);
  });

  it('makes parameters variables: a value given becomes a play variable, a missing one is asked for with -e, and both are checked first', () => {
    const withValue = planToAnsible(plan('parameters.md', new URL('../fixtures/notes/', import.meta.url), { 'incident-id': 'INC-42' }));
    expect(withValue).toContain('  vars:\n    runbook_stage: "30_03b"\n    incident_id: "INC-42"\n    # operator: give it with -e operator=VALUE\n  tasks:\n');
    expect(withValue).toContain(`    - name: "Check the parameters (as runbook would: set, and no characters that change a command)"
      ansible.builtin.assert:
        that:
          - "incident_id is defined and incident_id | string is match('^[A-Za-z0-9._:@%+=,/~-]+$')"
          - "operator is defined and operator | string is match('^[A-Za-z0-9._:@%+=,/~-]+$')"
        fail_msg: "give every parameter (-e incident_id=VALUE -e operator=VALUE); values may hold letters, digits and . _ : @ % + = , / ~ -"
`);
    expect(withValue).toContain('          echo "rollback for {{ incident_id }} by {{ operator }}" >> ~/work/infra/rollback.log\n');
    expect(withValue).toContain('          make day-12-restart-params TICKET={{ incident_id }} < /dev/null\n');
    expect(withValue).toContain('        RUNBOOK_PARAM_INCIDENT_ID: "{{ incident_id }}"\n        RUNBOOK_PARAM_OPERATOR: "{{ operator }}"\n');
    // The parameter check comes before the first step.
    expect(withValue.indexOf('ansible.builtin.assert')).toBeLessThan(withValue.indexOf('1. Record the incident'));
  });

  it('keeps the note’s own braces from Jinja in scripts, task names and pauses, and says so at the top', () => {
    const yaml = planToAnsible(plan('jinja-and-arguments.md', exportDir));
    expect(yaml.split('\n')[3]).toBe(`# {{ '{' }} is a "{" of the note's own text, kept from Jinja.`);
    const scripts = [...yaml.matchAll(/ {8}cmd: \|\n((?: {10}.*\n)+)/g)].map((match) => match[1]!.replace(/^ {10}/gm, ''));
    const rendered = scripts.map((script) => renderJinja(script, { incident_id: 'INC-42' }));
    expect(rendered[0]).toBe('set -o errexit -o pipefail\necho "rollback {INC-42} for INC-42" >> ~/rollback.log\n');
    expect(rendered[1]).toContain("echo '{{ .State.Status }} {# not a comment #}' >> ~/rollback.log\necho '{% raw %}kept{% endraw %}' >> ~/rollback.log\n");
    const prompt = JSON.parse(/ {8}prompt: (".*")\n/.exec(yaml)![1]!) as string;
    expect(renderJinja(prompt, { incident_id: 'INC-42' })).toContain('- Post {{ the status }} for INC-42 to #ops-shared\n');
  });

  it('checks the flag as runbook does: the last assignment in the env file, quotes and comments allowed', async () => {
    const yaml = planToAnsible(plan('jinja-and-arguments.md', exportDir));
    const check = /- name: "2\. check USE_JINJA_FIXTURE=false"\n {6}ansible\.builtin\.shell:\n {8}cmd: \|\n((?: {10}.*\n)+)/.exec(yaml)![1]!.replace(/^ {10}/gm, '');
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = mkdtempSync(join(tmpdir(), 'runbook-ansible-check-'));
    mkdirSync(join(home, 'work/infra'), { recursive: true });
    const passes = (envFile: string) => {
      writeFileSync(join(home, 'work/infra/.env.infra'), envFile);
      try {
        execFileSync('bash', ['-c', check], { env: { HOME: home, PATH: process.env.PATH }, stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    };
    try {
      expect(passes('USE_JINJA_FIXTURE=false\n')).toBe(true);
      expect(passes('export USE_JINJA_FIXTURE="false"  # rolled back\n')).toBe(true);
      expect(passes("  USE_JINJA_FIXTURE = 'false'")).toBe(true);
      expect(passes('USE_JINJA_FIXTURE=true\nUSE_JINJA_FIXTURE=false\n')).toBe(true);
      expect(passes('USE_JINJA_FIXTURE=false\nUSE_JINJA_FIXTURE=true\n')).toBe(false);
      expect(passes('USE_JINJA_FIXTURE=true\n')).toBe(false);
      expect(passes('USE_JINJA_FIXTURE=falsey\n')).toBe(false);
      expect(passes('OTHER=false\n')).toBe(false);
      expect(passes('# USE_JINJA_FIXTURE=false\nUSE_JINJA_FIXTURE=true\n')).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('puts a step under a condition behind its own variable, off by default, so a playbook never runs it unasked', () => {
    const unseen = new URL('../fixtures/unseen/', import.meta.url);
    const play = planToAnsible(plan('86_01a_blockquote_fence.md', unseen));
    expect(play).toContain('    # step 2 runs only under a condition: only if the volume is corrupt\n    runbook_condition_2: false\n');
    const wipe = play.slice(play.indexOf('- name: "2.'), play.indexOf('- name: "3.'));
    expect(wipe).toContain('rm -rf /var/lib/probe/data');
    expect(wipe).toContain('      when:\n        - "runbook_condition_2 | bool"\n');
    expect(play.slice(play.indexOf('- name: "3.'))).not.toContain('when:');
  });

  it('runs a step meant for some machines only on the hosts listed for it, none by default', () => {
    const realWorld = new URL('../fixtures/real-world/', import.meta.url);
    const k3s = buildPlan(parseFixture('55_01a_k3s_version_rollback.md', realWorld), { parameters: new Map(), choices: ['2=b'] });
    const play = planToAnsible(k3s);
    const wipe = k3s.paths[0]!.steps.find((step) => step.kind === 'shell' && step.script.startsWith('rm -rf /var/lib/rancher'))!;
    expect(play).toContain(`    runbook_hosts_${wipe.number}: []\n`);
    const task = play.slice(play.indexOf(`- name: "${wipe.number}.`));
    expect(task.slice(0, task.indexOf('    - name:', 10))).toContain(`        - "inventory_hostname in runbook_hosts_${wipe.number}"\n`);
  });
});
