import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/note/markdown.js';
import { cleanTitle, findRollbackSection, splitPaths } from '../../src/note/rollback-section.js';

const md = (...lines: string[]) => parseMarkdown(lines.join('\n'));
/** The section as lines: its heading line and the last line it holds. */
function sectionOf(...lines: string[]) {
  const section = findRollbackSection(md(...lines));
  if (!section) return undefined;
  const last = section.nodes.at(-1)?.position?.end.line;
  return { title: section.title, line: section.heading.position?.start.line, last, duplicates: section.duplicates.length };
}

describe('findRollbackSection', () => {
  it.each([
    { name: '## heading', lines: ['# T', '## Rollback Procedure', 'a', '## Next', 'b'], expected: { title: 'Rollback Procedure', line: 2, last: 3, duplicates: 0 } },
    { name: 'plural, any case, trailing colon', lines: ['### rollback PROCEDURES:', 'a'], expected: { title: 'rollback PROCEDURES:', line: 1, last: 2, duplicates: 0 } },
    { name: 'numbered heading', lines: ['## 7. Rollback Procedure', 'a'], expected: { title: '7. Rollback Procedure', line: 1, last: 2, duplicates: 0 } },
    { name: 'deeper headings stay inside', lines: ['## Rollback Procedure', '### Path', 'a', '#### Step', 'b', '## Next'], expected: { title: 'Rollback Procedure', line: 1, last: 5, duplicates: 0 } },
    { name: 'a higher heading ends it', lines: ['### Rollback Procedure', 'a', '## Monitoring', 'b'], expected: { title: 'Rollback Procedure', line: 1, last: 2, duplicates: 0 } },
    { name: 'setext heading', lines: ['Rollback Procedure', '------------------', 'a'], expected: { title: 'Rollback Procedure', line: 1, last: 3, duplicates: 0 } },
    { name: 'a second section is reported, the first is used', lines: ['## Rollback Procedure', 'a', '## Rollback Procedure', 'b'], expected: { title: 'Rollback Procedure', line: 1, last: 2, duplicates: 1 } },
    { name: 'empty section', lines: ['## Rollback Procedure', '## Next'], expected: { title: 'Rollback Procedure', line: 1, last: undefined, duplicates: 0 } },
  ])('$name', ({ lines, expected }) => {
    expect(sectionOf(...lines)).toEqual(expected);
  });

  it.each([
    { name: 'a bullet named Rollback Procedure (Breaking Changes)', lines: ['## Breaking Changes', '- [x] **Rollback Procedure**', '  - Feature flag: `USE_NEW_X=false`'] },
    { name: 'a bold paragraph', lines: ['**Rollback Procedure**', 'do things'] },
    { name: 'a heading that only mentions it', lines: ['## Rollback Procedure Notes'] },
    { name: 'a heading inside a fenced block', lines: ['```markdown', '## Rollback Procedure', '```'] },
  ])('is not the section: $name', ({ lines }) => {
    expect(findRollbackSection(md(...lines))).toBeUndefined();
  });
});

describe('splitPaths', () => {
  const paths = (...lines: string[]) => splitPaths(findRollbackSection(md(...lines))!).map((path) => ({ title: path.title, line: path.line, nodes: path.nodes.length }));

  it('is one path named after the section when there are no sub-headings', () => {
    expect(paths('## Rollback Procedure', 'a', '', 'b')).toEqual([{ title: 'Rollback Procedure', line: 1, nodes: 2 }]);
  });

  it('makes each sub-heading of the top level a path, with what is written before them shared', () => {
    expect(paths('## Rollback Procedure', 'shared', '### Within 1 Hour:', 'a', '#### Detail', 'b', '### >1 Hour After', 'c')).toEqual([
      { title: 'Within 1 Hour', line: 3, nodes: 4 },
      { title: '>1 Hour After', line: 7, nodes: 2 },
    ]);
  });

  it.each(['### Step 1: Stop', '### 1. Stop'])('"%s" sub-headings are steps of one path, not paths', (heading) => {
    expect(paths('## Rollback Procedure', heading, 'a', '### Step 2: Start', 'b')).toEqual([{ title: 'Rollback Procedure', line: 1, nodes: 4 }]);
  });
});

describe('cleanTitle', () => {
  it.each([
    { text: 'Disable feature flag:', title: 'Disable feature flag' },
    { text: '  Validate rollback ： ', title: 'Validate rollback' },
    { text: '[Follow full rollback plan from docs/x.md]', title: 'Follow full rollback plan from docs/x.md' },
    { text: '[Metric 1]', title: 'Metric 1' },
    // A lead that introduces examples: the title is what to do.
    { text: 'In general you need to undo whatever the upgrade changed, for example:', title: 'Undo whatever the upgrade changed' },
    { text: 'Restart the services, such as', title: 'Restart the services' },
    { text: 'Use an example', title: 'Use an example' },
  ])('$text → $title', ({ text, title }) => {
    expect(cleanTitle(text)).toBe(title);
  });
});
