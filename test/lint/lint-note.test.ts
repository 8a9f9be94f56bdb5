import { describe, expect, it } from 'vitest';
import { lintNote, shellStepsOf } from '../../src/lint/lint-note.js';
import { parseNote } from '../../src/note/parse-note.js';
import type { Note } from '../../src/note/types.js';
import { parseFixture, samplesDir } from '../helpers/notes.js';

const lines = (note: Note, syntax: Parameters<typeof lintNote>[1] = []) => lintNote(note, syntax).map((problem) => `${problem.line}: ${problem.message}`);

describe('lintNote', () => {
  it.each(['21_01a_dialog_context_repo.md', '21_01b_metrics_exporter.md'])('%s has no problems', (name) => {
    expect(lintNote(parseFixture(name, samplesDir), [])).toEqual([]);
  });

  it('says the template is the template, in one line', () => {
    expect(lines(parseFixture('template.md', samplesDir))).toEqual([expect.stringMatching(/^1: this is the migration notes template, not a note/)]);
  });

  it('reports every problem of an unfilled copy at once, by line', () => {
    expect(lines(parseFixture('21_01c_unfilled_copy.md', samplesDir))).toEqual([
      '1: unfilled template placeholder [COMPONENT_NAME] in the title',
      '3: unfilled template placeholder [e.g., Dialog Context Repository] in field **Component**',
      '5: unfilled template placeholder [YYYY-MM-DD] in field **Date**',
      '6: unfilled template placeholder [Name] in field **Owner**',
      expect.stringMatching(/^17: no feature flag named/),
      expect.stringMatching(/^17: no "Key Metrics to Watch" table/),
      '23: template placeholder [COMPONENT] in step "Disable feature flag": replace it with the real value',
      '24: template placeholder [service] in step "Disable feature flag": replace it with the real value',
    ]);
  });

  it('maps a bash -n error to the note line of the script line', () => {
    const note = parseFixture('syntax-error.md');
    const restart = shellStepsOf(note).findIndex((step) => step.title === 'Restart services');
    const syntax = shellStepsOf(note).map((_, index) => (index === restart ? { line: 2, message: "syntax error near unexpected token `fi'" } : undefined));
    expect(lines(note, syntax)).toContain('18: bash syntax error in step "Restart services": syntax error near unexpected token `fi\'');
  });

  it('flags placeholders in manual steps, a missing Prometheus URL and a missing flag', () => {
    expect(lines(parseFixture('placeholders-in-step.md'))).toEqual(
      expect.arrayContaining(['27: unfilled template placeholder [Name] in manual step "Notify [Name]": replace it with the real value', expect.stringMatching(/^8: no feature flag named/)]),
    );
    expect(lines(parseFixture('no-sub-headings.md'))).toContain('7: no Prometheus URL in the Rollback Procedure: add a check such as `curl -s http://127.0.0.1:9090/api/v1/targets`');
  });

  it('flags thresholds it cannot read, rows without a query and queries without a row', () => {
    expect(lines(parseFixture('metrics-by-title.md'))).toEqual(
      expect.arrayContaining([
        '23: alert threshold "about half" of "Throughput" is not understood: write an operator, a number and a unit, e.g. >150ms, <0.5%, >30s',
        '23: metric "Throughput" has no PromQL query: add one under "Prometheus Queries" titled # Throughput',
        '38: query "Memory (not in the table)" matches no row of the Key Metrics table: add a row with its Alert Threshold',
      ]),
    );
  });

  it('flags a flag named but never set, and mentions that disagree', () => {
    const note = parseNote(
      [
        '# Migration: X · Stage 40_01a',
        '**Stage**: 40_01a',
        '- Feature flag: `USE_NEW_A=false`',
        '## Rollback Procedure',
        '```bash',
        "sed -i 's/USE_NEW_B=false/USE_NEW_B=true/' .env",
        'curl -s http://127.0.0.1:9090/api/v1/targets',
        '```',
        'Make sure `USE_NEW_B=false` afterwards.',
      ].join('\n'),
      '40_01a_x.md',
    );
    expect(lines(note)).toEqual(
      expect.arrayContaining([
        '3: flag USE_NEW_A is named here but no rollback step sets it: add the step that sets USE_NEW_A=false',
        '9: flag USE_NEW_B is false here but true at line 6 (step "Rollback Procedure"): make them agree',
      ]),
    );
  });

  it('flags a Stage that does not match the file name', () => {
    expect(lines(parseFixture('tilde-fences.md'))).toContain('4: **Stage** is 30_01a but the file name does not start with 30_01a_: rename the file or fix the field');
  });

  it("reads each PromQL query with Prometheus' parser: errors at the note's line and the parser's column, and units that do not fit", () => {
    expect(lines(parseFixture('promql-problems.md')).filter((line) => /PromQL|ratio/.test(line))).toEqual([
      '20: "Error rate": threshold >1% compares a ratio, but the query is not one (it divides nothing): divide by the total rate, e.g. sum(rate(x_total{status="error"}[5m])) / sum(rate(x_total[5m]))',
      '34: PromQL of "Latency (p95)" does not run (column 53 of the query\'s line 2): unexpected end of query: "(" at column 19 is not closed',
      '37: PromQL of "Queue depth" does not run (column 1 of the query): unknown function "max_depth"',
      '40: PromQL of "Cache misses" does not run (column 5 of the query): abs() needs an instant vector as argument 1, not a range vector (a range such as [5m] belongs in rate() or *_over_time())',
    ]);
  });
});
