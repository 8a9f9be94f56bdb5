/**
 * Whether a journal line holds an event runbook can replay: the fields each event type
 * needs, with their types. A journal is a file anyone can edit or a crash can damage; a
 * line that is `null` or lacks a field is skipped and named, never a crash (issue #9).
 */

import type { RunEvent } from './events.js';

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string?' | 'number?' | 'strings';

const FIELDS: Record<RunEvent['type'], Record<string, FieldType>> = {
  'run-started': {
    runId: 'string',
    stage: 'string?',
    note: 'string',
    notePath: 'string',
    sectionHash: 'string',
    path: 'object',
    operator: 'string',
    host: 'string',
    pid: 'number',
    cwd: 'string',
    environment: 'string?',
    parameters: 'object',
    steps: 'array',
    flags: 'array',
    unattended: 'boolean',
  },
  'run-resumed': { pid: 'number', operator: 'string', host: 'string', fromStep: 'number' },
  'step-started': { step: 'number', title: 'string', kind: 'string', commands: 'string', attempt: 'number' },
  'step-process': { step: 'number', pid: 'number' },
  'step-decision': { step: 'number', decision: 'string' },
  'step-finished': { step: 'number', title: 'string', result: 'string', exitCode: 'number?', durationMs: 'number', outputTail: 'strings', flags: 'array', message: 'string?' },
  'run-finished': { result: 'string', exitCode: 'number', message: 'string?' },
  verification: { phase: 'string' },
  silence: { action: 'string', id: 'string?', alertmanagerUrl: 'string', matchers: 'strings', endsAt: 'string?', reason: 'string?' },
  notification: { event: 'string', target: 'string', ok: 'boolean', reason: 'string?', attempts: 'number' },
};

/** Why `value` is not a replayable event, or undefined when it is one. */
export function checkEvent(value: unknown): string | undefined {
  if (!isObject(value)) return `not an event (${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value})`;
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) return typeof type === 'string' ? `unknown event type "${type.slice(0, 40)}"` : 'an event without a type';
  if (typeof value.at !== 'string' || Number.isNaN(Date.parse(value.at))) return `${type} event without a valid "at" time`;
  for (const [field, expected] of Object.entries(FIELDS[type as RunEvent['type']])) {
    if (!hasType(value[field], expected)) return `${type} event with a missing or bad "${field}"`;
  }
  if (type === 'run-started') {
    const started = value as Record<string, unknown>;
    const stepsOk = (started.steps as unknown[]).every((step) => isObject(step) && typeof step.number === 'number' && typeof step.title === 'string' && typeof step.kind === 'string');
    const pathOk = isObject(started.path) && typeof started.path.number === 'number' && typeof started.path.title === 'string';
    if (!stepsOk || !pathOk) return `run-started event with a bad "${stepsOk ? 'path' : 'steps'}"`;
  }
  return undefined;
}

function hasType(value: unknown, expected: FieldType): boolean {
  switch (expected) {
    case 'string?':
      return value === null || value === undefined || typeof value === 'string';
    case 'number?':
      return value === null || value === undefined || (typeof value === 'number' && Number.isFinite(value));
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value) && value.every((item) => isObject(item));
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    default:
      return typeof value === expected;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
