import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const note = (name: string) => new URL(`../fixtures/unseen/${name}`, import.meta.url).pathname;

// The hazards `runbook lint` reports are shown by the dry run too, before anyone relies on the plan.
describe('rollback --dry-run shows the hazards lint reports', () => {
  it('a command left in a heading and `$?` tests errexit never reaches, with their lines; in JSON too', async () => {
    const text = await runCli(['rollback', note('74_01a_command_in_title.md'), '--dry-run']);
    expect(text.exitCode).toBe(0);
    const section = text.stdout.slice(text.stdout.indexOf('Hazards (as runbook lint reports them)'));
    expect(section.split('\n').slice(1, 4)).toEqual([
      '  line 11: step "Run kubectl rollout undo deployment/probe": the command `kubectl rollout undo deployment/probe` is only in the heading, so runbook does not run it: put it in a bash block under the heading',
      expect.stringMatching(/^ {2}line 20: step "Restore the schema" tests `\$\?` after a command/),
      expect.stringMatching(/^ {2}line 30: step "Check" tests `\$\?`/),
    ]);
    const json = JSON.parse((await runCli(['rollback', note('75_01a_copy_paste_unicode.md'), '--dry-run', '--json'])).stdout);
    expect(json.hazards.map((hazard: { line: number }) => hazard.line)).toEqual([13, 17, 21]);
  });
});
