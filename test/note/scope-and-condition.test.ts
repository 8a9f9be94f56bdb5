import { describe, expect, it } from 'vitest';
import { conditionOf, heldBackReason, leadingCondition } from '../../src/note/held-back.js';
import { readScope } from '../../src/note/scope-and-condition.js';

describe('readScope: the machines a step is meant for', () => {
  it.each([
    ['On each node, stop the K3s service', 'each node'],
    ['Start the K3s service on the first server node', 'the first server node'],
    ['On the first server node, or the node without a server: entry, start the restore', 'the first server node'],
    ['On the other server nodes, remove the K3s database directory', 'the other server nodes'],
    ['Start the K3s service on all agent nodes', 'all agent nodes'],
    ['Run it on every remaining server', 'every remaining server'],
    ['Then, on the database host:', 'the database host'],
    ['On the primary', 'the primary'],
    ['Run it on each of the worker nodes', 'each of the worker nodes'],
  ])('%s → %s', (text, scope) => expect(readScope(text)).toBe(scope));

  it.each([
    'Restart the service on this machine',
    'Run it on your workstation',
    'Scale the pool based on the number of replicas you had',
    'For Sourcegraph v4.5.0 and later, on instances already migrated',
    'Drain all nodes',
    'Rebuild the index on the primary key column',
    'Check the K3s service status',
    'Stop the workers',
  ])('no scope: %s', (text) => expect(readScope(text)).toBeUndefined());
});

describe('readScope of an option title: a label that only names machines', () => {
  it.each([
    ['Server nodes', 'server nodes'],
    ['Agent nodes:', 'agent nodes'],
    ['All worker nodes', 'all worker nodes'],
  ])('%s → %s', (text, scope) => expect(readScope(text, { label: true })).toBe(scope));
});

describe('conditionOf: a block the text reserves for a condition', () => {
  it.each([
    ['Only if the volume is corrupt, wipe it and let it resync.', 'only if the volume is corrupt'],
    ['Warning Only if the volume is corrupt, wipe it', 'only if the volume is corrupt'],
    ['Danger: Only when the queue holds poisoned messages. This drops every message:', 'only when the queue holds poisoned messages'],
    ['Emergency only: wipe the cache', 'emergency only'],
    ['In an emergency: purge the job queue', 'in an emergency'],
    ['Do not run the following unless the database team asks for it; it drops the new table', 'unless the database team asks for it'],
    ['Never run the next block unless the storage team asks for it, it wipes the cache', 'unless the storage team asks for it'],
    ['As a last resort, recreate the cluster', 'as a last resort'],
  ])('%s → %s', (text, condition) => expect(conditionOf(text)).toBe(condition));

  it.each(['Restart the service', 'If the API is reachable, drain the nodes', 'Here are some other commands you can use to explore the release'])('none: %s', (text) => expect(conditionOf(text)).toBeUndefined());

  it('a reference list is held back without a condition: shown, never run', () => {
    expect(heldBackReason('Here are some other commands you can use to explore the release:')).toBe('reference commands to explore with, not part of the rollback');
    expect(heldBackReason('Only if the volume is corrupt, wipe it')).toBeUndefined();
  });
});

describe('leadingCondition: "If …," opening a step', () => {
  it.each([
    [
      'If the cluster is running and the Kubernetes API is reachable, stop the workloads gracefully by draining all nodes',
      'if the cluster is running and the Kubernetes API is reachable',
      'Stop the workloads gracefully by draining all nodes',
    ],
    ['If it is still failing, then run', 'if it is still failing', 'Run'],
    ['Optional. If you have existing job logs, pause Sidekiq', 'if you have existing job logs', 'Pause Sidekiq'],
    ['Optional: clean up the S3 bucket', 'optional', 'Clean up the S3 bucket'],
    ['In case the restore fails, run it again', 'in case the restore fails', 'Run it again'],
    // The rest only points at the block: the clause says what the step does.
    ["If you want to unapply all migrations of the app — losing all its data so far — here's the command", 'if you want to unapply all migrations of the app', 'Unapply all migrations of the app'],
    ['If you need to reset the index, run:', 'if you need to reset the index', 'Reset the index'],
  ])('%s', (text, condition, rest) => expect(leadingCondition(text)).toEqual({ condition, rest }));

  it.each(["If you haven't already, stop the workers", 'If not done yet, stop the workers', 'Restart the service if it is down', 'Stop the service'])('none: %s', (text) => expect(leadingCondition(text)).toBeUndefined());
});
