import { describe, expect, it } from 'vitest';
import { spreadNamedParts } from '../../src/note/shared-parameters.js';
import type { ShellStep, Step } from '../../src/note/types.js';

const shell = (script: string, parameters: ShellStep['parameters'] = []): ShellStep => ({
  kind: 'shell',
  title: script,
  line: 1,
  notes: [],
  script,
  lineMap: script.split('\n').map((_, index) => 10 + index),
  placeholders: [],
  parameters,
  hazards: [],
  destructive: [{ line: 10, command: script, reason: 'deletes', fix: 'check' }],
});

describe('spreadNamedParts', () => {
  it('spells the part `<ee>` in every shell step of the path, inside choices too, and leaves the shared originals alone', () => {
    const remove = shell('sudo dpkg -r gitlab-ee');
    const choice: Step = { kind: 'choice', title: 'Pick', line: 2, notes: [], chosen: 0, options: [{ title: 'yum', line: 3, steps: [shell('sudo yum remove gitlab-ee')] }] };
    const install = shell('sudo apt install gitlab-<ee>=<version>-<ee>.0', [{ name: 'ee', line: 10, text: 'ee' }]);
    const [first, second, third] = spreadNamedParts([remove, choice, install]);
    expect(first).toMatchObject({ script: 'sudo dpkg -r gitlab-<ee>', parameters: [{ name: 'ee', line: 10, text: 'ee' }], destructive: [{ command: 'sudo dpkg -r gitlab-<ee>' }] });
    expect(second!.kind === 'choice' && second!.options[0]!.steps[0]).toMatchObject({ script: 'sudo yum remove gitlab-<ee>' });
    expect(third).toBe(install);
    expect(remove.script).toBe('sudo dpkg -r gitlab-ee');
  });

  it('only parameters kept under their own spelling after a `-`/`_` prefix spread; a longer word is no match', () => {
    const version = shell('apt install pkg-<version>', [{ name: 'version', line: 10, text: '1.2.3' }]);
    const other = shell('apt remove pkg-1.2.3 pkg-eee');
    expect(spreadNamedParts([version, other])[1]).toBe(other);
    const named = shell('apt install pkg-<ee>', [{ name: 'ee', line: 10, text: 'ee' }]);
    expect(spreadNamedParts([named, other])[1]).toBe(other);
  });
});
