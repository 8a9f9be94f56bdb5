/**
 * Notifications and the Alertmanager silence (src/run/alerting.ts) as hooks of the
 * run pipeline: started before the first step (the silence's events journalled with the
 * opening), told every event, finished before `run-finished` however the run ends.
 */

import type { Io } from '../io.js';
import type { RunEvent } from '../journal/events.js';
import type { SecretMasker } from '../journal/mask-secrets.js';
import { startAlerting, type AlertingSettings } from './alerting.js';
import type { RunHooks } from './hooks.js';

export function alertingHook(settings: AlertingSettings, io: Io, options: { mask: SecretMasker; history?: RunEvent[] }): RunHooks {
  let around: Awaited<ReturnType<typeof startAlerting>>;
  return {
    async beforeSteps(run) {
      around = await startAlerting(settings, { started: { runId: run.runId, stage: run.plan.stage ?? null, note: run.plan.file }, unattended: run.unattended, mask: options.mask, history: options.history }, io);
      return around?.opening ?? [];
    },
    onEvent(event) {
      around?.listener(event);
    },
    async beforeFinish(end, emit) {
      await around?.finish(end, emit);
    },
  };
}
