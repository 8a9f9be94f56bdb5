/**
 * Table tests for the shapes real-world notes come in (fixtures named by scenario): sequence
 * or alternatives at every depth, output that is not a step, parameters in every spelling,
 * nothing dropped, gates, destructive and flagged commands, fence labels, the data rollback.
 * Each step is summarised as one line, choices with their options indented under them.
 */

import { describe, expect, it } from 'vitest';
import { lintNote } from '../../src/lint/lint-note.js';
import type { Note, Step } from '../../src/note/types.js';
import { flattenSteps } from '../../src/note/walk-steps.js';
import { parseFixture } from '../helpers/notes.js';

const unseenDir = new URL('../fixtures/unseen/', import.meta.url);

function outline(steps: Step[], depth = 0): string[] {
  const pad = '  '.repeat(depth);
  return steps.flatMap((step) => {
    const marks = [
      step.gate ? 'gate' : '',
      step.kind === 'shell' && step.destructive.length > 0 ? 'destructive' : '',
      (step.kind === 'shell' || step.kind === 'manual') && (step.hazards?.length ?? 0) > 0 ? 'flagged' : '',
      step.dataRollback ? 'data-rollback' : '',
      step.output?.length ? `output ${step.output.length}` : '',
      step.kind === 'manual' && step.code ? `code ${step.code.language}` : '',
      step.kind === 'manual' && step.mislabelled ? 'mislabelled' : '',
      step.kind === 'manual' && step.foreign ? `foreign ${step.foreign.kind} line ${step.foreign.line}` : '',
      step.condition ? `condition: ${step.condition}` : '',
      step.scope ? `on: ${step.scope}` : '',
    ].filter(Boolean);
    const head = `${pad}${step.kind} ${step.title}${marks.length > 0 ? ` [${marks.join(', ')}]` : ''}`;
    if (step.kind !== 'choice') return [head];
    return [head, ...step.options.flatMap((option) => [`${pad}  - ${option.title}`, ...outline(option.steps, depth + 2)])];
  });
}

const paths = (note: Note) => (note.rollback?.paths ?? []).map((path) => ({ title: path.title, steps: outline(path.steps) }));

describe('sequence or alternatives, from what the text says', () => {
  it.each([
    {
      fixture: 'phases-not-paths.md',
      why: 'ordered phases are one path: the undo is never left out',
      paths: [{ title: 'Rollback Procedure', steps: ['shell Checking Rollout History', 'shell Rolling Back to a Previous Revision'] }],
    },
    {
      fixture: 'options-inside-step.md',
      why: 'Option A/B/C under a step are one choice step inside the path',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: [
            'shell Disable feature flag',
            'choice Roll back the deployment',
            '  - Option A: Quick Rollback',
            '    shell Option A: Quick Rollback',
            '  - Option B: Specific Version',
            '    shell Option B: Specific Version',
            '  - Option C: Emergency Git Revert',
            '    shell Option C: Emergency Git Revert',
            'shell Verify',
          ],
        },
      ],
    },
    {
      fixture: 'alternatively-block.md',
      why: '"Alternatively, …" + block: a choice between the block before and the block after',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: [
            'choice Choose one',
            '  - Restart the worker',
            '    shell Restart the worker',
            '  - Alternatively, restart it through Docker',
            '    shell Alternatively, restart it through Docker',
            'shell Then check it answers',
          ],
        },
      ],
    },
    {
      fixture: 'platform-headings.md',
      why: 'platform variants (Linux / macOS) are paths',
      paths: [
        { title: 'On Linux', steps: ['shell On Linux'] },
        { title: 'On macOS', steps: ['shell On macOS'] },
      ],
    },
    {
      fixture: 'list-variants.md',
      why: 'labelled bullets naming tools (pip / Debian) are options',
      // Installing a pinned version restarts nothing: the running process keeps the old code (restart-after-install.ts).
      paths: [{ title: 'Rollback Procedure', steps: ['choice Downgrade the package, one of', '  - pip', '    shell pip', '  - Debian', '    shell Debian', 'manual Restart List variants'] }],
    },
    {
      fixture: 'os-comments-in-block.md',
      why: 'per-OS comment groups in one block: shared commands first, then a choice',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: ['shell Remove the package', 'choice Remove the package', '  - Ubuntu', '    shell Remove the package (Ubuntu) [destructive]', '  - CentOS', '    shell Remove the package (CentOS) [destructive]'],
        },
      ],
    },
    {
      fixture: 'bold-option-leads.md',
      why: 'bold "Option 1:" / "Option 2:" leads before blocks are a choice; the step after them is shared',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: [
            'choice Choose one',
            '  - Option 1: Roll back with Helm',
            '    shell Option 1: Roll back with Helm',
            '  - Option 2: Redeploy the previous image',
            '    shell Option 2: Redeploy the previous image',
            'shell Then verify',
          ],
        },
      ],
    },
    {
      fixture: 'numbered-options.md',
      why: 'a numbered list of options introduced by "one of the following" is a choice, not a sequence',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: [
            'choice Choose one of the following',
            '  - Option A — revert the config',
            '    shell Option A — revert the config',
            '  - Option B — restore from backup',
            '    shell Option B — restore from backup [destructive]',
          ],
        },
      ],
    },
    {
      fixture: 'using-tool-headings.md',
      why: '"Using Helm" / "Using kubectl" are ways of doing one thing; "Verify" after them is shared',
      paths: [
        { title: 'Using Helm', steps: ['shell Using Helm', 'shell Verify'] },
        { title: 'Using kubectl', steps: ['shell Using kubectl', 'shell Verify'] },
      ],
    },
    {
      fixture: 'plain-step-headings.md',
      why: 'imperative headings (stop, restore, roll back) are a sequence',
      paths: [{ title: 'Rollback Procedure', steps: ['shell Stop traffic', 'shell Restore the database [destructive]', 'shell Roll back the application'] }],
    },
    {
      fixture: 'platform-leads.md',
      why: '"On Linux:" / "On Windows:" leads inside one item are a choice; a powershell block never runs',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: ['choice Stop the agent.', '  - On Linux', '    shell On Linux', '  - On Windows', '    manual On Windows [code powershell]', 'manual Remove the new version: rm -rf /opt/agent/2.0'],
        },
      ],
    },
    {
      fixture: 'condition-leads.md',
      why: '"If the migration already ran:" then "If it did not:": two branches; the restart after them is shared',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: ['choice Choose one', '  - If the migration already ran', '    shell If the migration already ran', '  - If it did not', '    shell If it did not', 'shell Restart the API'],
        },
      ],
    },
    {
      fixture: 'numbered-conditions.md',
      why: 'a numbered list whose every item is a condition is a choice',
      paths: [
        {
          title: 'Rollback Procedure',
          steps: [
            'choice Choose one',
            '  - If the pod is crashlooping, roll back the image',
            '    shell If the pod is crashlooping, roll back the image',
            '  - If the pod is pending, free the node',
            '    shell If the pod is pending, free the node [destructive]',
          ],
        },
      ],
    },
    {
      fixture: 'via-headings.md',
      why: '"Rollback via ArgoCD" / "Rollback via Helm" are paths',
      paths: [
        { title: 'Rollback via ArgoCD', steps: ['shell Rollback via ArgoCD'] },
        { title: 'Rollback via Helm', steps: ['shell Rollback via Helm'] },
      ],
    },
    {
      fixture: 'automated-or-manual.md',
      why: '"Automated rollback" / "Manual rollback" are two ways: paths',
      paths: [
        { title: 'Automated rollback', steps: ['shell Automated rollback'] },
        { title: 'Manual rollback', steps: ['shell Revert'] },
      ],
    },
    {
      fixture: 'environment-headings.md',
      why: '"Staging" / "Production" are paths; the flag step before them is in each',
      paths: [
        { title: 'Staging', steps: ['shell Disable feature flag', 'shell Staging'] },
        { title: 'Production', steps: ['shell Disable feature flag', 'shell Production'] },
      ],
    },
    {
      fixture: 'role-headings-sequence.md',
      why: '"On the primary" then "On the replicas" is a sequence (both are done), each step with the machines it is for: role words only make options in labelled bullets',
      paths: [{ title: 'Rollback Procedure', steps: ['shell On the primary [on: the primary]', 'shell On the replicas [on: the replicas]'] }],
    },
  ])('$fixture: $why', ({ fixture, paths: expected }) => {
    expect(paths(parseFixture(fixture))).toEqual(expected);
  });

  it('MDX <Tabs> are alternatives, each tab an option (the markup is gone)', () => {
    const note = parseFixture('mdx-tabs.md');
    expect(paths(note)).toEqual([
      { title: 'PostgreSQL', steps: ['shell PostgreSQL [destructive]'] },
      { title: 'SQLite', steps: ['manual Replace app.db with the backup copy.'] },
    ]);
  });
});

