import { describe, expect, it } from 'vitest';
import { parseNote } from '../../src/note/parse-note.js';
import { parseFixture, samplesDir } from '../helpers/notes.js';

describe('parseNote: the note around the steps', () => {
  it.each([
    { fixture: '21_01a_dialog_context_repo.md', dir: samplesDir, stage: '21_01a', component: 'Dialog Context Repository', status: 'In Progress' },
    { fixture: '21_01b_metrics_exporter.md', dir: samplesDir, stage: '21_01b', component: 'Butler Metrics Exporter', status: 'Complete' },
    { fixture: 'bom.md', dir: undefined, stage: '30_02f', component: 'BOM', status: 'In Progress' },
    { fixture: 'non-ascii.md', dir: undefined, stage: '30_02e', component: 'Dialog-Kontext (Ü-Test) 🚀', status: 'In Progress' },
  ])('$fixture: stage $stage', ({ fixture, dir, stage, component, status }) => {
    expect(parseFixture(fixture, dir)).toMatchObject({ stage, component, status });
  });

  it('takes the stage from the title when there is no Stage field', () => {
    expect(parseNote('# Migration: X · Stage 22_03c\n\n## Rollback Procedure\n', 'x.md').stage).toBe('22_03c');
  });

  it('finds no section in a note without one, and no steps in an empty one', () => {
    expect(parseFixture('21_01d_no_rollback_section.md', samplesDir).rollback).toBeUndefined();
    expect(parseFixture('breaking-changes-bullet-only.md').rollback).toBeUndefined();
    expect(parseFixture('empty-section.md').rollback?.paths.flatMap((path) => path.steps)).toEqual([]);
  });

  it('reports a second Rollback Procedure section', () => {
    const note = parseNote('# T\n\n## Rollback Procedure\n\n```bash\nmake a\n```\n\n## Rollback Procedure\n\n```bash\nmake b\n```\n', 'two.md');
    expect(note.problems).toEqual([{ file: 'two.md', line: 9, message: 'second "Rollback Procedure" section; only the one at line 3 is used: merge them' }]);
  });
});

describe('parseNote: feature flags', () => {
  const mentions = (fixture: string, dir?: URL) => {
    const note = parseFixture(fixture, dir);
    return { section: note.rollback?.flagMentions ?? [], declared: note.declaredFlags };
  };

  it('reads the flag, its rollback value, the env file from the sed -i target and the step (21_01a)', () => {
    expect(mentions('21_01a_dialog_context_repo.md', samplesDir)).toEqual({
      section: [
        {
          name: 'USE_NEW_DIALOG_CONTEXT_REPO',
          value: 'false',
          line: 85,
          source: 'sed',
          envFile: '~/work/infra/.env.infra',
          step: 'Disable feature flag',
          sedPattern: 'USE_NEW_DIALOG_CONTEXT_REPO=true',
        },
      ],
      declared: [{ name: 'USE_NEW_DIALOG_CONTEXT_REPO', value: 'false', line: 51, source: 'declared' }],
    });
  });

  it('reads every form of setting a flag, and inline code in the section', () => {
    expect(mentions('flag-forms.md').section.map(({ name, value, source, envFile, line }) => ({ name, value, source, envFile, line }))).toEqual([
      { name: 'USE_NEW_SED', value: 'false', source: 'sed', envFile: '~/work/infra/.env.infra', line: 16 },
      { name: 'ENABLE_CACHE', value: 'off', source: 'sed', envFile: '/etc/app/app.env', line: 17 },
      { name: 'USE_NEW_APPEND', value: '0', source: 'append', envFile: '$HOME/work/infra/.env.infra', line: 18 },
      { name: 'USE_NEW_TEE', value: 'false', source: 'append', envFile: './config/app.env', line: 19 },
      { name: 'USE_NEW_EXPORT', value: 'false', source: 'assignment', envFile: undefined, line: 20 },
      { name: 'USE_NEW_PREFIX', value: 'false', source: 'assignment', envFile: undefined, line: 21 },
      { name: 'USE_NEW_PROSE', value: 'false', source: 'prose', envFile: undefined, line: 24 },
    ]);
  });

  it('takes the Feature flag: bullet under Breaking Changes as a declaration, not as the section', () => {
    expect(mentions('breaking-changes-bullet-only.md')).toEqual({ section: [], declared: [{ name: 'USE_NEW_BULLET', value: 'false', line: 12, source: 'declared' }] });
  });

  it('finds flags in a CRLF note and in a step split by markers', () => {
    expect(mentions('crlf-endings.md').section).toEqual([
      { name: 'USE_NEW_CRLF', value: 'false', line: 11, source: 'sed', envFile: '~/work/infra/.env.infra', step: 'Disable feature flag', sedPattern: 'USE_NEW_CRLF=true' },
    ]);
    expect(mentions('step-markers.md').section).toEqual([
      { name: 'USE_NEW_MARKERS', value: 'false', line: 15, source: 'sed', envFile: '~/work/infra/.env.infra', step: 'Disable feature flag', sedPattern: 'USE_NEW_MARKERS=true' },
    ]);
  });
});

