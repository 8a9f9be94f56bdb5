/**
 * Issue #9, "terminal escapes from the note reach the terminal raw": every control character
 * of the note, the steps' output and Prometheus' answers is shown escaped (`\e[8m`) in show,
 * --dry-run, the run header, the step prompt, the summary, runbook log and runs, and the
 * verification output. `--json` stays JSON (which escapes them itself).
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFakeHttp, type FakeHttpServer } from '../helpers/fake-http.js';
import { createSandbox } from '../helpers/sandbox.js';

const ESC = '\u001b';

describe('terminal escapes', () => {
  it('terminal escapes from the note reach the terminal raw: now escaped in show, --dry-run, the run header, the steps, the summary, runbook log and runs', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/terminal-escapes.md'] });
    const outputs: Record<string, string> = {};
    for (const [name, args] of Object.entries({ show: ['show', '90_esc'], dryRun: ['rollback', '90_esc', '--dry-run'], run: ['rollback', '90_esc', '--yes'] })) {
      const result = await sandbox.run(sandbox.args(args[0]!, ...args.slice(1)));
      expect({ name, exitCode: result.exitCode }).toEqual({ name, exitCode: 0 });
      outputs[name] = result.stdout + result.stderr;
    }
    for (const args of [['log'], ['runs']]) {
      const result = await sandbox.run(args);
      expect(result.exitCode).toBe(0);
      outputs[args[0]!] = result.stdout + result.stderr;
    }
    for (const [name, text] of Object.entries(outputs)) expect({ name, raw: text.includes(ESC) || text.includes('\u0007') }).toEqual({ name, raw: false });
    expect(outputs.show).toContain('echo "first" # \\e[8m');
    expect(outputs.show).toContain('Innocent title \\e[2J');
    expect(outputs.show).toContain('Fixture \\e]0;owned^G');
    expect(outputs.run).toContain('Rolling back stage 90_esc — Fixture \\e]0;owned^G');
    expect(outputs.run).toContain('$ echo "first" # \\e[8m');
    expect(outputs.run).toContain('output \\e[31mred\\e]0;title^G');
    expect(outputs.log).toContain('Innocent title \\e[2J');
    // The journal keeps what happened, as JSON (escaped by JSON itself).
    const json = await sandbox.run(['show', '90_esc', '--json', '--runbooks', sandbox.runbooks]);
    expect(json.stdout).toContain('\\u001b[8m');
    expect(json.stdout.includes(ESC)).toBe(false);
  });

  it('a step line ending in # \\e[8m no longer hides the next command at "Run step 1?"', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/terminal-escapes.md'] });
    const terminal = await sandbox.openTerminal(sandbox.args('rollback', '90_esc'));
    const screen = await terminal.waitForText('Run step 1?');
    expect(screen).toContain('echo "hidden command"');
    expect(screen).toContain('# \\e[8m');
    expect(await terminal.screen({ escapes: true })).not.toContain('\u001b[8m');
    await terminal.answer('q');
    await terminal.waitForExit();
  });
});

describe('a lock file anyone could have written', () => {
  it('the takeover line quotes the lock escaped', async () => {
    const sandbox = createSandbox();
    const dead = spawnSync('true').pid!;
    mkdirSync(dirname(sandbox.lockPath('21_01a')), { recursive: true });
    writeFileSync(sandbox.lockPath('21_01a'), JSON.stringify({ pid: dead, host: hostname(), user: `mallory${ESC}[2J`, startedAt: '2026-11-25T03:12:00.000Z', runId: '20261125T031200Z-21_01a-beef', stage: '21_01a' }));
    const result = await sandbox.run(sandbox.args('rollback', '21_01a', '--yes', '--force-unlock'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Took over the lock of run 20261125T031200Z-21_01a-beef (mallory\\e[2J, pid');
    expect(result.stdout.includes(ESC)).toBe(false);
  });
});

describe('Prometheus answers', () => {
  let server: FakeHttpServer;
  beforeAll(async () => {
    server = await startFakeHttp();
    server.handler = (request, response) => {
      if (request.url?.startsWith('/api/v1/targets')) {
        json(
          200,
          {
            status: 'success',
            data: {
              activeTargets: [
                {
                  labels: { job: `butler${ESC}[2J`, instance: 'x:1' },
                  scrapePool: 'butler',
                  scrapeUrl: 'http://x:1/metrics',
                  health: 'down',
                  lastError: `refused ${ESC}]0;pwned\u0007`,
                  lastScrape: new Date().toISOString(),
                  lastScrapeDuration: 0.01,
                  globalUrl: 'http://x:1/metrics',
                  discoveredLabels: {},
                },
              ],
              droppedTargets: [],
            },
          },
          response,
        );
      } else json(200, { status: 'success', data: { resultType: 'vector', result: [] } }, response);
    };
  });
  afterAll(() => server.close());

  it('Prometheus labels and lastError in verification output are escaped', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(sandbox.args('verify', '21_01a', '--prometheus-url', server.url, '--recovery-timeout', '2s'));
    expect(result.exitCode).toBe(3);
    const text = result.stdout + result.stderr;
    expect(text.includes(ESC) || text.includes('\u0007')).toBe(false);
    expect(text).toContain('\\e]0;pwned^G');
  });
});
