import { describe, expect, it } from 'vitest';
import { parseFixture, samplesDir, summarizePaths, type StepSummary } from '../helpers/notes.js';

const SED = (flag: string) => `sed -i 's/${flag}=true/${flag}=false/' ~/work/infra/.env.infra`;
const TARGETS = 'curl -s http://127.0.0.1:9090/api/v1/targets';
const shell = (title: string, line: number, ...script: string[]): StepSummary => ({ kind: 'shell', title, line, script: script.join('\n') });
const manual = (title: string, line: number, ...items: string[]): StepSummary => ({ kind: 'manual', title, line, items });
const code = (title: string, line: number, language: string): StepSummary => ({
  kind: 'manual',
  title,
  line,
  items: [`Run by hand if needed (${language} block, not run by runbook)`],
  code: language,
});

interface Case {
  fixture: string;
  scenario: string;
  paths: { title: string; line: number; steps: StepSummary[] }[];
}

const cases: Case[] = [
  {
    fixture: 'no-sub-headings.md',
    scenario: 'no sub-headings: one path named after the section; bold and plain leads; a bullet is a manual step',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [shell('Disable feature flag', 9, SED('USE_NEW_FLAT')), shell('Restart the service', 13, 'make day-12-restart-flat'), manual('Post to #ops-shared', 17, 'Post to #ops-shared')],
      },
    ],
  },
  {
    fixture: 'plain-lead-item.md',
    scenario: 'bullet items with a plain lead and a block are shell steps; bullets without one are manual steps',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable the feature flag', 9, SED('USE_NEW_PLAIN')),
          shell('Restart the plain service', 13, 'make day-12-restart-plain'),
          manual('Tell the on-call channel', 18, 'Tell the on-call channel'),
          manual('Follow full rollback plan from docs/specs/plain/rollback_plan.md', 19, 'Follow full rollback plan from docs/specs/plain/rollback_plan.md'),
        ],
      },
    ],
  },
  {
    fixture: 'tilde-fences.md',
    scenario: '~~~ fences, and ``` inside a ~~~~ fence is content',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [shell('Disable feature flag', 9, SED('USE_NEW_TILDE'), 'make day-12-restart-tilde'), shell('Check targets', 15, '# a ``` inside a ~~~~ fence is content, not a fence', "echo '```'", TARGETS)],
      },
    ],
  },
  {
    fixture: 'step-markers.md',
    scenario: '# N. Title markers split one block; the set -e preamble runs before each part',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable feature flag', 14, 'set -euo pipefail', SED('USE_NEW_MARKERS')),
          shell('Restart services', 17, 'set -euo pipefail', 'make day-12-restart-markers'),
          shell('Validate rollback', 20, 'set -euo pipefail', TARGETS),
        ],
      },
    ],
  },
  {
    fixture: 'console-prompts.md',
    scenario: 'console blocks: $ prompts stripped, > continuations kept, output lines dropped',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable feature flag', 9, SED('USE_NEW_CONSOLE'), 'grep USE_NEW_CONSOLE ~/work/infra/.env.infra'),
          shell('Restart and check', 16, 'make day-12-restart-console \\', '  SERVICE=console', `${TARGETS} | head -c 100`),
        ],
      },
    ],
  },
  {
    fixture: 'unlabelled-fence.md',
    scenario: 'unlabelled fences run when they look like commands and are shown when they look like output',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [shell('Disable feature flag', 9, SED('USE_NEW_UNLABELLED'), 'make day-12-restart-unlabelled'), code('Expected output', 16, 'text'), shell('Validate rollback', 21, `./scripts/smoke.sh && ${TARGETS}`)],
      },
    ],
  },
  {
    fixture: 'python-block-manual.md',
    scenario: 'python, promql and javascript blocks are manual steps, kept in document order',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable feature flag', 9, SED('USE_NEW_PYTHON')),
          code('Reset the cache from a Python shell', 15, 'python'),
          code('Check the error ratio', 21, 'promql'),
          code('Confirm (javascript)', 26, 'javascript'),
          shell('Confirm', 25, TARGETS),
        ],
      },
    ],
  },
  {
    fixture: 'shell-languages.md',
    scenario: 'bash, sh, shell, zsh and console are shell; the language is case-insensitive and may carry attributes',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('bash block', 9, 'echo bash'),
          shell('sh block', 13, 'echo sh'),
          shell('shell block', 17, 'echo shell'),
          shell('zsh block', 21, 'echo zsh'),
          shell('console block', 25, 'echo console'),
          shell('Upper-case language with attributes', 30, 'echo upper'),
        ],
      },
    ],
  },
  {
    fixture: 'sub-heading-steps.md',
    scenario: 'sub-headings are paths; a block directly under a deeper heading is a step titled by it',
    paths: [
      {
        title: 'Fast path: flip the flag',
        line: 9,
        steps: [shell('Disable feature flag', 11, SED('USE_NEW_SUBHEAD')), shell('Restart services', 17, 'make day-12-restart-subhead'), shell('Validate', 23, TARGETS)],
      },
      { title: 'Full rollback: redeploy', line: 29, steps: [shell('Redeploy previous release', 31, 'make deploy-subhead VERSION=previous')] },
    ],
  },
  {
    fixture: 'step-headings.md',
    scenario: '"Step N:" headings are steps of one path; a plain paragraph under one is a note, not the title',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable feature flag', 9, SED('USE_NEW_STEPHEAD')),
          shell('Restart services', 15, 'make day-12-restart-worker', 'make day-12-restart-api'),
          manual('Tell people', 24, 'Post to #ops-shared and update the incident log.'),
        ],
      },
    ],
  },
  {
    fixture: 'paragraph-leads.md',
    scenario: 'paragraphs title the block after them; an instruction with no block is a manual step; a > **Warning** is a note; indented code runs',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable feature flag', 9, SED('USE_NEW_PARA')),
          shell('Restart the service so it rereads the env file.', 15, 'make day-12-restart-para'),
          shell('Rollback Procedure', 23, TARGETS),
          manual('Follow full rollback plan from docs/specs/para/rollback_plan.md if this fails.', 25, 'Follow full rollback plan from docs/specs/para/rollback_plan.md if this fails.'),
        ],
      },
    ],
  },
  {
    fixture: 'bullets-beside-code.md',
    scenario: 'a bullet without code beside blocks is done by hand in its place, never hidden in the notes; inline code is not run',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [
          shell('Disable feature flag', 9, SED('USE_NEW_BESIDE')),
          manual('Disable feature flag (by hand)', 14, 'Restart: make day-12-restart-beside'),
          shell('Disable feature flag (continued)', 16, TARGETS),
          manual('Restart the worker too: make day-12-restart-beside-worker', 19, 'Restart the worker too: make day-12-restart-beside-worker'),
        ],
      },
    ],
  },
  {
    fixture: 'crlf-endings.md',
    scenario: 'CRLF line endings: no \\r reaches a script, lines are unchanged',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [shell('Disable feature flag', 9, SED('USE_NEW_CRLF'), 'make day-12-restart-crlf'), shell('Validate rollback', 15, TARGETS), manual('Communicate', 20, 'Post to #ops-shared')],
      },
    ],
  },
  {
    fixture: 'tabs-indented.md',
    scenario: 'tab-indented list items and fences; tabs inside the script are kept',
    paths: [
      {
        title: 'Rollback Procedure',
        line: 7,
        steps: [shell('Disable feature flag', 9, SED('USE_NEW_TABS'), 'if [ -f ~/work/infra/.env.infra ]; then', '\tmake day-12-restart-tabs', 'fi'), shell('Validate rollback', 17, TARGETS)],
      },
    ],
  },
  {
    fixture: 'non-ascii.md',
    scenario: 'non-ASCII titles, commands and bullets',
    paths: [
      {
        title: 'Wenn Probleme innerhalb 1 Stunde auftreten',
        line: 9,
        steps: [
          shell('Feature-Flag abschalten → sofort', 11, SED('USE_NEW_KONTEXT'), 'echo "Flag abgeschaltet ✅ — Größe: 0"'),
          shell('Prüfen', 16, TARGETS),
          manual('Kommunizieren', 20, 'Nachricht an #ops-shared 📣', '事故ログを更新する'),
        ],
      },
    ],
  },
  {
    fixture: 'bom.md',
    scenario: 'a UTF-8 byte-order mark does not hide the title',
    paths: [{ title: 'Rollback Procedure', line: 7, steps: [shell('Disable feature flag', 9, SED('USE_NEW_BOM'))] }],
  },
  {
    fixture: 'rollback-procedures-plural.md',
    scenario: '"ROLLBACK PROCEDURES:" at depth 3 ends at the next depth-3 heading',
    paths: [{ title: 'ROLLBACK PROCEDURES:', line: 9, steps: [shell('Disable feature flag', 11, SED('USE_NEW_PLURAL')), shell('Restart', 16, 'make day-12-restart-plural')] }],
  },
  {
    fixture: 'empty-section.md',
    scenario: 'a section with only a comment has one path and no steps',
    paths: [{ title: 'Rollback Procedure', line: 7, steps: [] }],
  },
];

