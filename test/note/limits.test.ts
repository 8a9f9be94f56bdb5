import { describe, expect, it } from 'vitest';
import { checkNoteLimits, NOTE_LIMITS } from '../../src/note/limits.js';

const head = '# Migration: Limits · Stage 88_lim\n\n## Rollback Procedure\n\n';
const steps = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}. **Step ${i + 1}**:\n   \`\`\`bash\n   echo ${i}\n   \`\`\`\n`).join('\n');
const nested = (depth: number) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- item`).join('\n');

describe('checkNoteLimits', () => {
  it('passes a note within every limit', () => {
    expect(checkNoteLimits(head + steps(100) + nested(NOTE_LIMITS.depth))).toBeUndefined();
  });

  it.each([
    ['a list nested 1,000 deep', head + nested(1_000), `lists nested more than ${NOTE_LIMITS.depth} levels deep`],
    ['markers on one line', `${head}${'- '.repeat(200)}x`, `lists nested more than ${NOTE_LIMITS.depth} levels deep`],
    ['quotes', `${head}${'> '.repeat(200)}x`, `lists nested more than ${NOTE_LIMITS.depth} levels deep`],
    ['10,000 steps', head + steps(10_000), `more than ${NOTE_LIMITS.steps.toLocaleString('en')} numbered items and headings`],
    ['200,000 lines', head + 'text\n'.repeat(200_000), `more than ${NOTE_LIMITS.lines.toLocaleString('en')} lines`],
  ])('%s is refused with a clear error', (_name, text, message) => {
    expect(checkNoteLimits(text)?.message).toContain(message);
  });

  it('deeply indented code in a fence is code, not nesting', () => {
    expect(checkNoteLimits(`${head}1. **Step**:\n   \`\`\`bash\n${' '.repeat(400)}- not a list\n   \`\`\`\n`)).toBeUndefined();
  });
});
