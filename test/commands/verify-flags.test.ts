import { describe, expect, it } from 'vitest';
import { parseVerifyFlags, type VerifyFlags } from '../../src/commands/verify-flags.js';
import { UsageError } from '../../src/errors.js';

const NOW = new Date('2025-11-25T10:00:00Z');

describe('parseVerifyFlags', () => {
  it('has the documented defaults', () => {
    expect(parseVerifyFlags({ data: true }, NOW)).toEqual({
      jobs: [],
      targetLabels: [],
      stable: 2,
      recoveryTimeoutMs: 300_000,
      noData: 'inconclusive',
      since: undefined,
      pushgateway: undefined,
      metricsFile: undefined,
      checkTargets: true,
    });
  });

  it.each([
    [{ job: ['butler', ' api '] }, { jobs: ['butler', 'api'] }],
    [
      { targetLabel: ['env=staging', 'team=ops=core', 'zone='] },
      {
        targetLabels: [
          ['env', 'staging'],
          ['team', 'ops=core'],
          ['zone', ''],
        ],
      },
    ],
    [{ stable: '3' }, { stable: 3 }],
    [{ recoveryTimeout: '90s' }, { recoveryTimeoutMs: 90_000 }],
    [{ recoveryTimeout: '5m' }, { recoveryTimeoutMs: 300_000 }],
    [{ recoveryTimeout: '120' }, { recoveryTimeoutMs: 120_000 }],
    [{ data: 'fail' }, { noData: 'fail' }],
    [{ data: 'pass' }, { noData: 'pass' }],
    [{ since: '2025-11-25T09:58:30Z' }, { since: new Date('2025-11-25T09:58:30Z') }],
    [{ since: '2025-11-25T10:58:30+01:00' }, { since: new Date('2025-11-25T09:58:30Z') }],
    [{ pushgateway: 'http://127.0.0.1:9091' }, { pushgateway: 'http://127.0.0.1:9091' }],
    [{ targets: false }, { checkTargets: false, jobs: [] }],
    [{ targets: true }, { checkTargets: true }],
    [{ since: 'now' }, { since: NOW }],
    [{ window: 'note' }, { window: 'note' }],
    [{ window: 'since-rollback' }, { window: 'since-rollback' }],
    [{}, { window: undefined }],
  ] as [VerifyFlags, object][])('%j', (flags, expected) => {
    expect(parseVerifyFlags(flags, NOW)).toMatchObject(expected);
  });

  it.each([
    [{ job: [''] }, '--job needs a job name, e.g. --job butler'],
    [{ targetLabel: ['=x'] }, '--target-label must be key=value with a Prometheus label name as key, e.g. env=staging (got "=x")'],
    [{ targetLabel: ['my-label=x'] }, '--target-label must be key=value with a Prometheus label name as key, e.g. env=staging (got "my-label=x")'],
    [{ stable: '1.5' }, '--stable must be a whole number of 1 or more (got "1.5")'],
    [{ recoveryTimeout: '0' }, '--recovery-timeout must be a duration such as 90s, 5m or 300 (seconds) (got "0")'],
    [{ since: '2025-11-25' }, '--since must be an ISO time such as 2025-11-25T10:00:00Z (got "2025-11-25")'],
    [{ since: '2025-11-25T12:00:00Z' }, '--since 2025-11-25T12:00:00Z is in the future: give the time the last rollback step finished'],
    [{ window: 'rollback' }, '--window must be since-rollback or note (got "rollback")'],
    [{ metricsFile: ' ' }, '--metrics-file needs a path, e.g. /var/lib/node_exporter/textfile/runbook.prom'],
    [{ targets: false, job: ['butler'] }, '--no-targets and --job/--target-label contradict each other: the target check is either off or selects targets'],
    [{ targets: false, targetLabel: ['env=staging'] }, '--no-targets and --job/--target-label contradict each other: the target check is either off or selects targets'],
  ] as [VerifyFlags, string][])('rejects %j', (flags, message) => {
    expect(() => parseVerifyFlags(flags, NOW)).toThrow(new UsageError(message));
  });
});
