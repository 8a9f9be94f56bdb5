import { describe, expect, it } from 'vitest';
import { needsMoreInput, splitCommands, stripComment } from '../../src/note/shell-words.js';

const commands = (script: string) => splitCommands(script).map(({ words, redirects, line, pipeline }) => ({ words, redirects, line, pipeline }));

describe('splitCommands', () => {
  it('splits on newlines, ;, && and || and keeps | in one pipeline', () => {
    expect(commands('a 1; b 2 && c\nd | tee -a f || e')).toEqual([
      { words: ['a', '1'], redirects: [], line: 0, pipeline: 0 },
      { words: ['b', '2'], redirects: [], line: 0, pipeline: 1 },
      { words: ['c'], redirects: [], line: 0, pipeline: 2 },
      { words: ['d'], redirects: [], line: 1, pipeline: 3 },
      { words: ['tee', '-a', 'f'], redirects: [], line: 1, pipeline: 3 },
      { words: ['e'], redirects: [], line: 1, pipeline: 4 },
    ]);
  });

  it.each([
    { script: `sed -i 's/A=true/A=false/' "$HOME/x y"`, words: ['sed', '-i', 's/A=true/A=false/', '$HOME/x y'] },
    { script: 'echo "a \\"b\\"" c\\ d', words: ['echo', 'a "b"', 'c d'] },
    { script: 'echo $(date -u +%F) done', words: ['echo', '$(date -u +%F)', 'done'] },
    { script: 'sudo -u app sed -i x f', words: ['sed', '-i', 'x', 'f'] },
    { script: 'if grep -q X f; then echo yes; fi', words: ['grep', '-q', 'X', 'f'] },
    { script: 'echo a # comment with X=false', words: ['echo', 'a'] },
    { script: 'echo a#b', words: ['echo', 'a#b'] },
  ])('words of $script', ({ script, words }) => {
    expect(splitCommands(script)[0]!.words).toEqual(words);
  });

  it.each([
    { script: 'echo X=0 >> ~/f', redirects: [{ op: '>>', target: '~/f' }] },
    { script: 'echo X=0 > "/tmp/a b"', redirects: [{ op: '>', target: '/tmp/a b' }] },
    {
      script: 'make 2> err.log < /dev/null',
      redirects: [
        { op: '>', target: 'err.log' },
        { op: '<', target: '/dev/null' },
      ],
    },
    { script: 'make &> all.log', redirects: [{ op: '>', target: 'all.log' }] },
  ])('redirects of $script', ({ script, redirects }) => {
    expect(splitCommands(script)[0]!.redirects).toEqual(redirects);
  });

  it('joins backslash-continued lines into one command that starts on the first line', () => {
    expect(commands('make restart \\\n  SERVICE=x\nnext')).toEqual([
      { words: ['make', 'restart', 'SERVICE=x'], redirects: [], line: 0, pipeline: 0 },
      { words: ['next'], redirects: [], line: 2, pipeline: 1 },
    ]);
  });

  it('skips heredoc bodies', () => {
    expect(splitCommands("cat > f <<'EOF'\nUSE_NEW_X=false\nEOF\nmake restart").map((command) => command.words)).toEqual([['cat'], ['make', 'restart']]);
    expect(splitCommands('cat <<-END\n\tX=1\n\tEND\nls').map((command) => command.words)).toEqual([['cat'], ['ls']]);
  });
});

describe('stripComment', () => {
  it.each([
    { line: 'curl -s x  # Check Prometheus', expected: 'curl -s x  ' },
    { line: '# whole line', expected: '' },
    { line: 'echo "# not a comment"', expected: 'echo "# not a comment"' },
    { line: "echo '#x' # yes", expected: "echo '#x' " },
    { line: 'echo a#b', expected: 'echo a#b' },
    { line: 'echo \\# x', expected: 'echo \\# x' },
  ])('$line', ({ line, expected }) => {
    expect(stripComment(line)).toBe(expected);
  });
});

describe('needsMoreInput', () => {
  it.each([
    { script: 'cat > f <<EOF', more: true },
    { script: 'cat > f <<EOF\na=1', more: true },
    { script: 'cat > f <<EOF\na=1\nEOF', more: false },
    { script: "cat <<'END' | tee f\nEND", more: false },
    { script: 'systemctl reload probe \\', more: true },
    { script: 'echo a # a comment ending in \\', more: false },
    { script: "kubectl patch d -p '[", more: true },
    { script: "kubectl patch d -p '[\n{}\n]'", more: false },
    { script: 'echo "a\nb"', more: false },
    { script: 'kubectl get pods |', more: true },
    { script: 'make stop &&', more: true },
    { script: 'for n in a b; do', more: true },
    { script: 'for n in a b; do\necho $n\ndone', more: false },
    { script: 'if true; then', more: true },
    { script: 'if true; then echo; fi', more: false },
    { script: 'echo done', more: false },
    { script: 'echo fi for while', more: false },
    { script: 'make stop', more: false },
  ])('$script → $more', ({ script, more }) => {
    expect(needsMoreInput(script)).toBe(more);
  });

  it('keeps a quoted string that spans lines as one word', () => {
    expect(splitCommands("kubectl patch d -p '[\n{}\n]'\necho next").map((command) => command.words)).toEqual([
      ['kubectl', 'patch', 'd', '-p', '[\n{}\n]'],
      ['echo', 'next'],
    ]);
  });
});
