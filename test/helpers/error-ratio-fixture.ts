/**
 * A real Prometheus scraping a real target whose `fixture_error_ratio` starts "broken" (0.2)
 * before each test: the world of the `run-notes/rehearsal.md` note, whose step 2 sets the
 * ratio through the target's HTTP endpoint. Registers its own vitest hooks.
 */

import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMetricsTarget, startPrometheus, stopAll, waitFor, type MetricsTarget, type PrometheusServer } from './prometheus.js';

export const ERROR_RATIO_QUERY = 'fixture_error_ratio{job="rehearse"}';

export interface ErrorRatioWorld {
  readonly prometheus: PrometheusServer;
  readonly target: MetricsTarget;
  /** The ratio Prometheus reports now, as it sent it (e.g. `"0.2"`). */
  ratio(): Promise<string | undefined>;
}

export function useErrorRatioWorld(): ErrorRatioWorld {
  let prometheus: PrometheusServer | undefined;
  let target: MetricsTarget | undefined;
  const world: ErrorRatioWorld = {
    get prometheus() {
      return prometheus!;
    },
    get target() {
      return target!;
    },
    async ratio() {
      return ((await prometheus!.query(ERROR_RATIO_QUERY)) as { result: { value: [number, string] }[] }).result[0]?.value[1];
    },
  };
  beforeAll(async () => {
    target = await startMetricsTarget({ values: { fixture_error_ratio: 0.2 } });
    prometheus = await startPrometheus({ jobs: [{ job: 'rehearse', targets: [target.address] }] });
  });
  afterAll(() => stopAll());
  // Before each test the service is "broken" again, and Prometheus has seen it.
  beforeEach(async () => {
    await target!.set({ fixture_error_ratio: 0.2 });
    await waitFor(`${ERROR_RATIO_QUERY} to be 0.2`, async () => ((await world.ratio()) === '0.2' ? true : undefined));
  });
  return world;
}