describe('steps of a rollback path', () => {
  it.each(cases)('$fixture: $scenario', ({ fixture, paths }) => {
    expect(summarizePaths(parseFixture(fixture))).toEqual(paths);
  });

  it('reads the sample note 21_01a: two paths, shell steps from bold leads, a checklist, a pointer', () => {
    expect(summarizePaths(parseFixture('21_01a_dialog_context_repo.md', samplesDir))).toEqual([
      {
        title: 'If Issues Found Within 1 Hour of Deployment',
        line: 81,
        steps: [
          shell('Disable feature flag', 83, SED('USE_NEW_DIALOG_CONTEXT_REPO'), 'make day-12-restart-butler'),
          shell('Validate rollback', 89, 'poetry run pytest tests/smoke/ -v', `${TARGETS}  # Check Prometheus`),
          manual('Communicate', 95, 'Post to #ops-shared', 'Update incident log', 'Schedule post-mortem'),
        ],
      },
      {
        title: 'If Issues Found >1 Hour After Deployment',
        line: 100,
        steps: [manual('Follow full rollback plan from docs/specs/epic_21/architect/rollback_plan.md', 102, 'Follow full rollback plan from docs/specs/epic_21/architect/rollback_plan.md')],
      },
    ]);
  });

  it('maps every script line back to its note line, so bash errors point into the note', () => {
    const note = parseFixture('console-prompts.md');
    const restart = note.rollback!.paths[0]!.steps[1]!;
    expect(restart.kind === 'shell' && restart.lineMap).toEqual([18, 19, 21]);
    const markers = parseFixture('step-markers.md').rollback!.paths[0]!.steps.map((step) => step.kind === 'shell' && step.lineMap);
    expect(markers).toEqual([
      [12, 15],
      [12, 18],
      [12, 21],
    ]);
  });

  it('keeps the text around the commands as notes of the step', () => {
    const steps = parseFixture('21_01b_metrics_exporter.md', samplesDir).rollback!.paths[0]!.steps;
    expect(steps.find((step) => step.title === 'Restart services')?.notes).toEqual(['(scheduler first, then butler)']);
    expect(parseFixture('plain-lead-item.md').rollback!.paths[0]!.steps[1]!.notes).toEqual(['Wait until the health check is green.']);
    expect(parseFixture('step-markers.md').rollback!.paths[0]!.steps[0]!.notes).toEqual(['Run this block; each marked part is its own step']);
    expect(parseFixture('bullets-beside-code.md').rollback!.paths[0]!.steps.map((step) => step.notes)).toEqual([['Edit the env file'], [], ['Then check the targets'], []]);
  });

  it('gives the code of a manual code step so the operator can read it', () => {
    const step = parseFixture('python-block-manual.md').rollback!.paths[0]!.steps[1]!;
    expect(step.kind === 'manual' && step.code).toEqual({ language: 'python', text: 'from app.cache import cache\ncache.clear()' });
  });
});
