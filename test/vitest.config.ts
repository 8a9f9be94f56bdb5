import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The demo test takes about six minutes, mostly waiting: it starts first, so the rest of the
 * suite runs beside it rather than after it.
 */
class DemoFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isDemo = (file: TestSpecification) => file.moduleId.endsWith('/e2e/demo.test.ts');
    return [...sorted.filter(isDemo), ...sorted.filter((file) => !isDemo(file))];
  }
}

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the CLI and real servers; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // At least two files at a time (vitest's default is one on 2 cores): the demo holds one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: DemoFirst },
  },
});
