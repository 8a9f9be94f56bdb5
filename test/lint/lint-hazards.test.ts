import { describe, expect, it } from 'vitest';
import { lintHazards } from '../../src/lint/lint-hazards.js';
import { parseFixture } from '../helpers/notes.js';

const lines = (fixture: string) => lintHazards(parseFixture(fixture)).map((problem) => `${problem.line}: ${problem.message.split(':')[0]}`);

describe('hazard lint: file:line and what to do', () => {
  it.each([
    {
      fixture: 'hazards.md',
      expected: [
        '11: step "Watch"',
        '12: step "Watch"',
        '13: step "Watch"',
        '14: step "Watch"',
        '15: step "Watch"',
        '16: step "Watch"',
        '17: step "Watch"',
        '24: step "Check by script" tests `$?` after a command, but runbook runs steps with errexit',
        '27: step "Run kubectl rollout undo deployment/web now." names the command `kubectl rollout undo deployment/web` in its text',
      ],
    },
    { fixture: 'fence-labels.md', expected: ['10: step "Set the image"', '30: step "Empty" is an empty fence'] },
    { fixture: 'os-comments-in-block.md', expected: ['9: step "Remove the package" holds per-OS variants in one block (Ubuntu, CentOS)'] },
    // Exported in an earlier step: the steps share one shell session, so it is set by then.
    { fixture: 'cross-step-variable.md', expected: [] },
    {
      fixture: 'cross-step-not-exported.md',
      expected: [
        '16: $BACKUP_FILE is set by the step at line 9 without `export`, and only exported variables carry into later steps, so it is empty here',
        '16: $TARGET_HOST is set only by a later step (at line 19), so it is empty here',
      ],
    },
    { fixture: 'parameter-spellings.md', expected: ['13: $NEVER_SET is used but no step sets it', '13: $ALSO_NEVER_SET is used but no step sets it'] },
  ])('$fixture', ({ fixture, expected }) => {
    expect(lines(fixture)).toEqual(expected);
  });

  it('74_01a/b: a command left in a heading with no block under it (plain or as a code span); a checklist line is not one', () => {
    for (const fixture of ['74_01a_command_in_title.md', '74_01b_command_in_title_code_span.md']) {
      const messages = lintHazards(parseFixture(fixture, new URL('../fixtures/unseen/', import.meta.url))).map((problem) => `${problem.line}: ${problem.message}`);
      expect(messages[0]).toBe(
        '11: step "Run kubectl rollout undo deployment/probe": the command `kubectl rollout undo deployment/probe` is only in the heading, so runbook does not run it: put it in a bash block under the heading',
      );
    }
    const checklist = lintHazards(parseFixture('73_01b_terraform_backend_rollback.md', new URL('../fixtures/unseen/', import.meta.url)));
    expect(checklist.filter((problem) => problem.message.includes('only in the heading'))).toEqual([]);
  });

  it('75_01a: characters pasted from a web page that bash reads as something else, each on its line', () => {
    const messages = lintHazards(parseFixture('75_01a_copy_paste_unicode.md', new URL('../fixtures/unseen/', import.meta.url))).map((problem) => `${problem.line}: ${problem.message}`);
    expect(messages).toEqual([
      '13: step "Undo" has a no-break space (U+00A0), which bash does not take as a space (it becomes part of a word): replace it with a space',
      '17: step "Annotate" has curly quotes (‘ ’ “ ”), which are not shell quotes (they become part of the words): use \' or "',
      '21: step "Restart" has a dash (– or —) where an option\'s -- or - belongs: type it as --',
    ]);
  });

  it('says what each never-exiting or terminal-bound command does and what to do instead', () => {
    const messages = lintHazards(parseFixture('hazards.md')).map((problem) => problem.message);
    expect(messages[0]).toBe('step "Watch": `kubectl get pods -w` never exits (`--watch`): drop `--watch`, or wait with `kubectl wait … --timeout=…`; watch it by hand');
    expect(messages[6]).toMatch(/`mysql -u root -p` asks for a password \(`-p`\)/);
    expect(lintHazards(parseFixture('fence-labels.md'))[0]!.message).toBe('step "Set the image": the `yaml` block holds a shell command, so it is never run: label the fence `bash` if it should run');
  });

  const unseen = new URL('../fixtures/unseen/', import.meta.url);

  it('79_01x: every never-exiting or terminal-bound command is reported on its own line (W24)', () => {
    const problems = lintHazards(parseFixture('79_01x_terminal_catalogue.md', unseen));
    const commandLines = [...Array(28).keys()].map((index) => 13 + index * 4);
    expect(problems.map((problem) => problem.line)).toEqual(commandLines);
    expect(problems.find((problem) => problem.line === 61)!.message).toBe(
      'step "Step 13": `sudo -i` opens a shell as root, which gets no commands when runbook runs the step: run them as root in one command (`sudo -iu root bash -c \'…\'`), or run the step by hand',
    );
  });

  it('78_01a: `sudo su - probe` says which lines were meant for probe (W25)', () => {
    const messages = lintHazards(parseFixture('78_01a_su_and_option_labels.md', unseen)).map((problem) => `${problem.line}: ${problem.message}`);
    expect(messages).toEqual([
      '34: step "Roll the schema back as the app user": `sudo su - probe` opens a shell as probe, which gets no commands when runbook runs the step; the commands meant for probe (lines 35–36) would run as the original user: run them as probe in one command (`sudo -iu probe bash -c \'…\'`), or run the step by hand',
    ]);
  });

  it('63_01b: the `javascript` block holding peers.json is not "a shell command" (W6)', () => {
    const messages = lintHazards(parseFixture('63_01b_consul_outage_recovery.md', unseen)).map((problem) => problem.message);
    expect(messages.filter((message) => message.includes('holds a shell command'))).toEqual([]);
  });
});
