import { describe, expect, it } from 'vitest';
import type { FlagReading } from '../../src/flags/env-file.js';
import type { PlanManualStep, PlanShellStep, PlanStep } from '../../src/plan/types.js';
import { predictFlagFailure, predictUnattendedStop, uncheckedConditions } from '../../src/run/predict.js';

const flag = { envFile: '~/work/infra/.env.infra', rollbackValue: 'false', sedPattern: 'X=true' };

describe('predictFlagFailure', () => {
  it.each<[string, FlagReading | undefined, string | undefined]>([
    ['no reading (no env file in the note)', undefined, undefined],
    ['the file is missing', { state: 'no-file', path: '/home/op/work/infra/.env.infra' }, 'env file ~/work/infra/.env.infra (/home/op/work/infra/.env.infra) does not exist'],
    ['the file cannot be read, or its path uses an unset variable', { state: 'unknown', reason: '$INFRA_DIR/.env uses $INFRA_DIR, which is not set' }, '$INFRA_DIR/.env uses $INFRA_DIR, which is not set'],
    ['the sed pattern matches a line', { state: 'set', value: 'true', sedMatches: true }, undefined],
    ['the sed pattern matches no line (X="true")', { state: 'set', value: 'true', sedMatches: false }, "no line of ~/work/infra/.env.infra matches the step's sed pattern X=true (the step would change nothing)"],
    ['already at the rollback value: nothing to change, nothing to fail', { state: 'set', value: 'false', sedMatches: false }, undefined],
    ['not in the file: the step may add it', { state: 'unset' }, undefined],
  ])('%s', (_name, reading, expected) => {
    expect(predictFlagFailure(flag, reading)).toBe(expected);
  });
});

const shell = (number: number, extra: Partial<PlanShellStep> = {}): PlanShellStep => ({
  kind: 'shell',
  number,
  title: `Step ${number}`,
  line: number,
  notes: [],
  script: 'make',
  source: 'make',
  lineMap: [number],
  flags: [],
  parameters: [],
  within: [],
  hazards: [],
  destructive: [],
  ...extra,
});
const manual = (number: number, extra: Partial<PlanManualStep> = {}): PlanManualStep => ({ kind: 'manual', number, title: `Step ${number}`, line: number, notes: [], items: ['by hand'], within: [], ...extra });

describe('predictUnattendedStop', () => {
  const none = new Map<number, string>();
  it.each<[string, PlanStep[], ReadonlyMap<number, string>, number[], number | undefined]>([
    ['every step runs', [shell(1), shell(2), manual(3)], none, [], undefined],
    ['a manual step that a shell step follows', [shell(1), manual(2), shell(3)], none, [], 2],
    ['… done by hand (--done 2)', [shell(1), manual(2), shell(3)], none, [2], undefined],
    [
      '… whose later shell step is left out (--only 1)',
      [shell(1), manual(2), shell(3)],
      new Map([
        [2, 'not run'],
        [3, 'not run'],
      ]),
      [],
      undefined,
    ],
    ['a command that needs a terminal', [shell(1, { hazards: [{ line: 1, command: 'less x', reason: 'opens a pager', fix: 'cat it' }] }), shell(2)], none, [], 1],
    ['a gate, even as the last step', [shell(1), manual(2, { gate: 'the IMOC signs off' })], none, [], 2],
    ['a data rollback nobody asked for does not count as a later shell step', [manual(1), shell(2, { dataRollback: { requested: false } })], none, [], undefined],
    ['a step meant for other machines', [shell(1), shell(2, { scope: 'the other server nodes' })], none, [], 2],
    ['… done there by hand (--done 2)', [shell(1), shell(2, { scope: 'the other server nodes' })], none, [2], undefined],
  ])('%s', (_name, steps, skip, done, expected) => {
    expect(predictUnattendedStop(steps, skip, { done: new Set(done), confirm: new Set() })?.step.number).toBe(expected);
  });
});

describe('uncheckedConditions', () => {
  it('lists the conditional shell steps nobody answered for, leaving out those given --confirm or --decline', () => {
    const steps = [shell(1, { condition: 'if the API is reachable' }), shell(2, { condition: 'only if the volume is corrupt' }), shell(3, { condition: 'if needed' }), shell(4)];
    expect(uncheckedConditions(steps, new Map(), { confirm: new Set([1]), decline: new Set([2]) }).map((step) => step.number)).toEqual([3]);
  });
});
