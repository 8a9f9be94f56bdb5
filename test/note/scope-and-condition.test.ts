import { describe, expect, it } from 'vitest';
import { readScope } from '../../src/note/scope-and-condition.js';

describe('readScope: which machines a step is meant for', () => {
  it.each<[string, boolean, string | undefined]>([
    ['Run k3s-killall.sh on each node', false, 'each node'],
    ['Start K3s on the other server nodes', false, 'the other server nodes'],
    ['Server nodes', true, 'server nodes'],
    ['All worker nodes', true, 'all worker nodes'],
    // A step's title is an action: what it stops, not where it runs.
    ['Stop the workers', false, undefined],
    ['Restart the servers', false, undefined],
    ['Server nodes', false, undefined],
    ['Run it on this machine', false, undefined],
  ])('%s (as an option label: %s)', (text, label, expected) => {
    expect(readScope(text, { label })).toBe(expected);
  });
});
