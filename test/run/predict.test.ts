import { describe, expect, it } from 'vitest';
import type { FlagReading } from '../../src/flags/env-file.js';
import { predictFlagFailure } from '../../src/run/predict.js';

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
