#!/usr/bin/env node
// Per-step overhead of `runbook rollback --yes`: a generated note with N shell steps, run by
// runbook and by plain bash (one `bash -c` per block, with runbook's bash options), in one
// process. Runbook's time for the steps is read from its journal (first step decision to
// run-finished), so start-up and reading the note stay out of it:
//   overhead per step = (runbook's steps time − plain bash time) / N
// The whole run's wall time and the fixed cost around the steps are printed too.
//
//   node bench/steps.js [--steps 20] [--rounds 9] [--json]     (after npm run build)
// Exits 1 when the median overhead is over the target. bench/run.js can also import
// `measureStepOverhead` and `formatStepOverhead`.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const TARGET_MS_PER_STEP = 10;
const bin = fileURLToPath(new URL('../bin/runbook.js', import.meta.url));

/** The shell block of step n: a little work and a line of output, like a real step. */
const block = (n) => `echo "step ${n}: restarting worker-${n}"\ntest -d /tmp`;

function writeNote(dir, count) {
  const steps = Array.from({ length: count }, (_, index) => {
    // A list item's content lines up with the text after "12. ", or it is not part of the item.
    const indent = ' '.repeat(`${index + 1}. `.length);
    return `${index + 1}. **Step ${index + 1}**:\n${indent}\`\`\`bash\n${block(index + 1).replace(/^/gm, indent)}\n${indent}\`\`\``;
  });
  const path = join(dir, `bench-${count}.md`);
  writeFileSync(path, `# Migration: Bench · Stage bench_${count}\n\n**Stage**: bench_${count}\n\n## Rollback Procedure\n\n${steps.join('\n\n')}\n`);
  return path;
}

function time(command, args, options) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

/** Milliseconds from the first step's decision to the end of the run, from a run's journal. */
function stepsSpan(runsDir) {
  const [name] = readdirSync(runsDir);
  const events = readFileSync(join(runsDir, name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const first = events.find((event) => event.type === 'step-decision');
  const last = events.findLast((event) => event.type === 'run-finished');
  return Date.parse(last.at) - Date.parse(first.at);
}

/** Runs the comparison; resolves to milliseconds, medians over the rounds. */
export function measureStepOverhead({ steps = 20, rounds = 9 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'runbook-bench-steps-'));
  try {
    const work = join(root, 'work');
    mkdirSync(work);
    const env = { PATH: process.env.PATH, HOME: root, USER: 'bench', NO_COLOR: '1', LANG: 'C.UTF-8' };
    const note = writeNote(root, steps);
    // What a person would do without runbook: each block in its own bash, with the same options.
    const bashScript = Array.from({ length: steps }, (_, index) => `bash --noprofile --norc -o errexit -o pipefail -c ${JSON.stringify(block(index + 1))} > /dev/null`).join('\n');
    // The recovery check after the last step (in builds that have one) is not a step: bench/prometheus.js measures it.
    const help = spawnSync(process.execPath, [bin, 'rollback', '--help'], { encoding: 'utf8' }).stdout;
    const noVerify = help.includes('--no-verify') ? ['--no-verify'] : [];
    let round = 0;
    const runbook = () => {
      const state = join(root, `state-${round++}`);
      const wallMs = time(process.execPath, [bin, 'rollback', note, '--yes', '--state-dir', state, ...noVerify], { cwd: work, env });
      return { wallMs, stepsMs: stepsSpan(join(state, 'runs')) };
    };
    const bash = () => time('bash', ['--noprofile', '--norc', '-c', bashScript], { cwd: work, env });

    runbook(); // warm the file cache
    const samples = [];
    for (let index = 0; index < rounds; index++) {
      const sample = { ...runbook(), bashMs: bash() };
      sample.perStep = (sample.stepsMs - sample.bashMs) / steps;
      samples.push(sample);
    }
    return {
      steps,
      rounds,
      runbookMs: median(samples.map((sample) => sample.wallMs)),
      runbookStepsMs: median(samples.map((sample) => sample.stepsMs)),
      bashMs: median(samples.map((sample) => sample.bashMs)),
      fixedMs: median(samples.map((sample) => sample.wallMs - sample.stepsMs)),
      overheadPerStepMs: median(samples.map((sample) => sample.perStep)),
      targetMs: TARGET_MS_PER_STEP,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The result as the lines bench/run.js prints. */
export function formatStepOverhead(result) {
  const verdict = result.overheadPerStepMs <= result.targetMs ? 'ok' : 'OVER TARGET';
  return [
    `steps: ${result.steps}-step note with --yes vs plain bash, median of ${result.rounds} rounds`,
    `  runbook ${result.runbookMs.toFixed(0)} ms in all: ${result.runbookStepsMs.toFixed(0)} ms for the steps, ${result.fixedMs.toFixed(0)} ms start-up, note and lock`,
    `  plain bash ${result.bashMs.toFixed(0)} ms for the same blocks`,
    `  overhead per step ${result.overheadPerStepMs.toFixed(1)} ms (target ≤ ${result.targetMs} ms): ${verdict}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { steps: { type: 'string', default: '20' }, rounds: { type: 'string', default: '9' }, json: { type: 'boolean', default: false } } });
  const result = measureStepOverhead({ steps: Number(values.steps), rounds: Number(values.rounds) });
  console.log(values.json ? JSON.stringify(result) : formatStepOverhead(result));
  process.exitCode = result.overheadPerStepMs <= result.targetMs ? 0 : 1;
}
