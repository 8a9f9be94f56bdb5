import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { selectSteps } from '../../src/run/options.js';

describe('selectSteps', () => {
  const steps = [1, 2, 3, 4];

  it('leaves nothing out by default', () => {
    expect(selectSteps(steps, {})).toEqual(new Map());
  });

  it('--from N leaves out the steps before N', () => {
    expect(selectSteps(steps, { from: '3' })).toEqual(
      new Map([
        [1, 'not run (--from 3)'],
        [2, 'not run (--from 3)'],
      ]),
    );
    expect(selectSteps(steps, { from: '1' })).toEqual(new Map());
  });

  it('--only N leaves out every other step', () => {
    expect([...selectSteps(steps, { only: '2' }).keys()]).toEqual([1, 3, 4]);
  });

  it.each([
    [{ from: '5' }, '--from 5: this path has 4 steps'],
    [{ only: '0' }, '--only 0: give a step number (1, 2, …)'],
    [{ from: '2', only: '3' }, '--from and --only cannot be used together: pick one'],
  ])('refuses %j', (options, message) => {
    expect(() => selectSteps(steps, options)).toThrow(new UsageError(message));
  });

  it('says "1 step" for a one-step path', () => {
    expect(() => selectSteps([1], { from: '2' })).toThrow('--from 2: this path has 1 step');
  });
});