describe('order the text states', () => {
  it('"before you run X" / "you must first …" written after a step goes before the step that does X; "after …" stays; "before proceeding" stays', () => {
    const note = parseFixture('stated-order.md');
    expect(paths(note)).toEqual([
      {
        title: 'Rollback Procedure',
        steps: [
          'manual Stop the ingest workers',
          'manual Restore the archive [code yaml]',
          'shell Run ./restore.sh --config restore.yaml [destructive, output 1]',
          'manual Start them again only after the restore has finished.',
          'manual Pause the consumers [gate]',
          'shell Replay the queue',
          'shell Check that the queue is drained; do this before proceeding',
          'manual Verify the row counts against the nightly report',
        ],
      },
    ]);
    const steps = note.rollback!.paths[0]!.steps;
    const pause = steps[4]!;
    expect(pause.kind === 'manual' && pause.items).toEqual([
      'In this case you must first pause the consumers, because a replay does not pause them.',
      'Tip: make sure the consumers show as paused before you replay the queue.',
    ]);
    expect(pause.gate).toBe('make sure the consumers show as paused before you replay the queue.');
    // Nothing earlier archives anything: the sentence stays a note where it was.
    expect(steps[6]!.notes).toEqual(['Rotate the logs before you archive them.']);
    // The one item left titles the checklist; its lead is kept as a note.
    expect(steps[3]!.notes).toEqual(['The restore follows the usual order']);
  });

  it('a caption over a value to write is the instruction; its example versions are parameters; a form-only caption gives way to the command', () => {
    const steps = parseFixture('stated-order.md').rollback!.paths[0]!.steps;
    const config = steps[1]!;
    expect(config.kind === 'manual' && [config.items, config.parameters, config.code?.text]).toEqual([
      ['Write this into restore.yaml (yaml block, not run by runbook)'],
      [{ name: 'from', line: 17, text: 'v2.3.1' }],
      "target: ['restore', '--from=<from>']",
    ]);
    const alone = parseFixture('stated-after-paths.md');
    expect(alone.rollback!.paths.map((path) => path.steps.map((step) => step.title))).toEqual([['Option A: Restore from the backup', 'Check the row counts with ./db.sh count'], ['Option B: Replay the write log']]);
  });

  it('"after any restore, check …" before the paths is the last step of the path that restores; a sentence that only describes is not', () => {
    const note = parseFixture('stated-after-paths.md');
    const [restore, replay] = note.rollback!.paths;
    expect(restore!.steps.at(-1)).toMatchObject({ kind: 'manual', line: 11, items: ['Note: after any restore, check the row counts with ./db.sh count.'] });
    expect(replay!.steps.map((step) => step.kind)).toEqual(['shell']);
  });

  it('a later section whose only text says it comes before what an earlier section does moves before it, a gate when it says "make sure"', () => {
    const note = parseFixture('stated-order-across-sections.md');
    expect(paths(note)).toEqual([
      {
        title: 'Rollback Procedure',
        steps: ['shell Move the namespace back', 'manual Gateways [gate]', 'shell Uninstall the canary', 'manual Clean up [condition: if you want to clean up what the page set up: not needed for the rollback]'],
      },
    ]);
  });

  it('unseen 62: "you must first reinstall the gateway(s)" and "make sure the old gateways are up … before you uninstall" are a manual gate before the uninstall', () => {
    const steps = parseFixture('62_01a_istio_canary_uninstall.md', unseenDir).rollback!.paths[0]!.steps;
    expect(outline(steps).slice(2, 4)).toEqual(['manual Reinstall the gateway(s) of the previous revision by hand [gate]', 'shell Uninstall canary control plane']);
    expect(steps[2]!.gate).toMatch(/make sure the old gateways are up and running before you uninstall the canary/);
  });
});

