import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

const SECRETS = ['tok-1234567890abcdef', 'abcdefghijklmnop1234', 'hunter22', 'two words here', 'sk-live-0123456789', 'dk-9876543210'];

describe('secrets in a run', () => {
  it('never reach the screen, the journal or the transcript', async () => {
    const sandbox = createSandbox({ notes: ['run-notes/secrets-in-step.md'], env: { DEPLOY_KEY: 'dk-9876543210' } });
    const result = await sandbox.run(sandbox.args('rollback', '90_secrets', '--yes', '--set', 'api-key=sk-live-0123456789'));

    expect(result.stdout).toContain(
      [
        '› $ export API_TOKEN=***',
        '› $ curl -s -H "Authorization: Bearer ***" https://example.invalid/api',
        `› $ echo "password=*** DB_PASSWORD='***' key=***"`,
        '› $ echo "the deploy key is $DEPLOY_KEY"',
        '› curl -s -H Authorization: Bearer *** https://example.invalid/api: ok',
        `› password=*** DB_PASSWORD='***' key=***`,
        '› the deploy key is ***',
      ].join('\n'),
    );
    expect(result.stdout).toContain('  param   api-key=***\n');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    const journalText = readFileSync(sandbox.journal().path, 'utf8');
    expect(journalText).toContain('"parameters":{"api-key":"***"}');
    const transcript = await sandbox.run(['log']);
    expect(transcript.exitCode).toBe(0);
    expect(transcript.stdout).toContain('the deploy key is ***');
    for (const secret of SECRETS) {
      expect(result.stdout).not.toContain(secret);
      expect(journalText).not.toContain(secret);
      expect(transcript.stdout).not.toContain(secret);
    }
  });
});
