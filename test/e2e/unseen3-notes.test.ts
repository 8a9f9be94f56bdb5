/**
 * Unseen notes, third set (test/fixtures/unseen3/, see its README and FINDINGS.md): the parts of
 * their reading that the fixes for the DANGEROUS findings decide. One `show --json` process per
 * note; the plan is what a run would follow.
 */

import { describe, expect, it } from 'vitest';
import { allSteps, type JsonPlan, planReader } from '../helpers/plan-json.js';

const plan = planReader('unseen3');

/** The command lines bash would run, comments and blanks left out. */
const commands = (json: JsonPlan) =>
  json.paths
    .flatMap((path) => allSteps(path.steps))
    .flatMap((step) => (step.script === undefined ? [] : step.script.split('\n')))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

describe('what the text says must not run never runs', () => {
  it('124: the command under "## Wrong:" is shown, never run; the "## Right:" one runs (D1)', async () => {
    const json = await plan('124_01a_rails_syntax_list_and_wrong_right.md');
    const pitfalls = json.paths[0]!.steps.find((step) => step.title === 'Common Pitfalls')!;
    expect(pitfalls.kind).toBe('shell');
    expect(pitfalls.script!.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))).toEqual(['rails db:rollback STEP=3']);
    expect(pitfalls.notes).toContain('Not run (line 39, shown as "Wrong: rollback multiple migrations without STEP"): rails db:rollback');
  });

  it('120: "Forward again" (`alembic upgrade head`) would undo the downgrade: shown, never run (D2)', async () => {
    const json = await plan('120_01a_alembic_bare_captions.md');
    expect(commands(json)).not.toContain('alembic upgrade head');
    const forward = json.paths[0]!.steps.find((step) => step.title === 'Forward again')!;
    expect(forward.kind).toBe('manual');
    expect(commands(json)).toContain('alembic downgrade -1');
    // The second way of downgrading is flagged: asked for on its own, never run unattended after the first.
    const specific = json.paths[0]!.steps.find((step) => step.title === 'Rollback to specific revision')!;
    expect(specific.hazards?.map((hazard) => [hazard.line, hazard.command])).toEqual([[30, 'alembic downgrade -1 / alembic downgrade <revision_id>']]);
  });

  it('124: the block listing `rails db:rollback` and `rails db:rollback STEP=3` is variants: flagged, never run unattended (D1)', async () => {
    const json = await plan('124_01a_rails_syntax_list_and_wrong_right.md');
    const listed = json.paths[0]!.steps.find((step) => step.script?.includes('rails db:migrate:down'))!;
    expect(listed.hazards?.map((hazard) => [hazard.line, hazard.command])).toEqual([[28, 'rails db:rollback / rails db:rollback STEP=3']]);
  });

  it('122: **Option 1** / **Option 2** over numbered lists are a choice: only one of `resolve --rolled-back` and `resolve --applied` is done (W1)', async () => {
    const json = await plan('122_01a_prisma_bold_options_terminal.md');
    const choice = json.paths[0]!.steps.find((step) => step.kind === 'choice')!;
    expect(choice.options!.map((option) => option.title)).toEqual(['Option 1: Mark the migration as rolled back and re-deploy', 'Option 2: Manually complete migration and resolve as applied']);
    expect(choice.options![1]!.steps.map((step) => step.title)).toEqual(['Manually complete the remaining steps of the migration against the production database.', 'Resolve the migration as applied']);
  });
});
