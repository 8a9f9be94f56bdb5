import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { buildPlan, choosePath, runBlockers } from '../../src/plan/build-plan.js';
import { parseFixture, samplesDir } from '../helpers/notes.js';

const sample = (name: string) => parseFixture(name, samplesDir);

describe('buildPlan', () => {
  it('builds the 21_01a plan: first path selected, flag with env file and step number, checks from the note', () => {
    const plan = buildPlan(sample('21_01a_dialog_context_repo.md'));
    expect(plan).toMatchObject({
      stage: '21_01a',
      selectedPath: 0,
      flags: [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', rollbackValue: 'false', envFile: '~/work/infra/.env.infra', step: 'Disable feature flag', stepNumber: 1, line: 85 }],
      prometheus: { url: 'http://127.0.0.1:9090', source: 'note', line: 92 },
      parameters: [],
      problems: [],
    });
    expect(plan.paths.map((path) => [path.number, path.title, path.shellSteps])).toEqual([
      [1, 'If Issues Found Within 1 Hour of Deployment', 2],
      [2, 'If Issues Found >1 Hour After Deployment', 0],
    ]);
    expect(plan.paths[0]!.steps.map((step) => (step.kind === 'shell' ? step.flags : null))).toEqual([['USE_NEW_DIALOG_CONTEXT_REPO'], [], null]);
    expect(plan.checks.map((check) => [check.metric, check.threshold?.op, check.threshold?.value, check.threshold?.unit])).toEqual([
      ['Dialog context latency (p95)', '>', 150, 'ms'],
      ['Error rate', '>', 1, '%'],
    ]);
  });

  it('lists parameters with their lines and fills in the values given', () => {
    const note = parseFixture('parameters.md');
    expect(buildPlan(note).parameters).toEqual([
      { name: 'incident-id', lines: [11, 17], value: undefined },
      { name: 'operator', lines: [11], value: undefined },
    ]);
    const plan = buildPlan(note, { parameters: new Map([['incident-id', 'INC-42']]) });
    const [record, disable] = plan.paths[0]!.steps;
    expect(record!.kind === 'shell' && record!.script).toBe('echo "rollback for INC-42 by <operator>" >> ~/work/infra/rollback.log');
    expect(disable!.kind === 'shell' && disable!.script).toContain('TICKET=INC-42 < /dev/null');
    expect(plan.parameters[0]).toEqual({ name: 'incident-id', lines: [11, 17], value: 'INC-42' });
  });

  it('refuses --set for a parameter the note does not have, listing the ones it has', () => {
    expect(() => buildPlan(parseFixture('parameters.md'), { parameters: new Map([['ticket', 'x']]) })).toThrow(
      new UsageError('--set ticket: parameters.md has no parameter <ticket>; its parameters: incident-id, operator'),
    );
    expect(() => buildPlan(sample('21_01a_dialog_context_repo.md'), { parameters: new Map([['x', 'y']]) })).toThrow(/takes no parameters/);
  });

  it('prefers a URL given by option or environment to the note, and falls back to the default', () => {
    const note = sample('21_01a_dialog_context_repo.md');
    expect(buildPlan(note, { prometheusUrl: { url: 'http://prom:9090', source: 'environment' } }).prometheus).toEqual({ url: 'http://prom:9090', source: 'environment' });
    expect(buildPlan(parseFixture('no-sub-headings.md')).prometheus).toEqual({ url: 'http://127.0.0.1:9090', source: 'default' });
  });

  it('names a flag set only in prose without a step number', () => {
    const flags = buildPlan(parseFixture('breaking-changes-bullet-only.md')).flags;
    expect(flags).toEqual([{ name: 'USE_NEW_BULLET', rollbackValue: 'false', envFile: undefined, step: undefined, stepNumber: undefined, line: 12 }]);
  });
});

describe('choosePath', () => {
  const paths = buildPlan(sample('21_01a_dialog_context_repo.md')).paths;

  it.each([
    { selector: undefined, index: 0 },
    { selector: '1', index: 0 },
    { selector: '2', index: 1 },
    { selector: '>1 hour', index: 1 },
    { selector: 'WITHIN', index: 0 },
  ])('--path $selector → path ${index}', ({ selector, index }) => {
    expect(choosePath(paths, selector)).toBe(index);
  });

  it.each([
    { selector: '0', message: /^--path 0: the note has 2 path\(s\): 1\. If Issues Found Within 1 Hour of Deployment; 2\. If Issues Found >1 Hour After Deployment$/ },
    { selector: '3', message: /^--path 3: the note has 2 path/ },
    { selector: 'nope', message: /^--path "nope" matches no path; the note's paths: 1\. / },
    { selector: 'issues', message: /^--path "issues" matches 2 paths: .*; give the number$/ },
  ])('--path $selector is refused', ({ selector, message }) => {
    expect(() => choosePath(paths, selector)).toThrow(message);
  });

  it('skips paths without shell steps by default', () => {
    const manualFirst = [
      { number: 1, title: 'Call someone', line: 1, steps: [], shellSteps: 0 },
      { number: 2, title: 'Flip the flag', line: 5, steps: [], shellSteps: 1 },
    ];
    expect(choosePath(manualFirst, undefined)).toBe(1);
  });
});

describe('runBlockers', () => {
  it.each([
    { fixture: '21_01a_dialog_context_repo.md', dir: samplesDir, blockers: [] },
    { fixture: '21_01d_no_rollback_section.md', dir: samplesDir, blockers: [[1, /^no "Rollback Procedure" section: add a "## Rollback Procedure" heading/]] },
    { fixture: 'empty-section.md', dir: undefined, blockers: [[7, /^the Rollback Procedure section is empty: add numbered steps/]] },
    { fixture: 'template.md', dir: samplesDir, blockers: [[1, /^this is the migration notes template, not a note: copy it to runbooks\/<stage>_<name>\.md/]] },
    {
      fixture: '21_01c_unfilled_copy.md',
      dir: samplesDir,
      blockers: [
        [23, /^template placeholder \[COMPONENT\] in step "Disable feature flag": replace it with the real value$/],
        [24, /^template placeholder \[service\] in step "Disable feature flag"/],
      ],
    },
  ])('$fixture', ({ fixture, dir, blockers }) => {
    const problems = runBlockers(parseFixture(fixture, dir));
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual(blockers.map(([line, message]) => [line, expect.stringMatching(message as RegExp)]));
  });
});
