/**
 * Whether a script is made of simple commands only — no construct that could stay open at
 * its end or close one opened before it: no braces, parentheses, backquotes, heredocs, shell
 * keywords, `$(`/`${`, and quotes that all close. Such scripts can share one `bash -n` batch
 * without being able to fool it (issue #9); any other script is checked on its own. Lexes
 * conservatively: anything it is unsure of makes the script "not simple".
 */

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'function', 'coproc', 'time', '[[', ']]', '{', '}', '!']);
const OPENERS = new Set(['{', '}', '(', ')', '`']);

export function isSimpleScript(script: string): boolean {
  let word = '';
  // The last character that is not blank or comment: a script ending in `|` or `&&` continues into whatever follows.
  let last = '';
  const endWord = () => {
    const simple = !KEYWORDS.has(word);
    word = '';
    return simple;
  };
  for (let i = 0; i < script.length; i++) {
    const char = script[i]!;
    if (!/[ \t\n]/.test(char) && !(char === '#' && word === '' && (i === 0 || /[ \t\n]/.test(script[i - 1]!)))) last = char;
    if (char === '\\') {
      if (i + 1 >= script.length || script[i + 1] === '\n') return false; // a continuation: not judged
      word += script[i + 1];
      i += 1;
    } else if (char === "'") {
      const end = script.indexOf("'", i + 1);
      if (end === -1) return false;
      word += 'q';
      i = end;
    } else if (char === '"') {
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === '\\') j += 1;
        else if (script[j] === '`' || (script[j] === '$' && (script[j + 1] === '(' || script[j + 1] === '{'))) return false;
      }
      if (j >= script.length) return false;
      word += 'q';
      i = j;
    } else if (char === '#' && word === '' && (i === 0 || /[ \t\n]/.test(script[i - 1]!))) {
      const end = script.indexOf('\n', i);
      if (end === -1) break;
      i = end - 1; // the newline ends the word below
    } else if (OPENERS.has(char)) {
      return false;
    } else if (char === '$' && (script[i + 1] === '(' || script[i + 1] === '{')) {
      return false;
    } else if (char === '<' && script[i + 1] === '<') {
      return false; // a heredoc (or here-string): its body is not lexed here
    } else if (/[ \t\n;&|<>]/.test(char)) {
      if (!endWord()) return false;
    } else {
      word += char;
    }
  }
  return endWord() && last !== '|' && last !== '&';
}
