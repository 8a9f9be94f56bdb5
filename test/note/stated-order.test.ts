import { describe, expect, it } from 'vitest';
import { readsAsStatedAfter, readsAsStatedBefore, stepMentions } from '../../src/note/stated-order.js';
import type { Step } from '../../src/note/types.js';

describe('readsAsStatedBefore', () => {
  it.each([
    ['Turn off every service that connects to the databases before you run downgrade', { target: ['downgrade'], title: 'Turn off every service that connects to the databases' }],
    ['Drain the node before running kubectl delete node', { target: ['kubectl', 'delete', 'node'], title: 'Drain the node' }],
    ['In this case you must first reinstall the gateways, because the uninstall keeps them', { title: 'Reinstall the gateways' }],
    [
      'Tip: make sure the old gateways are up before you uninstall the canary.',
      { target: ['uninstall', 'canary'], title: 'Make sure the old gateways are up', gate: 'make sure the old gateways are up before you uninstall the canary.' },
    ],
  ])('%s', (text, expected) => {
    expect(readsAsStatedBefore(text)).toEqual({ gate: undefined, ...expected });
  });

  it.each(['Revert the manifests and apply them again only after downgrade has finished.', 'Check the logs before proceeding.', 'Wait a minute before you go on.', 'The restore takes a while.'])(
    'stays where it is: %s',
    (text) => {
      expect(readsAsStatedBefore(text)).toBeUndefined();
    },
  );
});

describe('readsAsStatedAfter', () => {
  it.each([
    ['Note: As a precaution, after any downgrade check the databases with the migrator drift command to find migrations', { target: ['downgrade'], title: 'Check the databases with the migrator drift command' }],
    ['After every restore, verify the row counts.', { target: ['restore'], title: 'Verify the row counts' }],
  ])('%s', (text, expected) => {
    expect(readsAsStatedAfter(text)).toEqual(expected);
  });

  it.each(['After a restore the index is rebuilt on its own.', 'Roll back after midnight.'])('describes, does not prescribe: %s', (text) => {
    expect(readsAsStatedAfter(text)).toBeUndefined();
  });
});

describe('stepMentions', () => {
  const shell = (title: string, script: string): Step => ({ kind: 'shell', title, line: 1, notes: [], script, lineMap: [1], placeholders: [], parameters: [], hazards: [], destructive: [] });
  it('matches every word at a word start, in the title or the commands, never in notes', () => {
    expect(stepMentions(shell('Uninstall canary control plane', 'istioctl uninstall --revision=canary'), ['uninstall', 'canary'])).toBe(true);
    expect(stepMentions(shell('Run it', "command: ['downgrade']"), ['downgrade'])).toBe(true);
    expect(stepMentions({ ...shell('Restart', 'systemctl restart app'), notes: ['before the downgrade'] }, ['downgrade'])).toBe(false);
    expect(stepMentions(shell('Reinstall', 'helm reinstall'), ['install'])).toBe(false);
  });
});
