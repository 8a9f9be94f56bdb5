import { describe, expect, it } from 'vitest';
import { createSecretMasker, isSecretName, maskEvent } from '../../src/journal/mask-secrets.js';

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

describe('encoded forms of every secret', () => {
  const basic = (text: string) => Buffer.from(text).toString('base64');
  const mask = createSecretMasker({ SERVICE_URL: 'https://deploy:p%40ss-word@proxy.example/', DB_PASSWORD: 'hunter2-long' }, ['extra-secret-1']);

  it.each([
    [`you sent ${basic('deploy:p@ss-word')}`, 'you sent ***'],
    [`unpadded ${basic('deploy:p@ss-word').replace(/=+$/, '')}`, 'unpadded ***'],
    ['the password p@ss-word and p%40ss-word', 'the password *** and ***'],
    [`b64 ${basic('hunter2-long')} url ${encodeURIComponent('hunter2-long')}`, 'b64 *** url ***'],
    [`extra ${basic('extra-secret-1')}`, 'extra ***'],
  ])('%s → %s', (input, expected) => {
    expect(mask(input)).toBe(expected);
  });
});

describe('maskEvent', () => {
  it('masks every string of an event, however deep', () => {
    const mask = createSecretMasker({ API_TOKEN: 'tok-123456' });
    expect(maskEvent({ type: 'verification', measurement: { message: ['got tok-123456'] }, n: 1 }, mask)).toEqual({ type: 'verification', measurement: { message: ['got ***'] }, n: 1 });
  });
});

describe('the secret masker is quadratic on long output lines: now linear', () => {
  // Not a timing test: inputs that took minutes before finish at all (vitest's 5 s timeout).
  it.each([
    ['a 1 MB hex line', '0123456789abcdef'.repeat(65_536)],
    ['a 1 MB word of option dashes', '--token'.repeat(150_000)],
    ['dotted words', 'a.'.repeat(500_000)],
    ['an unclosed scheme', 'x+'.repeat(500_000)],
  ])('%s', (_name, text) => {
    expect(createSecretMasker({ API_TOKEN: 'tok-123456' })(text)).toBe(text);
  });
});
