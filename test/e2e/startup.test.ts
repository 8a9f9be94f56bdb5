/**
 * Start-up: the commands that only read (`runs`, `log`, `list`, `--help`) start no process;
 * `bash -n` starts only where a plan is checked. A `bash` first on PATH records every start.
 */

import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/run-cli.js';
import { createSandbox } from '../helpers/sandbox.js';

describe('start-up', () => {
  it('runs, log, list and --help start no bash; show and a dry run do', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(sandbox.args('rollback', '21_01a', '--yes'))).exitCode).toBe(0);
    const starts = join(sandbox.root, 'bash-starts.log');
    const realBash = '/bin/bash';
    writeFileSync(join(sandbox.bin, 'bash'), `#!${realBash}\necho started >> ${starts}\nexec ${realBash} "$@"\n`);
    chmodSync(join(sandbox.bin, 'bash'), 0o755);
    const count = () => (existsSync(starts) ? readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0);

    for (const args of [['runs'], ['log'], ['list'], ['--help'], []]) {
      const result = await sandbox.run(args);
      expect(result.exitCode, args.join(' ')).toBe(0);
      expect(count(), `runbook ${args.join(' ')} started bash`).toBe(0);
    }
    expect((await sandbox.run(sandbox.args('show', '21_01a'))).exitCode).toBe(0);
    expect(count()).toBeGreaterThan(0);
  });

  // The build's code cache is only worth its bytes when V8 takes it (see src/boot/cached-script.ts).
  it('runs the command table and the PromQL grammar from scripts with the code caches the build wrote, and V8 accepts them', async () => {
    const grammar = await import(join(projectRoot, 'dist', 'promql-grammar.js'));
    expect(grammar.parser.parse('up == 0').topNode.name).toBe('PromQL');
    expect(grammar.codeCachesAccepted()).toBe(true);
    const probe = `const { main, codeCachesAccepted } = require('./dist/cli.cjs');
      process.stdout.write(JSON.stringify({ main: typeof main, accepted: codeCachesAccepted() }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: projectRoot, encoding: 'utf8' }));
    expect(result).toEqual({ main: 'function', accepted: true });
  });
});
