import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNote } from '../../src/note/parse-note.js';
import { fixturesDir, projectRoot } from '../helpers/run-cli.js';

describe('the compiled parser in dist/ (built by npm test)', () => {
  it('parses every fixture exactly as the source parser does', async () => {
    const { loadParseNote } = (await import(`${projectRoot}dist/compiled-parser.js`)) as typeof import('../../src/note/compiled-parser.js');
    const compiled = await loadParseNote();
    expect(compiled).not.toBe(parseNote);
    const dirs = [fixturesDir, `${fixturesDir}/notes`];
    const files = dirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.md') && !['binary.md', 'latin1.md'].includes(name))
        .map((name) => `${dir}/${name}`),
    );
    expect(files.length).toBeGreaterThan(25);
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
        .replace(/^\uFEFF/, '')
        .replace(/\r\n?/g, '\n');
      expect(compiled(text, file)).toEqual(parseNote(text, file));
    }
  });
});
