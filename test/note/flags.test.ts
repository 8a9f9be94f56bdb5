import { describe, expect, it } from 'vitest';
import { findFlagAssignments, findScriptFlags } from '../../src/note/flags.js';

describe('findFlagAssignments', () => {
  it.each([
    { text: 'USE_NEW_X=false', found: [{ name: 'USE_NEW_X', value: 'false' }] },
    { text: 'Feature flag: `USE_NEW_X=false`', found: [{ name: 'USE_NEW_X', value: 'false' }] },
    {
      text: 'A_B=0 and C_D=on, E_F=OFF; G9=1',
      found: [
        { name: 'A_B', value: '0' },
        { name: 'C_D', value: 'on' },
        { name: 'E_F', value: 'OFF' },
        { name: 'G9', value: '1' },
      ],
    },
    { text: 'PORT=8080', found: [] },
    { text: 'lower_case=true', found: [] },
    { text: 'X=10', found: [] },
    { text: 'USE_X=false.bak', found: [] },
    { text: '$USE_X=false', found: [] },
    { text: 'USE_NEW_[COMPONENT]=false', found: [] },
  ])('$text', ({ text, found }) => {
    expect(findFlagAssignments(text)).toEqual(found);
  });
});

describe('findScriptFlags', () => {
  const flags = (script: string) =>
    findScriptFlags(
      script,
      script.split('\n').map((_, index) => 100 + index),
      'Step',
    );

  it.each([
    {
      form: 'sed -i on an env file',
      script: "sed -i 's/USE_NEW_X=true/USE_NEW_X=false/' ~/work/infra/.env.infra",
      expected: { name: 'USE_NEW_X', value: 'false', source: 'sed', envFile: '~/work/infra/.env.infra', sedPattern: 'USE_NEW_X=true' },
    },
    {
      form: 'sudo sed -i -e with the flag in the address',
      script: "sudo sed -i -e '/ENABLE_CACHE/s/=on/=off/' /etc/app/app.env",
      expected: { name: 'ENABLE_CACHE', value: 'off', source: 'sed', envFile: '/etc/app/app.env' },
    },
    {
      form: 'sed -i.bak with another delimiter',
      script: 'sed -i.bak "s|USE_NEW_X=1|USE_NEW_X=0|g" .env',
      expected: { name: 'USE_NEW_X', value: '0', source: 'sed', envFile: '.env', sedPattern: 'USE_NEW_X=1' },
    },
    {
      form: 'sed -i -E: an extended pattern is not judged later',
      script: "sed -i -E 's/USE_NEW_X=(true|1)/USE_NEW_X=false/' .env",
      expected: { name: 'USE_NEW_X', value: 'false', source: 'sed', envFile: '.env' },
    },
    {
      form: 'sed -i with a case-insensitive s///I: not judged later',
      script: "sed -i 's/use_new_x=true/USE_NEW_X=false/I' .env",
      expected: { name: 'USE_NEW_X', value: 'false', source: 'sed', envFile: '.env' },
    },
    {
      form: 'sed -i with an escaped delimiter in the pattern',
      script: "sed -i 's/^USE_NEW_X=true\\/x/USE_NEW_X=false/' .env",
      expected: { name: 'USE_NEW_X', value: 'false', source: 'sed', envFile: '.env', sedPattern: '^USE_NEW_X=true/x' },
    },
    {
      form: 'sed without -i only prints',
      script: "sed 's/USE_NEW_X=true/USE_NEW_X=false/' .env",
      expected: { name: 'USE_NEW_X', value: 'false', source: 'assignment' },
    },
    {
      form: 'echo >> file',
      script: 'echo "USE_NEW_X=0" >> "$HOME/work/infra/.env.infra"',
      expected: { name: 'USE_NEW_X', value: '0', source: 'append', envFile: '$HOME/work/infra/.env.infra' },
    },
    {
      form: 'echo | tee -a file',
      script: "echo 'USE_NEW_X=false' | sudo tee -a ./config/app.env > /dev/null",
      expected: { name: 'USE_NEW_X', value: 'false', source: 'append', envFile: './config/app.env' },
    },
    { form: 'export', script: 'export USE_NEW_X=false', expected: { name: 'USE_NEW_X', value: 'false', source: 'assignment' } },
    { form: 'command prefix', script: 'USE_NEW_X=off make restart', expected: { name: 'USE_NEW_X', value: 'off', source: 'assignment' } },
  ])('$form', ({ script, expected }) => {
    expect(flags(script)).toEqual([{ ...expected, line: 100, step: 'Step' }]);
  });

  it('names the line of each command and ignores comments and heredoc text', () => {
    const script = ['# USE_NEW_A=false in a comment', 'make stop', "cat <<'EOF' > notes.txt", 'USE_NEW_B=false', 'EOF', 'export USE_NEW_C=false'].join('\n');
    expect(flags(script)).toEqual([{ name: 'USE_NEW_C', value: 'false', source: 'assignment', line: 105, step: 'Step' }]);
  });

  it.each([
    // C11: an argument to a program, and a command-scoped variable, set nothing that outlives the command.
    'RAILS_ENV=production bundle exec rails db:rollback STEP=1',
    'make restart GATE=off',
    'INSTALL_K3S_SKIP_START=true sh -',
  ])('%s sets no flag', (script) => {
    expect(flags(script)).toEqual([]);
  });

  it.each([
    { script: 'kubectl set env deployment/web USE_NEW_X=false', expected: { name: 'USE_NEW_X', value: 'false', source: 'assignment' } },
    { script: 'declare -x USE_X=0', expected: { name: 'USE_X', value: '0', source: 'assignment' } },
    { script: 'GATE=off', expected: { name: 'GATE', value: 'off', source: 'assignment' } },
  ])('$script still sets its flag', ({ script, expected }) => {
    expect(flags(script)).toEqual([{ ...expected, line: 100, step: 'Step' }]);
  });
});
