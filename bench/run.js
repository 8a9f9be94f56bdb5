#!/usr/bin/env node
// Start-up and throughput benchmarks for runbook, run by `npm run bench` after a build.
//
// 1. Median wall time of `runbook rollback 21_01a --dry-run`, `runbook --help`, `runbook runs`,
//    `runbook log` (reading a state folder with one run) and `node -e 0`,
//    interleaved round by round (so drift in machine load hits all three alike), after warm-up,
//    reported as ratios against `node -e 0`: the cost runbook adds to starting Node at all.
// 2. `runbook lint` over 1,000 generated, realistic notes in a temporary folder.
//
// A benchmark, not a test: it prints numbers with their targets and exits 0 unless a command
// fails. Nothing here is cached between runs; the dry-run itself writes nothing.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'runbook.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const WARMUP = 3;
const LINT_NOTES = 1000;
const LINT_RUNS = Number(process.env.BENCH_LINT_RUNS ?? 5);

const env = { ...process.env, NO_COLOR: '1' };
// BENCH_ONLY=startup: the start-up table alone (a quick look on a busy machine).
const onlyStartup = process.env.BENCH_ONLY === 'startup';

function timeOnce(args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const okCodes = options.okCodes ?? [0];
  if (result.error || !okCodes.includes(result.status)) {
    process.stderr.write(`bench: ${args.join(' ')} exited ${result.status}\n${result.stderr}\n${String(result.stdout).slice(0, 2000)}\n`);
    process.exit(1);
  }
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// --- start-up -------------------------------------------------------------------------------

// `runs` and `log` read a state folder with one real run in it (a one-step note, run with --yes).
const state = mkdtempSync(join(tmpdir(), 'runbook-bench-state-'));
process.on('exit', () => rmSync(state, { recursive: true, force: true }));
const notes = join(state, 'notes');
mkdirSync(notes);
writeFileSync(join(notes, '99_bench.md'), readFileSync(join(root, 'bench', 'one-step-note.md'), 'utf8'));
timeOnce([bin, 'rollback', '99_bench', '--yes', '--no-verify', '--runbooks', notes], { env: { ...env, RUNBOOK_STATE_DIR: state } });
const stateEnv = { ...env, RUNBOOK_STATE_DIR: state };

const startup = [
  { name: 'runbook rollback 21_01a --dry-run', args: [bin, 'rollback', '21_01a', '--dry-run'], target: 1.6 },
  { name: 'runbook --help', args: [bin, '--help'], target: 1.2 },
  { name: 'runbook runs', args: [bin, 'runs'], target: 1.3, env: stateEnv },
  { name: 'runbook log', args: [bin, 'log'], target: 1.3, env: stateEnv },
  { name: 'node -e 0', args: ['-e', '0'] },
];
const times = new Map(startup.map((command) => [command.name, []]));
for (let i = 0; i < WARMUP; i++) for (const command of startup) timeOnce(command.args, { env: command.env ?? env });
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order too, so no command always runs right after the same one.
  for (let k = 0; k < startup.length; k++) {
    const command = startup[(round + k) % startup.length];
    times.get(command.name).push(timeOnce(command.args, { env: command.env ?? env }));
  }
}
const baseline = median(times.get('node -e 0'));