describe('content tabs and comment-labelled variants (D4, D5)', () => {
  const tabbed = [
    'shell Stop the app',
    'choice Restore the database for your install',
    '  - Docker',
    '    shell Restore the dump [destructive]',
    '    shell Restart the container',
    '  - Bare metal',
    '    shell Restore the dump [destructive]',
    '    shell Restart the server',
    'shell Then start the app',
  ];
  /** Every text a step shows (titles, notes, items, option titles), choices included. */
  const texts = (steps: Step[]): string[] =>
    flattenSteps(steps).flatMap((step) => [step.title, ...step.notes, ...(step.kind === 'manual' ? step.items : []), ...(step.kind === 'choice' ? step.options.map((option) => option.title) : [])]);

  it.each([
    { fixture: 'gitlab-tab-markers.md', syntax: 'GitLab ::Tabs / :::TabTitle / ::EndTabs' },
    { fixture: 'hugo-tab-shortcodes.md', syntax: 'Hugo {{< tabs >}} / {{< tab "…" >}} / {{< tab name="…" >}}' },
    { fixture: 'pymdownx-tab-blocks.md', syntax: 'pymdownx /// tab | … / ///' },
    { fixture: 'mdx-tabs-between-steps.md', syntax: 'MDX <Tabs> / <TabItem label="…">' },
  ])('$syntax: a choice by variant, each tab its steps in order, the text after the group shared, the markers gone', ({ fixture }) => {
    const steps = parseFixture(fixture).rollback!.paths[0]!.steps;
    expect(paths(parseFixture(fixture)).map((path) => path.title)).toEqual(['Rollback Procedure']);
    expect(outline(steps)).toEqual(tabbed);
    expect(texts(steps).filter((text) => /::|\{\{|\/\/\/|<\/?Tab/.test(text))).toEqual([]);
  });

  it('72_01a (GitLab docs): the install types are one choice after the shared steps, never one sequence', () => {
    const steps = parseFixture('72_01a_gitlab_job_logs_location_revert.md', unseenDir).rollback!.paths[0]!.steps;
    expect(outline(steps).filter((line) => !line.startsWith('    '))).toEqual([
      'manual Open a Rails console.',
      'manual Disable the feature flag [code ruby]',
      'choice To move the job logs back to the default location',
      '  - Linux package (Omnibus)',
      '  - Self-compiled (source)',
    ]);
    expect(texts(steps).filter((text) => /::(?:End)?Tabs|TabTitle/.test(text))).toEqual([]);
  });

  it('comment labels naming init systems or platforms split a block into a choice; labels that only read alike flag the step, labels that share little are a sequence', () => {
    const steps = parseFixture('comment-labelled-variants.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual([
      'choice Stop the worker',
      '  - systemd',
      '    shell Stop the worker (systemd)',
      '  - SysV init',
      '    shell Stop the worker (SysV init)',
      'shell Unstick what is stuck [destructive, flagged]',
      'shell Start the worker',
      // Comments that share only their first words are steps in turn: neither a choice nor flagged.
      'shell Clean up',
    ]);
    const unstick = steps[1]!;
    expect(unstick.kind === 'shell' && unstick.hazards.map((hazard) => [hazard.line, hazard.reason])).toEqual([[22, 'reads like 2 variants (lines 22, 25), and runbook would run them all']]);
    const gitlab = flattenSteps(parseFixture('72_01a_gitlab_job_logs_location_revert.md', unseenDir).rollback!.paths[0]!.steps);
    const initChoices = gitlab.filter((step) => step.kind === 'choice' && step.options.map((option) => option.title).join(' / ') === 'systemd / SysV init');
    expect(initChoices.map((step) => step.line)).toEqual([84, 103, 119]);
  });
});

describe('parameters the text says to replace, headings over checklists', () => {
  it('"(Replace with acme-ce …)" makes the part that differs a parameter wherever the commands use it; an RPM dist tag is one; the heading titles a checklist; a lead over titled pairs is a note', () => {
    const note = parseFixture('replace-with-and-dist-tag.md');
    const steps = note.rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual([
      'manual Prerequisites',
      'shell Remove the current package [destructive, flagged]',
      'choice Find the build',
      '  - Ubuntu',
      '    shell Find the build (Ubuntu)',
      '  - CentOS',
      '    shell Find the build (CentOS)',
      'shell Install it (for example, 2.4.1) [flagged]',
      'manual Restart Replace With',
      'shell Render',
      'shell Review the render [gate, flagged]',
    ]);
    const scripts = flattenSteps(steps).flatMap((step) => (step.kind === 'shell' ? [step.script.split('\n').at(-1)] : []));
    // The remove block has no comment of its own: the part named once is the same in every command of the path.
    expect(scripts.slice(0, 4)).toEqual(['sudo dnf remove acme-<ee>', 'sudo apt-cache madison acme-<ee>', 'sudo dnf --showduplicates list acme-<ee>', 'sudo dnf install acme-<ee>-<version>-<ee>.0.<el9>.x86_64']);
    const remove = steps[1]!;
    expect(remove.kind === 'shell' && [remove.destructive[0]!.command, remove.parameters]).toEqual(['sudo dnf remove acme-<ee>', [{ name: 'ee', line: 21, text: 'ee' }]]);
    expect(steps[0]!.notes).toEqual(['Before you start, you need']);
    expect(steps[5]!.notes).toEqual(['Render the cluster files again', 'For clusters on the new layout:']);
  });
});

describe('commands written without a fence (W3)', () => {
  it('paragraphs of commands after "If …:" leads: a choice, each option a manual step showing its commands line by line, parameters found', () => {
    const steps = parseFixture('unfenced-commands.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['choice Roll back the app', '  - If Docker Compose', '    manual If Docker Compose [code text]', '  - If Kubernetes', '    manual If Kubernetes [code text]', 'manual Tell the team']);
    const options = steps[0]!.kind === 'choice' ? steps[0]!.options.map((option) => option.steps[0]!) : [];
    expect(options.map((step) => step.kind === 'manual' && [step.code?.text, step.parameters?.map((parameter) => [parameter.name, parameter.line])])).toEqual([
      ['docker compose pull <previous-tag>\ndocker compose up -d', [['previous-tag', 13]]],
      ['kubectl rollout undo deployment/<service>', [['service', 18]]],
    ]);
    // A sentence that starts with a command name is prose, not a command.
    expect(steps[1]!.notes).toEqual(['kubectl is back on the old version now.']);
    const golden = outline(parseFixture('67_01b_golden_rollback_procedure.md', unseenDir).rollback!.paths[0]!.steps);
    expect(golden.slice(golden.indexOf('choice Execution'), golden.indexOf('choice Execution') + 5)).toEqual([
      'choice Execution',
      '  - If Docker Compose',
      '    manual If Docker Compose [code text]',
      '  - If Kubernetes',
      '    manual If Kubernetes [code text]',
    ]);
  });
});

describe('a variant the text prefers under a condition (W10)', () => {
  it('"If …, prefer:" / "When …, rather run:" after a step make that step a choice, not one more step', () => {
    expect(outline(parseFixture('preferred-variant.md').rollback!.paths[0]!.steps)).toEqual([
      'choice Restart the services',
      '  - Restart the services',
      '    manual Restart the services',
      '  - If you changed images, prefer',
      '    manual docker compose up -d --force-recreate',
      'choice Reload the proxy',
      '  - Reload the proxy',
      '    shell Reload the proxy',
      '  - When the config file was replaced, rather run',
      '    shell When the config file was replaced, rather run',
      'shell Check it answers',
    ]);
    const compose = outline(parseFixture('70_01a_compose_rollback_ordering.md', unseenDir).rollback!.paths[0]!.steps);
    const restart = compose.indexOf('choice Restart services');
    expect(compose.slice(restart, restart + 5)).toEqual([
      'choice Restart services',
      '  - Restart services',
      '    manual Restart services',
      '  - If you changed images, prefer',
      '    manual docker compose up -d --force-recreate',
    ]);
  });
});

describe('information is not a step (C3, C4)', () => {
  it('a statement before the steps, "You can set it by:" bullets and "Follow these steps to …." are notes of the neighbouring step', () => {
    const steps = parseFixture('information-not-steps.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell List the revisions', 'manual List the revisions (by hand)', 'shell Undo the rollout', 'shell Check it']);
    expect(steps[0]!.notes).toEqual([
      'Rollback is only safe if the schema is still compatible with the old version.',
      'The cause column comes from an annotation. You can set it by:',
      'Annotating the Deployment with kubectl annotate deployment/probe kubernetes.io/change-cause="v2"',
      'Editing the manifest by hand.',
      'Afterwards:',
    ]);
    // Bullets after a plain lead are still things to do by hand.
    expect(steps[1]!.kind === 'manual' && steps[1]!.items).toEqual(['Tell the team: /notify ops rollback started']);
    expect(steps[2]!.notes).toEqual(['Follow these steps to go back to the previous revision.']);
    const k8s = outline(parseFixture('61_01a_k8s_deployment_rollback.md', unseenDir).rollback!.paths[0]!.steps).filter((line) => !line.startsWith(' '));
    expect(k8s).toEqual([
      'shell First, list the revisions of the Deployment [output 5]',
      'shell To see the details of one revision, run [output 7]',
      "choice Now you've decided to undo the current rollout and go back to the previous revision",
      'shell Check that the rollback worked and the Deployment runs as expected [output 2]',
      'shell Get the description of the Deployment [output 8]',
    ]);
    expect(outline(parseFixture('70_01a_compose_rollback_ordering.md', unseenDir).rollback!.paths[0]!.steps)[0]).toBe('manual Identify the known-good version (image tags, or Git tag/commit).');
  });
});

describe('a consequence of an earlier decision (W11)', () => {
  it('"(If needed) …" / "(If required) …" steps keep their place and run only under the condition the decision before them names', () => {
    const steps = parseFixture('consequence-of-decision.md').rollback!.paths[0]!.steps;
    expect(steps.map((step) => [step.kind, step.title, step.condition ?? null])).toEqual([
      ['choice', 'Decide whether a cache flush is needed', null],
      ['shell', 'Stop the writers', null],
      ['shell', 'Flush the cache', 'if needed (decided at "Decide whether a cache flush is needed": If it wrote cache entries)'],
      ['manual', 'Tell the cache team', 'if required (decided at "Decide whether a cache flush is needed": If it wrote cache entries)'],
      ['shell', 'Start the writers', null],
    ]);
    const compose = parseFixture('70_01a_compose_rollback_ordering.md', unseenDir).rollback!.paths[0]!.steps;
    const restore = compose.find((step) => step.title === 'Restore the database');
    expect(restore?.condition).toBe('if required (decided at "Decide whether a DB restore is required": If the upgrade did run migrations)');
    // The writers are stopped before the restore, as the note orders it.
    expect(compose.indexOf(restore!)).toBe(compose.findIndex((step) => step.title === 'Quiesce writes') + 1);
  });
});

describe('what a step is made of', () => {
  it('output fences and transcript output are shown under their step, never run, never a step', () => {
    const steps = parseFixture('output-not-steps.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Check the version [output 1]', 'shell List the pods [output 2]', 'shell Run the check [output 1]']);
    expect(steps.map((step) => (step.kind === 'shell' ? step.script : ''))).toEqual(['app --version', 'kubectl get pods', 'make check']);
    expect(steps.map((step) => step.output)).toEqual([['app 1.2.3'], ['NAME   READY', 'web-1  1/1'], ['all good']]);
  });

  it('parameters in every spelling become <name> (never redirections); chat text keeps its free-text parameter', () => {
    const [restore, tell] = parseFixture('parameter-spellings.md').rollback!.paths[0]!.steps;
    if (restore?.kind !== 'shell' || tell?.kind !== 'manual') throw new Error('unexpected step kinds');
    expect(restore.script.split('\n').slice(0, 2)).toEqual(['restore --config <SNAPSHOT.db> --to <x.y.z>', 'restore-tool --token <YOUR_TOKEN> --file <filename>']);
    expect(restore.parameters.map((parameter) => [parameter.name, parameter.text ?? null])).toEqual([
      ['SNAPSHOT.db', null],
      ['x.y.z', null],
      ['YOUR_TOKEN', 'YOUR_TOKEN'],
      ['filename', '[filename]'],
    ]);
    expect(restore.placeholders).toEqual([]);
    expect(tell.parameters?.map((parameter) => parameter.name)).toEqual(['Issue or doc link']);
    expect(tell.code?.language).toBe('text');
  });

  it('keeps comment-only markers, admonitions and task-list items, markup removed', () => {
    const steps = parseFixture('nothing-dropped.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Stop the service', 'manual Tell the DBA', 'shell Start the service', 'manual Post in #ops', 'manual Update the incident log']);
    expect(steps[1]!.kind === 'manual' && steps[1]!.items).toEqual(['Ask the DBA to check replication lag by hand.']);
    expect(steps[2]!.notes).toEqual(['Caution: Do not restart the database.', 'Note: The cache warms up in five minutes.']);
  });

  it('gates and destructive commands are marked', () => {
    const steps = parseFixture('gates-and-destructive.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Compare the versions [gate]', 'manual Get sign-off [gate]', 'shell Restore [destructive]']);
    const restore = steps[2]!;
    expect(restore.kind === 'shell' && restore.destructive.map((hazard) => [hazard.line, hazard.reason])).toEqual([
      [20, 'deletes `/var/lib/app/data` recursively'],
      [21, 'deletes Kubernetes resources'],
    ]);
  });

  it('the fence label decides what runs; Runme excludeFromRunAll keeps a block out of the run', () => {
    expect(outline(parseFixture('fence-labels.md').rollback!.paths[0]!.steps)).toEqual([
      'manual Set the image [code yaml, mislabelled]',
      'manual Fix the schema [flagged, code sql]',
      'shell Restart',
      'manual Undo the cache [code bash]',
      'manual Empty [code bash]',
    ]);
  });

  it('alternatives inside one list item ("Alternatively, …" after a block, two "When …, run:" leads, bold Option A/B) are a choice, never one script', () => {
    expect(outline(parseFixture('alternatives-in-list-items.md').rollback!.paths[0]!.steps)).toEqual([
      'choice Put the worker back on the old build',
      '  - Put the worker back on the old build',
      '    shell Put the worker back on the old build [output 1]',
      '  - Alternatively, switch to a named build',
      '    shell Alternatively, switch to a named build',
      'choice Reload the proxy.',
      '  - When the proxy is managed by supervisord, run',
      '    shell When the proxy is managed by supervisord, run',
      '  - When it runs as a Podman container, run',
      '    shell When it runs as a Podman container, run',
      'choice Undo the schema change, one of these ways',
      '  - Option A: undo script',
      '    shell Option A: undo script',
      '  - Option B: restore the snapshot',
      '    shell Option B: restore the snapshot',
      'shell Check the worker',
    ]);
  });

  it('unseen notes: alternatives inside a list item are a choice (77b, 77c, 61)', () => {
    const top = (name: string) => outline(parseFixture(name, unseenDir).rollback!.paths[0]!.steps).filter((line) => !line.startsWith(' '));
    expect(top('77_01b_alternatively_in_list_item.md')).toEqual(['choice Undo the rollout']);
    expect(top('77_01c_options_in_list_items.md')).toEqual(['choice Restart the service.', 'choice Redeploy. Pick one of the two options below.']);
    expect(top('61_01a_k8s_deployment_rollback.md').filter((line) => line.startsWith('choice'))).toEqual(["choice Now you've decided to undo the current rollout and go back to the previous revision"]);
  });

  it('"Using X" / "Using Y" headings are methods (paths); "review the contents … complete and accurate" is a gate; "This is destructive" marks the block', () => {
    expect(paths(parseFixture('methods-gate-destructive.md'))).toEqual([
      {
        title: 'Using the bundled CLI',
        steps: [
          'shell Export the store',
          'manual Review the contents of ./store.tar and make sure it is complete and accurate. [gate]',
          'shell Reset the store. This is destructive: the current data is gone afterwards. [destructive]',
          'shell Import the export',
        ],
      },
      { title: 'Using the web console', steps: ['manual Open the console and click Export.', 'manual Click Reset, then Import and pick the export.'] },
    ]);
  });

  it('unseen 71: two methods, the dump review is a gate, both volume deletions destructive', () => {
    const note = parseFixture('71_01a_speckle_postgres_restore.md', unseenDir);
    expect(note.rollback!.paths.map((path) => path.title)).toEqual(['Using the provided scripts', 'Using pgadmin']);
    const scripts = note.rollback!.paths[0]!.steps;
    expect(scripts.filter((step) => step.gate).map((step) => step.line)).toEqual([30]);
    expect(scripts.filter((step) => step.kind === 'shell' && step.destructive.length > 0).map((step) => step.line)).toEqual([31, 43]);
  });

  it('same-level headings after a prose-only "## Rollback Procedure" are its steps, up to the next template section', () => {
    expect(paths(parseFixture('same-level-sections.md'))).toEqual([{ title: 'Rollback Procedure', steps: ['shell Drain the new tier', 'shell Point clients at the old tier'] }]);
  });

  it('numbered headings the text calls options ("Here are the three supported methods") are alternatives', () => {
    expect(paths(parseFixture('numbered-options-introduced.md')).map((path) => path.title)).toEqual(['1. Undo script', '2. Hand-written revert', '3. Restore from backup']);
  });

  it('"## Rollback Plan (Emergency)" is the rollback section when no heading says Rollback Procedure', () => {
    const note = parseFixture('loose-section-title.md');
    expect(note.rollback?.heading).toBe('Rollback Plan (Emergency)');
    expect(paths(note)).toEqual([{ title: 'Rollback Plan (Emergency)', steps: ['shell Flip the flag back'] }]);
  });

  it('unseen 63a/69a: same-level sections are read, numbered Flyway options are alternatives', () => {
    expect(parseFixture('63_01a_consul_outage_recovery.md', unseenDir).rollback!.paths.length).toBe(4);
    expect(parseFixture('69_01a_flyway_rollback_options.md', unseenDir).rollback!.paths.map((path) => path.title)).toEqual(['1. Flyway Undo Scripts', '2. Manual Rollback', '3. Point-in-time Recovery']);
    expect(parseFixture('69_01b_flyway_rollback_options.md', unseenDir).rollback!.paths.length).toBe(3);
  });

  it('Hugo {{< text bash >}} / {{< highlight bash >}} blocks are shell blocks; "If you decide to roll back" under a phase is no branch', () => {
    const note = parseFixture('hugo-text-shortcode.md');
    expect(paths(note)).toEqual([{ title: 'Rollback Procedure', steps: ['shell Switch traffic back [output 2]', 'shell Remove the green pool'] }]);
    const scripts = note.rollback!.paths[0]!.steps.map((step) => (step.kind === 'shell' ? step.script : ''));
    expect(scripts).toEqual(['./lb.sh weight blue=100 green=0\n./lb.sh status', './pool.sh remove green']);
  });

  it('unseen 62: Istio phases are one path and the canary uninstall runs', () => {
    const steps = parseFixture('62_01a_istio_canary_uninstall.md', unseenDir).rollback!.paths;
    expect(steps.length).toBe(1);
    expect(steps[0]!.steps.flatMap((step) => (step.kind === 'shell' ? [step.script] : [])).join('\n')).toContain('istioctl uninstall --revision=canary');
  });

  it('"permitted only if:" over bullets is a gate, "Do not:" bullets are a note, "one of these places" and "any one of the commands below" are choices', () => {
    const steps = parseFixture('list-leads-prohibition-gate-choice.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual([
      'manual Going back is permitted only if [gate]',
      'choice Download the last export from one of these places',
      '  - the nightly bucket',
      '    manual the nightly bucket',
      "  - the replica's local disk",
      "    manual the replica's local disk",
      'choice Restart the app with any one of the commands below',
      '  - systemctl restart app',
      '    shell systemctl restart app',
      '  - ./app.sh restart',
      '    shell ./app.sh restart',
    ]);
    expect(steps.at(-1)!.notes).toContain('Do not: restore the database by hand; skip the smoke test');
  });

  it('unseen 67b/64/66: the IC approval is a gate, "Never:" is no checklist, one of these places and any one of the commands are choices', () => {
    const golden = parseFixture('67_01b_golden_rollback_procedure.md', unseenDir).rollback!.paths[0]!.steps;
    expect(golden[0]!.gate).toContain('Incident Commander approves');
    expect(golden.map((step) => step.title)).not.toContain('Never');
    expect(outline(parseFixture('64_01a_vault_restore.md', unseenDir).rollback!.paths[0]!.steps)).toContain('choice Fetch the most recent Vault snapshot from one of these places');
    expect(outline(parseFixture('66_01a_helm_release_rollback.md', unseenDir).rollback!.paths[0]!.steps)).toContain('choice To confirm that things have been rolled back, run any one of the commands below');
  });

  it('a text block introduced as what an action prints ("it reports:", "the display then shows:") is output, never a run-by-hand step', () => {
    expect(outline(parseFixture('output-after-person-action.md').rollback!.paths[0]!.steps)).toEqual([
      'manual Power-cycle the appliance from its front panel. [output 1]',
      'manual Wait a minute; the display then shows [output 1]',
      'shell Then check it answers',
    ]);
  });

  it('unseen 63b: the log blocks of the restart are output, not manual steps', () => {
    const steps = parseFixture('63_01b_consul_outage_recovery.md', unseenDir).rollback!.paths.flatMap((path) => flattenSteps(path.steps));
    expect(steps.filter((step) => step.kind === 'manual' && step.code?.language === 'text' && /ingest|log$/.test(step.title))).toEqual([]);
  });

  it('HashiCorp "~>" admonitions and <br /> leave no markup in titles and notes', () => {
    const steps = parseFixture('markup-leftovers.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Stop the sync job']);
    expect(steps[0]!.notes).toEqual(['Warning: Read the whole procedure before starting.']);
    const consul = parseFixture('63_01a_consul_outage_recovery.md', unseenDir).rollback!.paths.flatMap((path) => flattenSteps(path.steps));
    expect(consul.flatMap((step) => [step.title, ...step.notes]).join('\n')).not.toContain('~>');
    const nextcloud = flattenSteps(parseFixture('68_01a_nextcloud_restic_restore.md', unseenDir).rollback!.paths[0]!.steps);
    expect(nextcloud.map((step) => step.title).join('\n')).not.toContain('<br');
  });

  it('a section holding only a table is information (a note), not a step on every path; a markdown link to a plan is a linked plan', () => {
    const note = parseFixture('table-section-and-link.md');
    expect(paths(note)).toEqual([
      { title: 'If the queue backs up within a day', steps: ['shell If the queue backs up within a day'] },
      { title: 'If it backs up later', steps: ['manual If it backs up later'] },
    ]);
    const pointer = note.rollback!.paths[1]!.steps[0]!;
    expect(pointer.kind === 'manual' && pointer.link).toEqual({ target: 'long-rollback.md', line: 17 });
    // The table helps pick a path: it is the first thing each path shows, not the last.
    expect(note.rollback!.paths.map((path) => path.steps[0]!.notes[0])).toEqual([
      'Which one to pick: Backlog: < 1 day, Path: first; Backlog: later, Path: second',
      'Which one to pick: Backlog: < 1 day, Path: first; Backlog: later, Path: second',
    ]);
  });

  it('unseen 80a: the Decision Matrix is no step; the linked plan in a markdown link is found', () => {
    const note = parseFixture('80_01a_template_shapes.md', unseenDir);
    expect(note.rollback!.paths.flatMap((path) => path.steps.map((step) => step.title))).not.toContain('Decision Matrix');
    const pointer = note.rollback!.paths[1]!.steps[0]!;
    expect(pointer.kind === 'manual' && pointer.link?.target).toBe('plans/80_rollback_plan.md');
  });

  it('a table of steps and commands is one manual step per row with its expected output; any other table is a note', () => {
    const steps = parseFixture('step-table.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['manual Pause the consumer [output 1]', 'manual Replay the dead letters [output 1]']);
    expect(steps.map((step) => (step.kind === 'manual' ? step.items : []))).toEqual([['./consumer.sh pause'], ['./dlq.sh replay --all']]);
    expect(steps[1]!.notes).toEqual(['Version: 1.x, Supported: yes']);
    expect(outline(parseFixture('94_01a_command_table.md', unseenDir).rollback!.paths[0]!.steps)).toEqual([
      'manual Scale down the new version [output 1]',
      'manual Scale up the old version [output 1]',
      'manual Point the service at v1 [output 1]',
    ]);
  });

  it('MkDocs content tabs (=== "…" over an indented body) are a choice, and what follows the tabs belongs to every option', () => {
    const note = parseFixture('mkdocs-content-tabs.md');
    expect(paths(note)).toEqual([
      {
        title: 'Rollback Procedure',
        steps: ['choice Reinstall the previous release', '  - Before 3.0', '    shell Before 3.0', '  - 3.0 and later', '    shell 3.0 and later', 'shell Then restart it'],
      },
    ]);
    const first = note.rollback!.paths[0]!.steps[0]!;
    const script = first.kind === 'choice' ? first.options[0]!.steps[0]! : first;
    expect(script.kind === 'shell' && [script.script, script.lineMap]).toEqual(['./install.sh --legacy 2.9.4', [14]]);
    const unseen = outline(parseFixture('96_01a_mkdocs_tabs.md', unseenDir).rollback!.paths[0]!.steps);
    expect(unseen.filter((line) => line.startsWith('choice') || line.startsWith('  - '))).toEqual(['choice Restore the database for your install', '  - Docker', '  - Bare metal']);
  });

  it('an explanation ending in an instruction after its colon is a manual step; a "To …, run:" lead names the choice; a lone "When in doubt, contact …" or "Important: run …" stays a note', () => {
    const steps = parseFixture('instruction-after-colon.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual([
      'choice Roll back the cache to its last snapshot',
      '  - To roll back the cache to its last snapshot, run',
      '    shell To roll back the cache to its last snapshot, run',
      '  - When you run it inside a container',
      '    shell When you run it inside a container',
      'manual Enter the old key when a client asks for one [condition: if you rotated a key after the snapshot was taken]',
    ]);
    expect(steps[0]!.notes).toEqual(['The loader picks the newest snapshot in the spool folder.']);
    // "Important: run …" is a label over advice, not an explanation: a note too.
    expect(steps[1]!.notes).toEqual(['Older releases call the tool cache-ctl.', 'When in doubt about a snapshot, contact the cache team.', 'Important: run the loader as the cache user.']);
  });

  it('a path titled "Rolling back to v2.3.0" ends with the steps it refers to, the version filled in, then a restart; sql is flagged for a console', () => {
    const note = parseFixture('target-version-path.md');
    expect(paths(note)).toEqual([
      { title: 'Downgrading to an older release', steps: ['shell Install the release you are going back to', 'manual Restart Report Builder'] },
      {
        title: 'Rolling back to v2.3.0 after a failed migration',
        steps: ['manual Put the settings schema back [flagged, code sql]', 'shell Install the older release', 'manual Restart Report Builder'],
      },
    ]);
    const [generic, release] = note.rollback!.paths.map((path) => path.steps);
    const scripts = [generic![0]!, release![1]!].map((step) => step.kind === 'shell' && [step.script.split('\n').at(-1), step.parameters.map((parameter) => parameter.name)]);
    expect(scripts).toEqual([
      ['pipx install --force report-builder==<version>', ['version']],
      ['pipx install --force report-builder==2.3.0', []],
    ]);
    expect(release![0]!.kind === 'manual' && release![0]!.hazards?.map((hazard) => [hazard.line, hazard.reason])).toEqual([[23, 'typed into an interactive database console (psql, mysql, sqlite3, …)']]);
    // The double-quoted file name works in SQLite, not in PostgreSQL: said, since the note does not.
    expect(release![0]!.notes).toEqual([`line 24 compares with a "double-quoted" value: SQLite and MySQL read it as a string, PostgreSQL (and standard SQL) as a column name; on PostgreSQL write it in 'single quotes'`]);
  });

  it('no restart is added when a later step starts the service again, or the install step itself does', () => {
    expect(outline(parseFixture('install-then-start.md').rollback!.paths[0]!.steps)).toEqual(['shell Stop the relay', 'shell Install the previous package', 'shell Start it again']);
    expect(outline(parseFixture('relative-source.md').rollback!.paths[0]!.steps)).toEqual(['shell Reinstall the previous build', 'shell Check it from its own folder']);
  });

  it('a relative `source`/`.` before any cd is pointed out: it depends on the directory the step runs in', () => {
    const [reinstall, check] = parseFixture('relative-source.md').rollback!.paths[0]!.steps;
    expect(reinstall!.notes).toEqual(['`.venv/bin/activate` is a path relative to the directory the step runs in: start runbook in the directory the note means, or add a `cd` to the block']);
    expect(check!.notes).toEqual([]);
  });

  it('a path that opens with an unnamed choice (a block, then "Alternatively, …" in prose) names it by the path', () => {
    expect(paths(parseFixture('path-opens-with-choice.md'))).toEqual([
      { title: 'Restore from the snapshot', steps: ['shell Restore from the snapshot'] },
      {
        title: 'Repair in place',
        steps: [
          'choice Repair in place',
          '  - If the service will not start because its cache is stale, clear the cache',
          '    shell If the service will not start because its cache is stale, clear the cache',
          "  - Alternatively, reinstall the previous release from the vendor's archive and start it again.",
          "    manual Alternatively, reinstall the previous release from the vendor's archive and start it again.",
        ],
      },
    ]);
  });

  it('condition bullets under a lead of several sentences: the choice is titled by the first sentence, the lead is its note', () => {
    const steps = parseFixture('condition-bullets-long-lead.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual([
      'choice Going back needs the last export and the signing key',
      '  - with both the export and the audit folder',
      '    manual with both the export and the audit folder',
      '  - without the audit folder, re-index after the import',
      '    manual without the audit folder, re-index after the import',
      '  - with no export at all',
      '    manual with no export at all',
    ]);
    expect(steps[0]!.notes).toEqual(['Going back needs the last export and the signing key. Keeping the audit folder as well saves a full re-index later']);
  });

  it('a mkdocs admonition with its body on the next line is a note, markup gone, labelled by its title', () => {
    const steps = parseFixture('mkdocs-admonition-inline.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Restart the proxy']);
    expect(steps[0]!.notes).toEqual(['Mind the sessions: Every open session is dropped by the restart.']);
  });

  it('a bold "Warning:" / "Caution:" lead after a block is a note of that step, not a step', () => {
    const steps = parseFixture('bold-warning-after-block.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Drop the staging copy', 'shell Restart']);
    expect(steps[0]!.notes).toContain('Caution: the copy cannot be rebuilt after this.');
    const terraform = flattenSteps(parseFixture('73_01b_terraform_backend_rollback.md', unseenDir).rollback!.paths[0]!.steps);
    expect(terraform.map((step) => step.title)).not.toContain('Warning');
  });

  it('bold Option leads under a step heading: the choice keeps the heading title (C10)', () => {
    expect(outline(parseFixture('bold-options-under-step-heading.md').rollback!.paths[0]!.steps).filter((line) => !line.startsWith(' '))).toEqual(['choice Save the queue', 'shell Restart']);
    const top = outline(parseFixture('78_01a_su_and_option_labels.md', unseenDir).rollback!.paths[0]!.steps).filter((line) => !line.startsWith(' '));
    expect(top[0]).toBe('choice Back up your data');
  });

  it('a reference list is shown, never run; a block the text reserves for a condition ("Never run … unless", "Only if …", "In an emergency") is a conditional step', () => {
    expect(outline(parseFixture('held-back-blocks.md').rollback!.paths[0]!.steps)).toEqual([
      'shell Put the previous image back',
      'manual A few more commands you can use to inspect the deployment [code bash]',
      'shell Never run the next block unless the storage team asks for it, it wipes the cache [destructive, condition: unless the storage team asks for it]',
      'shell Drop it and let it rebuild [destructive, condition: only when the index is corrupt]',
      'shell In an emergency: purge the job queue [destructive, condition: in an emergency]',
      'shell Trim the logs [destructive, condition: only if the disk is full]',
      'shell Check it answers',
    ]);
  });

  it('commands shown as the wrong way ("# Wrong:" comment, "Incorrect (…):" lead) and a roll-forward ("Forward again") never run (unseen3 D1, D2)', () => {
    const steps = parseFixture('wrong-way-and-roll-forward.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Undo the last two schema changes', 'manual Incorrect (skips the cache) [code bash]', 'shell Restart with the cache flushed', 'manual Forward again [code bash]']);
    const scripts = flattenSteps(steps).flatMap((step) => (step.kind === 'shell' ? [step.script] : []));
    expect(
      scripts
        .join('\n')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#')),
    ).toEqual(['shopctl schema down --steps 2', 'shopctl restart']);
    expect(steps[0]!.notes).toContain('Not run (line 13, shown as "Wrong: this reverts only one change"): shopctl schema down');
  });

  it('a block that repeats a command with more arguments reads as variants: flagged, never run unattended (unseen3 D1)', () => {
    const steps = parseFixture('variant-lines.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Roll the release back [flagged]', 'shell Stop both services']);
    expect(steps[0]!.kind === 'shell' && steps[0]!.hazards.map((hazard) => [hazard.line, hazard.command])).toEqual([[11, 'helm rollback web / helm rollback web 3']]);
  });

  it('bold "Option 1: …" / "Option 2: …" leads over numbered lists are a choice, not one sequence (unseen3 W1)', () => {
    expect(outline(parseFixture('bold-options-over-lists.md').rollback!.paths[0]!.steps)).toEqual([
      'choice Choose one',
      '  - Option 1: Mark the change rolled back and deploy again',
      '    shell Mark it rolled back',
      '    shell Deploy again',
      '  - Option 2: Finish it by hand and mark it applied',
      '    manual Finish the remaining statements by hand.',
      '    shell Mark it applied',
    ]);
  });

  it('two rollback-titled steps in a row running the same program and subcommand read as two ways of one rollback: the second is flagged (unseen3 D2)', () => {
    const steps = parseFixture('repeated-rollback-captions.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Roll back one revision', 'shell Roll back to a chosen revision [flagged]', 'shell Restart the worker']);
    expect(steps[1]!.kind === 'shell' && steps[1]!.hazards.map((hazard) => hazard.command)).toEqual(['shopctl schema down -1 / shopctl schema down <revision>']);
  });

  it('unseen notes: the reference list never runs; "Do not run … unless", <details> "Emergency only" and conditional admonitions run only under their condition', () => {
    const all = (name: string) => flattenSteps(parseFixture(name, unseenDir).rollback!.paths.flatMap((path) => path.steps));
    /** Scripts of the steps every run runs, and `condition → script` of the ones that run only under a condition. */
    const shells = (name: string) =>
      all(name)
        .flatMap((step) => (step.kind === 'shell' && !step.condition ? [step.script] : []))
        .join('\n');
    const conditional = (name: string) => all(name).flatMap((step) => (step.kind === 'shell' && step.condition ? [`${step.condition} → ${step.script}`] : []));
    expect(shells('66_01a_helm_release_rollback.md')).not.toContain('helm uninstall');
    expect(conditional('66_01a_helm_release_rollback.md')).toEqual([]);
    expect(shells('66_01a_helm_release_rollback.md')).toContain('helm rollback');
    expect(shells('91_01a_do_not_run.md')).not.toContain('DROP TABLE');
    expect(conditional('91_01a_do_not_run.md')).toEqual(["unless the database team asks for it → psql -h 127.0.0.1 -U probe -c 'DROP TABLE probe_events_v2;'"]);
    expect(shells('91_01a_do_not_run.md')).toContain('systemctl restart probe');
    expect(shells('88_01a_html_blocks.md')).not.toContain('FLUSHALL');
    expect(conditional('88_01a_html_blocks.md')).toEqual(['emergency only → redis-cli -h 127.0.0.1 FLUSHALL']);
    expect(shells('86_01a_blockquote_fence.md')).not.toContain('rm -rf');
    expect(conditional('86_01a_blockquote_fence.md')).toEqual(['only if the volume is corrupt → rm -rf /var/lib/probe/data']);
    expect(shells('86_01a_blockquote_fence.md')).toContain('kubectl get pods');
    expect(shells('97_01a_myst_docusaurus.md')).not.toContain('purge_queue');
    expect(conditional('97_01a_myst_docusaurus.md')).toEqual(['only when the queue holds poisoned messages → rabbitmqctl purge_queue probe-jobs']);
  });

  it('a "Rollback Data Migration" section anywhere is the optional last step; the forward --apply never is', () => {
    const note = parseFixture('data-rollback.md');
    expect(paths(note)).toEqual([{ title: 'Rollback Procedure', steps: ['shell Disable feature flag', 'shell Rollback Data Migration [data-rollback]'] }]);
    const scripts = note.rollback!.paths[0]!.steps.map((step) => (step.kind === 'shell' ? step.script : ''));
    expect(scripts.join('\n')).not.toContain('--apply');
    expect(scripts[1]).toContain('migrate_data.py --rollback');
  });

  it('never-exiting and terminal-bound commands are flagged, each with its note line', () => {
    const watch = parseFixture('hazards.md').rollback!.paths[0]!.steps[0]!;
    if (watch.kind !== 'shell') throw new Error('not a shell step');
    expect(watch.hazards.map((hazard) => [hazard.line, hazard.command])).toEqual([
      [11, 'kubectl get pods -w'],
      [12, 'tail -f /var/log/app.log'],
      [13, 'less /etc/app.conf'],
      [14, 'kubectl edit deploy/web'],
      [15, 'gh run watch'],
      [16, 'psql -U app'],
      [17, 'mysql -u root -p'],
    ]);
  });

  it('only the Alert Threshold table gives checks, not a Decision Matrix with a Threshold column', () => {
    const checks = parseFixture('decision-matrix.md').monitoring.checks;
    expect(checks.map((check) => [check.metric, check.thresholdText, check.line])).toEqual([['Error rate', '>1%', 26]]);
  });

  it("a line typed at another program's prompt or an HTTP console request is never bash, whatever the label (unseen2 D1, D5)", () => {
    const steps = parseFixture('foreign-consoles.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual([
      'manual Save the cache [code bash, foreign prompt line 11]',
      'manual Count the rows [code sh, foreign prompt line 17]',
      'manual Drop the index [code sh, foreign http line 23]',
      'manual Restore it [code text]',
      'shell Save again, from bash',
    ]);
    expect(steps.map((step) => (step.kind === 'manual' ? step.items[0] : ''))).toEqual([
      'Type into the console whose prompt starts line 11, not into bash (not run by runbook)',
      'Type into the console whose prompt starts line 17, not into bash (not run by runbook)',
      'Send from an HTTP console such as Kibana Dev Tools: line 23 is a request, not a shell command (not run by runbook)',
      'Send from an HTTP console such as Kibana Dev Tools: line 28 is a request, not a shell command (not run by runbook)',
      '',
    ]);
  });

  it('sibling headings that only name an interface (Console / Command line / YAML) are tabs of one step (unseen2 D3)', () => {
    expect(paths(parseFixture('interface-tabs.md'))).toEqual([
      {
        title: 'Rollback Procedure',
        steps: [
          'choice Send traffic back',
          '  - Console',
          '    manual Open the service page.',
          '    manual Set the previous revision to 100%.',
          '  - Command line',
          '    shell Command line',
          '  - YAML',
          '    shell YAML',
          'shell Check it',
        ],
      },
    ]);
  });

  it('same verb + "by/to", same command, other options: ways of one action; same options, another target or no "how": a sequence (unseen2 D2)', () => {
    expect(paths(parseFixture('same-action-headings.md'))).toEqual([
      {
        title: 'Rollback Procedure',
        steps: [
          'shell Stop the consumers',
          'choice Rewind the offsets',
          '  - Reset by shifting the offset',
          '    shell Reset by shifting the offset',
          '  - Reset to a date-time',
          '    shell Reset to a date-time',
          'shell Scale down',
          'shell Scale up',
          'shell Start the web tier',
          'shell Start the consumer',
          'shell Test configuration',
          'shell Commit configuration',
        ],
      },
    ]);
  });

  it("the MySQL manual's `$> ` and `shell> ` are prompts: the command runs, what follows is output (unseen2 W1)", () => {
    const steps = parseFixture('mysql-manual-prompts.md').rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['shell Find the position of the DROP [output 2]', 'shell Replay up to it [flagged]']);
    expect(steps.map((step) => (step.kind === 'shell' ? step.script : ''))).toEqual([
      'mysqlbinlog --start-datetime="2020-05-27 12:59:00" \\\n   --verbose /var/lib/mysql/bin.123456 | grep -C 15 "DROP TABLE"',
      'mysqlbinlog --stop-position=232 /var/lib/mysql/bin.123456 | mysql -u root -p',
    ]);
  });

  it('"Replace `SERVICE` with …" after a command makes SERVICE a parameter of it; the sentences are its notes, not a checklist (unseen2 W5)', () => {
    const steps = parseFixture('replace-named-values.md').rollback!.paths[0]!.steps;
    // "Replace the URL with …" names no value: it stays an instruction.
    expect(outline(steps)).toEqual(['shell Send traffic back', 'shell Swap the slot', 'shell Check it', 'manual Replace the URL with that of your application.']);
    const shell = steps.filter((step) => step.kind === 'shell');
    expect(shell.map((step) => step.script)).toEqual([
      'gcloud run services update-traffic <SERVICE> --to-revisions <REVISION>=100',
      'az webapp deployment slot swap --slot KnownGood --target-slot production --name <APP_NAME>',
      'curl -fsS http://127.0.0.1:8080/health',
    ]);
    expect(shell.map((step) => step.parameters.map((parameter) => parameter.name))).toEqual([['SERVICE', 'REVISION'], ['APP_NAME'], []]);
    expect(shell[0]!.notes).toContain('Replace SERVICE with the name of the service.');
  });

  it('output after a lead that does not say "output": a statement of what was printed, an "Output" section, "Run the same `x` command" (unseen2 W4)', () => {
    const steps = parseFixture('output-without-label.md').rollback!.paths[0]!.steps;
    // The `sql` block is named by its lead ("The following query …"): still a step, never output.
    expect(outline(steps)).toEqual([
      'shell Roll back the schema',
      'shell Undo the last one',
      'shell Run the same status command to confirm [output 3]',
      'shell Drop the cache [output 1]',
      'manual Check the service [flagged, code sql]',
      'shell Call the service [output 1]',
    ]);
    expect(steps.map((step) => (step.kind === 'shell' ? step.script : ''))).toEqual([
      'migrate-tool status orders',
      'migrate-tool down orders 1',
      'migrate-tool status orders',
      'cache-tool flush orders',
      '',
      'curl -fsS http://127.0.0.1:8080/health',
    ]);
    expect(steps[5]!.notes).toContain('This time the service returns ok.');
  });

  it('a `> **Note**` blockquote inside a list item is a note of that step, never one more thing to do (unseen2 W2)', () => {
    const steps = parseFixture('blockquote-in-item.md').rollback!.paths[0]!.steps;
    expect(steps.map((step) => [step.kind, step.kind === 'manual' ? step.items : [], step.notes])).toEqual([
      ['manual', ['Restore the last full backup and restart the server.'], ['Note The server also prints a position after the restart; do not rely on it.']],
      ['manual', ['Post in #ops that the rollback started.'], ['Warning: keep the channel topic as it is.']],
      ['shell', [], []],
    ]);
  });

  it('a preview (`--dry-run`) that a later step repeats without it, and "When confident that …, apply", are go/no-gos (unseen2 W9, W10)', () => {
    const steps = parseFixture('preview-then-apply.md').rollback!.paths[0]!.steps;
    // `kubectl apply --dry-run=server` is repeated by no later step: no gate.
    expect(outline(steps)).toEqual([
      'shell Preview the rewind [gate]',
      'shell Rewind',
      'shell Check a config',
      'shell Reload the proxy',
      'manual Go/no-go: When confident that the test results work, apply the configuration [gate]',
      'shell When confident that the test results work, apply the configuration',
    ]);
  });

  it('a last "Clean up resources" section is a tutorial clean-up: conditional, never part of the rollback (unseen2 W11)', () => {
    const steps = parseFixture('tutorial-clean-up.md').rollback!.paths[0]!.steps;
    // "Clean up the failed slot" names what it cleans: a step of the rollback.
    expect(outline(steps)).toEqual([
      'shell Swap the slots back',
      'shell Clean up the failed slot [destructive]',
      'shell Clean up resources [destructive, condition: if you want to clean up what the page set up: not needed for the rollback]',
    ]);
  });

  it('heading anchors (`[kebab-slug]`, `{#id}`, `{: #id .class}`) are markup: dropped from titles, never a placeholder (unseen2 C0)', () => {
    const note = parseFixture('heading-anchors.md');
    expect(outline(note.rollback!.paths[0]!.steps)).toEqual(['manual Stop the writers', 'manual Restore the snapshot', 'shell Check the cluster', 'manual Tell the [service] owner']);
    // A one-word template field in a title is still unfilled.
    expect(
      lintNote(note, [])
        .filter((problem) => problem.message.startsWith('unfilled'))
        .map((problem) => problem.line),
    ).toEqual([23]);
  });
});

