#!/usr/bin/env node
// Wall time of runbook against hostile input (issue #9), end to end through bin/runbook.js:
// each case used to take minutes, hang or eat a gigabyte; each must now finish in well under
// its target. A benchmark, not a test: it prints the numbers and exits 1 only when a case
// misses its target or ends with an unexpected exit code.
//
//   node bench/hostile.js        (after npm run build)

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/runbook.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'runbook-bench-hostile-'));
const home = join(root, 'home');
mkdirSync(join(home, 'work/infra'), { recursive: true });
const head = (stage) => `# Migration: Hostile · Stage ${stage}\n\n**Stage**: ${stage}\n\n## Rollback Procedure\n\n`;
const note = (name, text) => {
  writeFileSync(join(root, name), text);
  return join(root, name);
};

const cases = [
  {
    name: 'a step printing a 1 MB hex line (secret masker)',
    args: ['rollback', note('hex.md', `${head('90_hex')}1. **Print**:\n   \`\`\`bash\n   head -c 524288 /dev/urandom | od -An -tx1 -v | tr -d ' \\n'; echo\n   \`\`\`\n`), '--yes', '--no-verify'],
    exit: 0,
    targetMs: 5_000,
  },
  {
    name: 'a sed pattern that backtracks, on a 5,000-character line (--dry-run)',
    setup: () => writeFileSync(join(home, 'work/infra/.env.infra'), `USE_SLOW=${'a'.repeat(5_000)}\n`),
    args: ['rollback', note('sed.md', `${head('90_sed')}1. **Flip**:\n   \`\`\`bash\n   sed -i 's/USE_SLOW=${'.*'.repeat(30)}b/USE_SLOW=false/' ~/work/infra/.env.infra\n   \`\`\`\n`), '--dry-run'],
    exit: 0,
    targetMs: 2_000,
  },
  { name: 'a list nested 1,000 deep (refused)', args: ['show', note('deep.md', head('90_deep') + Array.from({ length: 1_000 }, (_, i) => `${'  '.repeat(i)}- item`).join('\n'))], exit: 2, targetMs: 2_000 },
  {
    name: '10,000 steps (refused)',
    args: ['show', note('steps.md', head('90_many') + Array.from({ length: 10_000 }, (_, i) => `${i + 1}. **S${i}**:\n   \`\`\`bash\n   echo ${i}\n   \`\`\`\n`).join('\n'))],
    exit: 2,
    targetMs: 2_000,
  },
  { name: '200,000 lines (refused)', args: ['show', note('lines.md', `${head('90_lines')}${'text\n'.repeat(200_000)}`)], exit: 2, targetMs: 2_000 },
];

let failed = false;
for (const benchCase of cases) {
  benchCase.setup?.();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...benchCase.args], { cwd: root, env: { ...process.env, HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const ok = result.status === benchCase.exit && ms <= benchCase.targetMs;
  failed ||= !ok;
  process.stdout.write(`${ok ? 'ok  ' : 'MISS'} ${ms.toFixed(0).padStart(6)} ms (target ${benchCase.targetMs} ms, exit ${result.status})  ${benchCase.name}\n`);
}
rmSync(root, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
