import { describe, expect, it } from 'vitest';
import { createSecretMasker, isSecretName } from '../../src/journal/mask-secrets.js';

describe('createSecretMasker', () => {
  const mask = createSecretMasker({ DEPLOY_KEY: 'dk-9876543210', GITHUB_TOKEN: 'short', HOME: '/home/operator-1234' });

  it.each([
    ['API_TOKEN=tok-123', 'API_TOKEN=***'],
    ['export DB_PASSWORD="two words here"', 'export DB_PASSWORD="***"'],
    ["DB_PASSWORD='two words here' next", "DB_PASSWORD='***' next"],
    ['client_secret: abc123', 'client_secret: ***'],
    ['{"password": "hunter2", "user": "bob"}', '{"password": "***", "user": "bob"}'],
    ['--api-key=sk-live-1', '--api-key=***'],
    ['mysql --password hunter2 -u root', 'mysql --password *** -u root'],
    ['deploy --token "a b c" --verbose', 'deploy --token *** --verbose'],
    ['cli --token --verbose', 'cli --token --verbose'],
    ['curl -H "Authorization: Bearer abcdefgh1234"', 'curl -H "Authorization: Bearer ***"'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic ***'],
    ['git clone https://bot:hunter22@example.com/repo.git', 'git clone https://bot:***@example.com/repo.git'],
    ['the key is dk-9876543210, really', 'the key is ***, really'],
    ['GITHUB_TOKEN is short', 'GITHUB_TOKEN is short'],
    ['home is /home/operator-1234', 'home is /home/operator-1234'],
    ['USE_NEW_DIALOG_CONTEXT_REPO=false', 'USE_NEW_DIALOG_CONTEXT_REPO=false'],
    ['API_TOKEN=***', 'API_TOKEN=***'],
    ['Bearer short', 'Bearer short'],
  ])('%s → %s', (input, expected) => {
    expect(mask(input)).toBe(expected);
  });

  it('masks nothing it should not: plain output stays as it is', () => {
    const text = 'restarting butler... done (3 workers, 0 errors)';
    expect(mask(text)).toBe(text);
  });
});

describe('isSecretName', () => {
  it.each([
    ['API_TOKEN', true],
    ['api-key', true],
    ['DB_PASSWD', true],
    ['client_secret', true],
    ['incident-id', false],
    ['USE_NEW_DIALOG_CONTEXT_REPO', false],
  ])('%s → %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });
});