describe('where a step runs and when (scope, condition)', () => {
  it.each([
    {
      fixture: 'step-scopes.md',
      why: '"On every node, …" (the title keeps what to do), "on the first … node only" and labels that only name machines are scopes; "on this machine" and "the number of replicas" are not',
      steps: [
        'shell Stop the agent [on: every node]',
        'shell Restore the snapshot on the first control-plane node only [on: the first control-plane node]',
        'choice Install the previous version',
        '  - Worker nodes',
        '    shell Worker nodes [on: worker nodes]',
        '  - Controller nodes',
        '    shell Controller nodes [on: controller nodes]',
        'shell Restart the service on this machine',
        'shell Scale the pool based on the number of replicas you had',
      ],
    },
    {
      fixture: 'conditional-leads.md',
      why: 'a leading "If …," is the condition of its step (titled by what follows); two "If …" leads in a row are a choice; "If they match, go on" is a gate; "Optional." defers to the if-clause after it; "If you haven\'t already" is no condition',
      steps: [
        'shell Drain the probe nodes gracefully [condition: if the API still answers]',
        'shell Put it back in place [condition: if you kept the old cache]',
        'shell Restart the service',
        'choice Restart the service: choose one',
        '  - If it runs under systemd, then run',
        '    shell If it runs under systemd, then run',
        '  - If it runs in Docker, then run',
        '    shell If it runs in Docker, then run',
        'shell Compare the versions [gate]',
        'shell If needed, run [condition: if needed]',
        "shell If you haven't already, stop the workers",
      ],
    },
    {
      fixture: 'heading-checklist.md',
      why: 'a checklist under a heading is titled by the heading when its lead only introduces it ("You need the following:"); a bold lead keeps its own title',
      steps: ['manual Before you start', 'shell Put the old release back', 'manual Check the pods'],
    },
    {
      fixture: 'item-next-action.md',
      why: '"Then set …" after a block is the next step; example output and "Wait for …" between commands keep one step',
      steps: ['shell List the snapshots', 'shell Set the snapshot to restore from the list', 'shell Check both versions [output 1]'],
    },
  ])('$fixture: $why', ({ fixture, steps }) => {
    expect(outline(parseFixture(fixture).rollback!.paths[0]!.steps)).toEqual(steps);
  });

  it('the choice a scoped step sits in passes its scope to the options that name none', () => {
    const note = parseFixture('55_01a_k3s_version_rollback.md', new URL('../fixtures/real-world/', import.meta.url));
    const etcd = (note.rollback!.paths[0]!.steps[1] as Extract<Step, { kind: 'choice' }>).options[1]!.steps;
    const install = etcd[2] as Extract<Step, { kind: 'choice' }>;
    expect([install.scope, install.options[1]!.steps[0]!.scope]).toEqual(['each node', 'each node']);
    expect(etcd.slice(3, 7).map((step) => step.scope)).toEqual(['the first server node', 'the first server node', 'the other server nodes', 'the other server nodes']);
  });

  it("a `text`/`output` fence right after a command's block is its output; alone it is still shown by hand (unseen2 W4)", () => {
    expect(outline(parseFixture('output-fence-after-command.md').rollback!.paths[0]!.steps)).toEqual(['shell Restore the server [output 1]', 'manual Note the version [code text]']);
  });

  it('a usage synopsis (`[flags]`, `[options]`) is a syntax reference, never run; "Options" headings are no "Option S" (unseen2 W6, W7)', () => {
    const note = parseFixture('usage-synopsis.md');
    const steps = note.rollback!.paths[0]!.steps;
    expect(outline(steps)).toEqual(['manual argocd app rollback [code text]', 'manual Options [code text]', 'manual Options inherited from parent commands [code text]', 'shell Roll it back']);
    expect(steps[0]!.kind === 'manual' && steps[0]!.items).toEqual(['Syntax reference: a usage line, not a command (not run by runbook)']);
    expect(steps[0]!.kind === 'manual' && steps[0]!.parameters).toBeUndefined();
  });

  it('"removes the whole … table", "losing all its data" mark the command destructive (unseen2 W3)', () => {
    const steps = parseFixture('destructive-words.md').rollback!.paths[0]!.steps;
    expect(steps.map((step) => step.kind === 'shell' && step.destructive.length > 0)).toEqual([true, true, false]);
  });

  it('"Monitor …" after the alternatives is a phase of every path, not a path of its own (unseen2 W8)', () => {
    expect(paths(parseFixture('monitor-phase.md'))).toEqual([
      { title: 'Delete and restore', steps: ['shell Delete and restore', 'shell Monitor the restore'] },
      { title: 'Rename on restore', steps: ['shell Rename on restore', 'shell Monitor the restore'] },
    ]);
  });
});
