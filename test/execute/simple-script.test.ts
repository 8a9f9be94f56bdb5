import { describe, expect, it } from 'vitest';
import { isSimpleScript } from '../../src/execute/simple-script.js';

describe('isSimpleScript', () => {
  it.each([
    "sed -i 's/X=true/X=false/' ~/work/infra/.env.infra\nmake day-12-restart-butler",
    'curl -s http://127.0.0.1:9090/api/v1/targets  # Check Prometheus',
    'echo "it\'s $HOME" > out.txt; cat out.txt | grep -q it && echo ok',
    "echo it's # a comment with a quote: '",
  ])('simple: %j', (script) => {
    expect(isSimpleScript(script)).toBe(true);
  });

  it.each([
    'echo one\n__x() {',
    '}\necho two',
    'echo "',
    "echo '",
    'cat <<EOF\nhi\nEOF',
    'if true; then echo; fi',
    'echo $(date)',
    'echo ${HOME}',
    'echo `date`',
    'echo a |',
    'echo a &&',
    'echo a \\',
    'for x in a; do echo; done',
    "echo a;#x '",
  ])('not simple (checked alone): %j', (script) => {
    expect(isSimpleScript(script)).toBe(false);
  });
});
