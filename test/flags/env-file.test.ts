import { describe, expect, it } from 'vitest';
import { expandEnvFilePath, parseEnvFile, readFlagValue } from '../../src/flags/env-file.js';

describe('parseEnvFile', () => {
  it.each([
    { line: 'USE_NEW_X=true', value: 'true' },
    { line: 'export USE_NEW_X=false', value: 'false' },
    { line: '  USE_NEW_X = 0  ', value: '0' },
    { line: 'USE_NEW_X="true"', value: 'true' },
    { line: "USE_NEW_X='off' # set by deploy", value: 'off' },
    { line: 'export USE_NEW_X="true" # set by deploy', value: 'true' },
    { line: 'USE_NEW_X=true # comment', value: 'true' },
    { line: 'USE_NEW_X=', value: '' },
    { line: 'USE_NEW_X=a#b', value: 'a#b' },
  ])('$line → $value', ({ line, value }) => {
    expect(parseEnvFile(`OTHER=1\n${line}\n`).get('USE_NEW_X')).toBe(value);
  });

  it('lets the last assignment win, ignores comments and reads CRLF files', () => {
    expect(parseEnvFile('# USE_NEW_X=true\r\nUSE_NEW_X=true\r\nUSE_NEW_X=false\r\n')).toEqual(new Map([['USE_NEW_X', 'false']]));
  });
});

describe('expandEnvFilePath', () => {
  it.each([
    { path: '~/work/infra/.env.infra', expected: '/home/op/work/infra/.env.infra' },
    { path: '$HOME/.env', expected: '/home/op/.env' },
    { path: '${HOME}/.env', expected: '/home/op/.env' },
    { path: './config/app.env', expected: '/srv/app/config/app.env' },
    { path: '/etc/app.env', expected: '/etc/app.env' },
    { path: '$APP_DIR/.env', expected: undefined },
    { path: '~other/.env', expected: undefined },
  ])('$path → $expected', ({ path, expected }) => {
    expect(expandEnvFilePath(path, '/home/op', '/srv/app')).toBe(expected);
  });
});

describe('readFlagValue', () => {
  const io = (files: Partial<Record<string, string>>, error?: string) => ({
    cwd: '/srv/app',
    env: { HOME: '/home/op' },
    fs: {
      readFile: async (path: string) => {
        if (error) throw Object.assign(new Error(error), { code: error });
        const text = files[path];
        if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return new TextEncoder().encode(text);
      },
      readdir: async () => [],
      stat: async () => ({ isFile: () => true, isDirectory: () => false }),
    },
  });

  it.each([
    { files: { '/home/op/.env': 'USE_NEW_X=true\n' }, error: undefined, reading: { state: 'set', value: 'true' } },
    { files: { '/home/op/.env': 'OTHER=1\n' }, error: undefined, reading: { state: 'unset' } },
    { files: {}, error: undefined, reading: { state: 'no-file', path: '/home/op/.env' } },
    { files: {}, error: 'EACCES', reading: { state: 'unknown', reason: '/home/op/.env cannot be read (EACCES)' } },
  ])('$reading.state', async ({ files, error, reading }) => {
    expect(await readFlagValue('~/.env', 'USE_NEW_X', io(files, error))).toEqual(reading);
  });

  it.each([
    { text: 'USE_NEW_X=true\n', pattern: 'USE_NEW_X=true', sedMatches: true },
    { text: 'USE_NEW_X="true"\n', pattern: 'USE_NEW_X=true', sedMatches: false },
    { text: 'USE_NEW_X=true\r\n', pattern: 'USE_NEW_X=true$', sedMatches: true },
    { text: 'USE_NEW_X=true\n', pattern: 'USE_NEW_X=\\(true\\)', sedMatches: undefined },
  ])('says whether the sed pattern $pattern finds a line: $sedMatches', async ({ text, pattern, sedMatches }) => {
    const reading = await readFlagValue('~/.env', 'USE_NEW_X', io({ '/home/op/.env': text }), '/srv/app', pattern);
    expect(reading).toEqual(sedMatches === undefined ? { state: 'set', value: 'true' } : { state: 'set', value: 'true', sedMatches });
  });
});
