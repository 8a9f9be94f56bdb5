import { describe, expect, it } from 'vitest';
import { findExampleValues, findParameters, findScriptMarkers, findStepTextMarkers, findTextMarkers, normaliseParameters } from '../../src/note/placeholders.js';

const texts = (matches: { text: string }[]) => matches.map((match) => match.text);

describe('template markers in a script line', () => {
  it.each([
    { line: "sed -i 's/USE_NEW_[COMPONENT]=true/USE_NEW_[COMPONENT]=false/' f", markers: ['[COMPONENT]', '[COMPONENT]'] },
    { line: 'make day-12-restart-[service]', markers: ['[service]'] },
    { line: 'echo [YYYY-MM-DD] [Name] [STAGE_ID]', markers: ['[YYYY-MM-DD]', '[Name]', '[STAGE_ID]'] },
    { line: 'if [ -f x ]; then :; fi', markers: [] },
    { line: '[[ -n "$X" ]] && echo ok', markers: [] },
    { line: 'echo "${arr[0]}" ${arr[idx]}', markers: [] },
    { line: "grep -E '^[A-Z_]+=' f", markers: [] },
    { line: "tr '[a-z]' '[A-Z]'", markers: [] },
    { line: "grep -E '[A-Za-z0-9]+' f", markers: [] },
    { line: 'echo "[WARN] slow" "[ERROR]" "[OK]"', markers: [] },
    { line: 'echo done # [Name] only in a comment', markers: [] },
    { line: 'echo [ab]', markers: [] },
  ])('$line', ({ line, markers }) => {
    expect(texts(findScriptMarkers(line))).toEqual(markers);
  });
});

describe('template markers in prose', () => {
  it.each([
    { text: 'Migration: [COMPONENT_NAME] · Stage [STAGE_ID]', markers: ['[COMPONENT_NAME]', '[STAGE_ID]'] },
    { text: '[e.g., Dialog Context Repository]', markers: ['[e.g., Dialog Context Repository]'] },
    { text: '[Planning | In Progress | Complete]', markers: ['[Planning | In Progress | Complete]'] },
    { text: '[2-3 sentence overview of what is being migrated and why]', markers: ['[2-3 sentence overview of what is being migrated and why]'] },
    { text: 'Dialog Context Repository', markers: [] },
    { text: 'see [RFC] 7231', markers: ['[RFC]'] },
  ])('$text', ({ text, markers }) => {
    expect(texts(findTextMarkers(text))).toEqual(markers);
  });

  it('in a manual step, flags words but leaves the bracketed advice the template keeps', () => {
    expect(texts(findStepTextMarkers('Notify [Name] on [service]'))).toEqual(['[Name]', '[service]']);
    expect(texts(findStepTextMarkers('[Follow full rollback plan from docs/specs/epic_21/architect/rollback_plan.md]'))).toEqual([]);
  });
});

describe('operator parameters', () => {
  it.each([
    { line: 'echo "rollback for <incident-id> by <operator>"', parameters: ['incident-id', 'operator'] },
    { line: 'make restart TICKET=<incident_id>', parameters: ['incident_id'] },
    { line: 'make restart < /dev/null > out.log', parameters: [] },
    { line: 'cat <<EOF', parameters: [] },
    { line: 'echo a<b>c', parameters: [] },
    { line: 'wget https://x/pool/pkg-py3_<version>+<codename>1_amd64.deb', parameters: ['version', 'codename'] },
    { line: 'echo ok # <not-a-parameter>', parameters: [] },
  ])('$line', ({ line, parameters }) => {
    expect(texts(findParameters(line))).toEqual(parameters);
  });
});

describe('values the text says to replace', () => {
  it.each([
    ['# (Replace with gitlab-ce if you have GitLab FOSS installed)', ['sudo apt install gitlab-ee=15.0.5-ee.0'], [['ee', 'ee']]],
    ['replace it with `my_app-v2`', ['deploy my_app-v1 --now'], [['v1', 'v1']]],
    // The same value as the one named, or no name the commands use: nothing to replace.
    ['# (Replace with gitlab-ce if needed)', ['sudo apt install gitlab-ce'], []],
    ['# (Replace with gitlab-ce if needed)', ['sudo systemctl restart nginx'], []],
    ['Replace with your own value', ['echo hi'], []],
  ])('%s', (text, lines, expected) => {
    expect([...findExampleValues([text], lines)]).toEqual(expected);
  });

  it('the named part is rewritten wherever it is a part of a name, never inside a word', () => {
    expect(normaliseParameters('sudo apt install gitlab-ee=15.0.5-ee.0 --reinstall-free', new Map([['ee', 'ee']])).line).toBe('sudo apt install gitlab-<ee>=15.0.5-<ee>.0 --reinstall-free');
  });

  it.each([
    ['sudo yum install gitlab-ee-15.0.5-ee.0.el8', 'sudo yum install gitlab-ee-15.0.5-ee.0.<el8>'],
    ['dnf install ./app-1.2-1.fc39.x86_64.rpm', 'dnf install ./app-1.2-1.<fc39>.x86_64.rpm'],
    // Not an RPM tool, or not a dist tag: left alone.
    ['curl -O https://example.org/app-1.2-1.el8.rpm', 'curl -O https://example.org/app-1.2-1.el8.rpm'],
    ['yum install hotel8', 'yum install hotel8'],
  ])('an RPM dist tag is the operator OS release: %s', (line, expected) => {
    expect(normaliseParameters(line).line).toBe(expected);
  });
});