// --- lint over 1,000 notes ----------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
let lintMedian;
try {
  for (let i = 0; i < (onlyStartup ? 0 : LINT_NOTES); i++) {
    const { name, text } = generateNote(i);
    writeFileSync(join(dir, name), text);
  }
  if (!onlyStartup) {
    timeOnce([bin, 'lint', dir]); // warm-up; also checks the generated notes lint clean (exit 0)
    const lintTimes = [];
    for (let i = 0; i < LINT_RUNS; i++) lintTimes.push(timeOnce([bin, 'lint', dir]));
    lintMedian = median(lintTimes);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// --- report -------------------------------------------------------------------------------------

const rows = [
  ...startup.map((command) => {
    const ms = median(times.get(command.name));
    const ratio = ms / baseline;
    return command.target === undefined
      ? [command.name, `${ms.toFixed(1)} ms`, '', '1.00×', 'baseline', '']
      : [command.name, `${ms.toFixed(1)} ms`, `+${(ms - baseline).toFixed(1)} ms`, `${ratio.toFixed(2)}×`, `≤ ${command.target.toFixed(1)}×`, ratio <= command.target ? 'pass' : 'FAIL'];
  }),
  ...(lintMedian === undefined ? [] : [[`runbook lint (${LINT_NOTES} notes)`, `${lintMedian.toFixed(0)} ms`, '', '', '≤ 2000 ms', lintMedian <= 2000 ? 'pass' : 'FAIL']]),
];
const header = ['benchmark', 'median', 'added', 'ratio', 'target', 'result'];
const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
const line = (cells) =>
  cells
    .map((cell, column) => cell.padEnd(widths[column]))
    .join('  ')
    .trimEnd();
// Other work on the machine skews every number: say how busy it was.
const load = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
process.stdout.write(`node ${process.version}, ${availableParallelism()} cores, load average ${load}; ${ROUNDS} interleaved runs each after ${WARMUP} warm-up runs; lint: median of ${LINT_RUNS}\n`);
// Node reads NODE_EXTRA_CA_CERTS at every start, before any script: with a system bundle that
// is most of `node -e 0`, so the ratios are lower than on a machine without it ("added" is not).
if (process.env.NODE_EXTRA_CA_CERTS) process.stdout.write(`NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every start, the baseline's too, parses it first\n`);
process.stdout.write('\n');
process.stdout.write(`${[header, widths.map((width) => '-'.repeat(width)), ...rows].map(line).join('\n')}\n`);

// --- running steps: a 20-step note with --yes against plain bash running the same blocks ---------

if (onlyStartup) process.exit(0);
process.stdout.write('\n');
const { measureStepOverhead, formatStepOverhead } = await import('./steps.js');
process.stdout.write(`${formatStepOverhead(measureStepOverhead())}\n`);

// --- recovery check: 10,000 targets, and detection latency against a real Prometheus -------------

process.stdout.write('\n');
const { runPrometheusBench } = await import('./prometheus.js');
await runPrometheusBench({ log: (text) => process.stdout.write(`${text}\n`) });

// --- generated notes ----------------------------------------------------------------------------

/** A filled-in note in the template's shape, varied so the parser meets its usual shapes. */
function generateNote(i) {
  const stage = `${String(30 + Math.floor(i / 260)).padStart(2, '0')}_${String(Math.floor(i / 26) % 10).padStart(2, '0')}${String.fromCharCode(97 + (i % 26))}`;
  const slug = ['dialog_context', 'metrics_exporter', 'session_cache', 'scheduler_queue', 'auth_gateway'][i % 5];
  const component = slug
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
  const flag = `USE_NEW_${slug.toUpperCase()}_${i}`;
  const service = slug.replace(/_/g, '-');
  const shape = i % 4;
  const disable =
    shape === 3
      ? ['   ```console', `   $ sed -i 's/${flag}=true/${flag}=false/' ~/work/infra/.env.infra`, `   $ grep ${flag} ~/work/infra/.env.infra`, `   ${flag}=false`, '   ```']
      : ['   ```bash', `   sed -i 's/${flag}=true/${flag}=false/' ~/work/infra/.env.infra`, `   make day-12-restart-${service}`, '   ```'];
  const restart =
    shape === 1
      ? ['   ```bash', '   set -euo pipefail', '   # 1. Restart the worker', `   make day-12-restart-${service}-worker`, '   # 2. Restart the API', `   make day-12-restart-${service}-api`, '   ```']
      : ['   ```bash', `   for svc in ${service}-worker ${service}-api; do`, '     make day-12-restart-$svc || exit 1', '   done', '   ```'];
  const lines = [
    `# Migration: ${component} ${i} · Stage ${stage}`,
    '',
    `**Component**: ${component} ${i}  `,
    `**Stage**: ${stage}  `,
    '**Date**: 2025-11-12  ',
    '**Owner**: Platform Ops  ',
    '**Status**: In Progress',
    '',
    '---',
    '',
    '## Summary',
    '',
    `Move ${component} behind a repository interface so domain logic stops talking to MongoDB directly.`,
    '',
    '## Breaking Changes',
    '',
    '### For Operations',
    '',
    '- [x] **Rollback Procedure**',
    `  - Feature flag: \`${flag}=false\``,
    `  - Restart ${service} after flipping the flag`,
    '',
    '## Migration Steps (Developer Guide)',
    '',
    '```python',
    'from src.infrastructure.di.container import DIContainer',
    'container = DIContainer(settings=get_settings())',
    '```',
    '',
    '## Rollback Procedure',
    '',
    '### If Issues Found Within 1 Hour of Deployment',
    '',
    '1. **Record the incident**:',
    '   ```sh',
    `   echo "$(date -u +%FT%TZ) rollback ${stage} for <incident-id>" >> ~/work/infra/rollback.log`,
    '   ```',
    '',
    '2. **Disable feature flag**:',
    ...disable,
    '',
    '3. **Restart services** (worker first):',
    ...restart,
    '',
    '4. **Validate rollback**:',
    '   ```bash',
    '   poetry run pytest tests/smoke/ -v',
    '   curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus',
    '   ```',
    '',
    '5. **Communicate**:',
    '   - Post to `#ops-shared`',
    '   - Update incident log',
    '',
    '### If Issues Found >1 Hour After Deployment',
    '',
    '[Follow full rollback plan from `docs/specs/epic_21/architect/rollback_plan.md`]',
    '',
    '## Monitoring & Validation',
    '',
    '### Key Metrics to Watch',
    '',
    '| Metric | Baseline | Target | Alert Threshold |',
    '|--------|----------|--------|-----------------|',
    `| ${component} latency (p95) | 80ms | <100ms | >150ms |`,
    '| Error rate | 0.1% | <0.5% | >1.0% |',
    '| Scrape success | 100% | 100% | <100% |',
    '',
    '### Prometheus Queries',
    '',
    '```promql',
    '# Error rate',
    `sum(rate(${slug}_operations_total{status="error"}[5m])) / sum(rate(${slug}_operations_total[5m]))`,
    '',
    '# Latency p95',
    `histogram_quantile(0.95, rate(${slug}_latency_seconds_bucket[5m]))`,
    '',
    '# Scrape success',
    `avg(up{job="${service}"})`,
    '```',
    '',
    '## Timeline',
    '',
    '| Date | Milestone | Status |',
    '|------|-----------|--------|',
    '| 2025-11-11 | Planning complete | ✅ Done |',
    '',
    '**Document Owner**: Platform Ops  ',
    '**Last Updated**: 2025-11-12',
    '',
  ];
  return { name: `${stage}_${slug}.md`, text: lines.join('\n') };
}
