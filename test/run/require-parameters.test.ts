import { describe, expect, it } from 'vitest';
import { parseNote } from '../../src/note/parse-note.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { requireParameters } from '../../src/run/parameters.js';

const NOTE = `# Migration: X · Stage 90_req

**Stage**: 90_req

## Rollback Procedure

1. **Stop**:
   \`\`\`bash
   make stop
   \`\`\`

### Bring it back

#### Option A: restart

\`\`\`bash
make restart
\`\`\`

#### Option B: redeploy a tag

\`\`\`bash
make deploy TAG=<tag>
\`\`\`

## Chat

- Tell #ops, see <Issue link>
`;

describe('requireParameters (--yes)', () => {
  const plan = (choose: string[]) => buildPlan(parseNote(NOTE, 'x.md'), { choices: choose });
  it('does not require a parameter of an option the run does not take', () => {
    expect(() => requireParameters(plan([]))).not.toThrow();
  });
  it('requires it when the run takes that option', () => {
    expect(() => requireParameters(plan(['2=b']))).toThrow('the steps need <tag>: give --set tag=VALUE');
  });
});
