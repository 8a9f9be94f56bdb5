/**
 * Issue #9, attacked again on the features that came after it: linked plans, the HTML
 * report, Slack notices, Runme fence attributes, PromQL. Each case is named after its attack.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const head = `# Migration: Hostile · Stage 89_01a\n\n**Component**: Fixture  \n**Stage**: 89_01a  \n**Status**: In Progress\n\n## Rollback Procedure\n\n`;
const pointer = (target: string) => `${head}1. Follow full rollback plan from \`${target}\`\n`;
const outsidePlan = '# Outside plan\n\n1. **Exfiltrate**:\n   ```bash\n   echo OUTSIDE-STEP-RAN\n   ```\n';

describe('hostile linked plans', () => {
  it.each([
    ['a pointer that climbs out with ../', '../outside/plan.md'],
    ['a pointer through a symlink in the runbooks folder that leads out of it', 'linked.md'],
    ['an absolute pointer to a file outside', 'ABSOLUTE'],
  ])('%s takes no steps from there: the path stays a manual step and lint names it', async (_, target) => {
    const sandbox = createSandbox({ notes: [] });
    mkdirSync(join(sandbox.root, 'outside'));
    writeFileSync(join(sandbox.root, 'outside', 'plan.md'), outsidePlan);
    symlinkSync(join(sandbox.root, 'outside', 'plan.md'), join(sandbox.runbooks, 'linked.md'));
    const shown = target === 'ABSOLUTE' ? join(sandbox.root, 'outside', 'plan.md') : target;
    writeFileSync(join(sandbox.runbooks, 'n.md'), pointer(shown));
    const show = await sandbox.run(['show', join(sandbox.runbooks, 'n.md')]);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).not.toContain('OUTSIDE-STEP-RAN');
    expect(show.stdout).toContain(`1. Follow full rollback plan from ${shown}  [manual, line 9]`);
    const lint = await sandbox.run(['lint', join(sandbox.runbooks, 'n.md')]);
    expect(lint.stdout + lint.stderr).toContain(`points at ${shown}, which is not next to the note`);
  });

  it('a pointer to a plan inside the runbooks folder, also through a symlink that stays inside, still links', async () => {
    const sandbox = createSandbox({ notes: [] });
    mkdirSync(join(sandbox.runbooks, 'shared'));
    writeFileSync(join(sandbox.runbooks, 'shared', 'plan.md'), outsidePlan.replace('OUTSIDE', 'INSIDE'));
    symlinkSync(join(sandbox.runbooks, 'shared', 'plan.md'), join(sandbox.runbooks, 'inside.md'));
    writeFileSync(join(sandbox.runbooks, 'n.md'), pointer('inside.md'));
    const show = await sandbox.run(['show', join(sandbox.runbooks, 'n.md')]);
    expect(show.stdout).toContain('echo INSIDE-STEP-RAN');
  });
});

describe('hostile fence attributes and pointers', () => {
  const oneStep = (fence: string) => `${head}1. **Say hello**:\n   \`\`\`bash ${fence}\n   echo hello\n   \`\`\`\n`;

  it.each([
    ['900 KB of letters in the braces (the attribute regex backtracked: 50 KB took 38 s)', `{${'a'.repeat(900_000)}}`],
    ['JSON nested 200,000 deep', `{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`],
    ['prototype keys and a value that cannot become a string', '{"__proto__":{"excludeFromRunAll":"true"},"constructor":"x","name":{"toString":1}}'],
  ])('Runme fence attributes: %s leave the block a shell step, at once', async (_, fence) => {
    const sandbox = createSandbox({ notes: [] });
    writeFileSync(join(sandbox.runbooks, 'n.md'), oneStep(fence));
    const show = await sandbox.run(['show', join(sandbox.runbooks, 'n.md')]);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain('1. Say hello  [shell, line 9]');
    expect(show.stdout).toContain('│ echo hello');
  });

  it.each([
    ['"follow plan " 3,000 times (the pointer regex backtracked: over 100 s)', 'follow plan '.repeat(3_000)],
    ['30,000 letters with no .md (4.5 s)', 'a'.repeat(30_000)],
  ])('a manual step of %s is not read as a pointer and shows at once', async (_, tail) => {
    const sandbox = createSandbox({ notes: [] });
    writeFileSync(join(sandbox.runbooks, 'n.md'), `${head}1. Follow the rollback plan ${tail}\n2. **Say hello**:\n   \`\`\`bash\n   echo hello\n   \`\`\`\n`);
    const show = await sandbox.run(['show', join(sandbox.runbooks, 'n.md')]);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain('│ echo hello');
  });
});

describe('hostile shell session file', () => {
  it('a FIFO in place of the session file does not block resume (it hung for good, deaf to SIGTERM): read as no saved state', async () => {
    const sandbox = createSandbox({ notes: [] });
    const note = join(sandbox.runbooks, 'n.md');
    writeFileSync(note, `${head}1. **Set**:\n   \`\`\`bash\n   export SOME_VAR=1\n   \`\`\`\n2. **Needs a file**:\n   \`\`\`bash\n   test -f ok\n   \`\`\`\n`);
    const first = await sandbox.run(['rollback', note, '--yes', '--no-verify']);
    expect(first.exitCode).not.toBe(0);
    const [journal] = sandbox.journals();
    const session = journal!.path.replace(/\.jsonl$/, '.session.json');
    rmSync(session);
    execFileSync('mkfifo', [session]);
    writeFileSync(join(sandbox.work, 'ok'), '');
    const resumed = await sandbox.run(['resume', journal!.runId, '--yes', '--no-verify'], { timeoutMs: 20_000 });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain('2. Needs a file');
  });
});

describe('hostile URLs in the plan view', () => {
  it('a Prometheus URL with a password (from the environment profile or --prometheus-url) is masked in --dry-run and show', async () => {
    const sandbox = createSandbox({ notes: [] });
    const note = join(sandbox.runbooks, '89_01a_n.md');
    writeFileSync(note, `${head}1. **Say hello**:\n   \`\`\`bash\n   echo hello\n   \`\`\`\n`);
    writeFileSync(join(sandbox.runbooks, 'environments.json'), JSON.stringify({ environments: { staging: { prometheusUrl: 'http://pu:PROFILESECRET@127.0.0.1:9/' } } }));
    const dry = await sandbox.run(['rollback', '89_01a', '--env', 'staging', '--dry-run']);
    expect(dry.stdout).toContain('Prometheus http://pu:***@127.0.0.1:9/ (from the environment profile)');
    const show = await sandbox.run(['show', note, '--prometheus-url', 'http://u:CLISECRET@127.0.0.1:9']);
    expect(show.stdout).toContain('Prometheus http://u:***@127.0.0.1:9 (from --prometheus-url)');
    expect(dry.stdout + dry.stderr + show.stdout + show.stderr).not.toMatch(/PROFILESECRET|CLISECRET/);
  });
});