describe('parseNote: Prometheus URL', () => {
  it.each([
    { fixture: '21_01a_dialog_context_repo.md', dir: samplesDir, urls: [{ url: 'http://127.0.0.1:9090', line: 92 }] },
    { fixture: 'tilde-fences.md', dir: undefined, urls: [{ url: 'http://127.0.0.1:9090', line: 19 }] },
    {
      fixture: 'prometheus-query-url.md',
      dir: undefined,
      urls: [
        { url: 'https://prom.example.internal:9443/prometheus', line: 14 },
        { url: 'http://10.0.0.5:9090', line: 16 },
      ],
    },
    { fixture: 'no-sub-headings.md', dir: undefined, urls: [] },
  ])('$fixture', ({ fixture, dir, urls }) => {
    expect(parseFixture(fixture, dir).rollback?.prometheusUrls).toEqual(urls);
  });

  it('only looks inside the section', () => {
    const note = parseNote('# T\n\n`curl http://other:9090/api/v1/query`\n\n## Rollback Procedure\n\n```bash\nmake a\n```\n', 'n.md');
    expect(note.rollback?.prometheusUrls).toEqual([]);
  });
});

describe('parseNote: placeholders and parameters', () => {
  it('lists template markers in steps with their lines, and not bash brackets', () => {
    const steps = parseFixture('placeholders-in-step.md').rollback!.paths[0]!.steps;
    expect(steps.flatMap((step) => (step.kind === 'shell' ? step.placeholders.map(({ text, line }) => [text, line]) : []))).toEqual([
      ['[COMPONENT]', 12],
      ['[COMPONENT]', 12],
      ['[service]', 13],
    ]);
  });

  it('lists markers in the header', () => {
    expect(parseFixture('placeholders-in-step.md').placeholders).toEqual([{ text: '[YYYY-MM-DD]', line: 5, where: 'field **Date**' }]);
    expect(parseFixture('21_01c_unfilled_copy.md', samplesDir).placeholders.map((placeholder) => placeholder.text)).toEqual(['[COMPONENT_NAME]', '[e.g., Dialog Context Repository]', '[YYYY-MM-DD]', '[Name]']);
  });

  it('lists <parameters> with their lines, and not redirections or comments', () => {
    const steps = parseFixture('parameters.md').rollback!.paths[0]!.steps;
    expect(steps.map((step) => (step.kind === 'shell' ? step.parameters : []))).toEqual([
      [
        { name: 'incident-id', line: 11 },
        { name: 'operator', line: 11 },
      ],
      [{ name: 'incident-id', line: 17 }],
    ]);
  });
});

describe('parseNote: the template itself', () => {
  it('reads the fenced template without a stage; the mis-paired fences leave its rollback section with placeholders', () => {
    const note = parseFixture('template.md', samplesDir);
    expect(note.stage).toBeUndefined();
    expect(note.title).toMatch(/Template/);
    expect(note.rollback?.line).toBe(161);
    expect(note.rollback?.paths[0]?.steps[0]).toMatchObject({ kind: 'shell', placeholders: expect.arrayContaining([expect.objectContaining({ text: '[service]', line: 168 })]) });
  });
});
