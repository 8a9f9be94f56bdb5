/**
 * A small shell lexer: enough of bash's quoting rules to find the simple commands in a
 * rollback block (`sed -i 's/A=true/A=false/' FILE`, `echo A=false >> FILE`,
 * `export A=false`) and the files they write. It never runs anything and does not try to
 * be bash: when in doubt a word is kept as written.
 */

export interface Redirect {
  op: '>' | '>>' | '<';
  target: string;
}

export interface SimpleCommand {
  /** Words with quotes removed, reserved words (`do`, `then`, …) and `sudo` dropped. */
  words: string[];
  redirects: Redirect[];
  /** 0-based index of the script line the command starts on. */
  line: number;
  /** Index of the pipeline this command is part of; commands joined by `|` share it. */
  pipeline: number;
}

const RESERVED_PREFIXES = new Set(['do', 'then', 'else', 'elif', 'if', 'while', 'until', '!', '{', '(', 'time']);

interface Token {
  kind: 'word' | 'op' | 'newline';
  value: string;
  line: number;
}

/** Splits a script into simple commands. Heredoc bodies are skipped, comments dropped. */
export function splitCommands(script: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand | undefined;
  let pipeline = 0;
  let pendingRedirect: Redirect['op'] | undefined;

  const finish = (nextPipeline: boolean) => {
    if (current && current.words.length > 0) commands.push(current);
    current = undefined;
    if (nextPipeline) pipeline += 1;
  };

  for (const token of tokenize(script)) {
    if (token.kind === 'newline') {
      finish(true);
      continue;
    }
    if (token.kind === 'op') {
      if (token.value === '>' || token.value === '>>' || token.value === '<') {
        pendingRedirect = token.value;
      } else {
        // `|` keeps the pipeline, everything else (`;`, `&&`, `||`, `&`) starts a new one.
        finish(token.value !== '|');
      }
      continue;
    }
    current ??= { words: [], redirects: [], line: token.line, pipeline };
    if (pendingRedirect) {
      current.redirects.push({ op: pendingRedirect, target: token.value });
      pendingRedirect = undefined;
      continue;
    }
    if (current.words.length === 0 && RESERVED_PREFIXES.has(token.value)) continue;
    if (current.words.length === 0 && token.value === 'sudo') continue;
    current.words.push(token.value);
  }
  finish(false);
  return commands.map(dropSudoOptions);
}

/** `sudo -u app sed …` → `sed …`: sudo's own options are not part of the command. */
function dropSudoOptions(command: SimpleCommand): SimpleCommand {
  let index = 0;
  while (index < command.words.length && command.words[index]!.startsWith('-')) {
    const option = command.words[index]!;
    index += option === '-u' || option === '-g' || option === '-C' ? 2 : 1;
  }
  return index === 0 ? command : { ...command, words: command.words.slice(index) };
}

function* tokenize(script: string): Generator<Token> {
  const lines = script.split('\n');
  const heredocEnds: { word: string; stripTabs: boolean }[] = [];
  let word: string | undefined;
  let wordLine = 0;

  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    let i = 0;
    while (i < line.length) {
      const char = line[i]!;
      if (char === ' ' || char === '\t') {
        if (word !== undefined) yield { kind: 'word', value: word, line: wordLine };
        word = undefined;
        i += 1;
        continue;
      }
      if (char === '#' && word === undefined) break; // comment to end of line
      if (char === '\\') {
        if (i === line.length - 1) {
          i += 1; // line continuation: the word (or command) goes on on the next line
          continue;
        }
        if (word === undefined) wordLine = lineIndex;
        word = (word ?? '') + line[i + 1];
        i += 2;
        continue;
      }
      if (char === "'" || char === '"') {
        const end = findClosingQuote(line, i);
        if (word === undefined) wordLine = lineIndex;
        word ??= '';
        const inner = line.slice(i + 1, end);
        word += char === '"' ? inner.replace(/\\([\\"$`])/g, '$1') : inner;
        i = end + 1;
        continue;
      }
      if (char === '$' && line[i + 1] === '(') {
        const end = findClosingParen(line, i + 1);
        if (word === undefined) wordLine = lineIndex;
        word = (word ?? '') + line.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      const op = readOperator(line, i);
      if (op) {
        if (word !== undefined) {
          // `2>` and `&>`: the fd number belongs to the redirect, not to the command.
          if (!(/^\d+$/.test(word) && op.startsWith('>'))) yield { kind: 'word', value: word, line: wordLine };
          word = undefined;
        }
        if (op === '<<' || op === '<<-') {
          const heredoc = readHeredocWord(line, i + op.length);
          if (heredoc) {
            heredocEnds.push({ word: heredoc.word, stripTabs: op === '<<-' });
            i = heredoc.end;
            continue;
          }
        }
        yield { kind: 'op', value: normaliseOperator(op), line: lineIndex };
        i += op.length;
        continue;
      }
      if (word === undefined) wordLine = lineIndex;
      word = (word ?? '') + char;
      i += 1;
    }
    const continued = line.endsWith('\\') && !line.endsWith('\\\\');
    if (!continued) {
      if (word !== undefined) yield { kind: 'word', value: word, line: wordLine };
      word = undefined;
      yield { kind: 'newline', value: '\n', line: lineIndex };
    }
    // Skip heredoc bodies: their lines are data, not commands.
    while (heredocEnds.length > 0 && lineIndex + 1 < lines.length) {
      const { word: end, stripTabs } = heredocEnds[0]!;
      lineIndex += 1;
      const body = stripTabs ? lines[lineIndex]!.replace(/^\t+/, '') : lines[lineIndex]!;
      if (body === end) heredocEnds.shift();
    }
  }
  if (word !== undefined) yield { kind: 'word', value: word, line: wordLine };
}

const OPERATORS = ['&&', '||', '>>', '<<-', '<<', '&>', '>|', ';;', '|', '&', ';', '>', '<', '(', ')'];

function readOperator(line: string, index: number): string | undefined {
  return OPERATORS.find((op) => line.startsWith(op, index));
}

function normaliseOperator(op: string): string {
  if (op === '&>' || op === '>|') return '>';
  if (op === '(' || op === ')' || op === ';;') return ';';
  return op;
}

function readHeredocWord(line: string, start: number): { word: string; end: number } | undefined {
  const match = /^\s*(['"]?)([A-Za-z_][\w-]*)\1/.exec(line.slice(start));
  return match ? { word: match[2]!, end: start + match[0].length } : undefined;
}

function findClosingQuote(line: string, start: number): number {
  const quote = line[start];
  for (let i = start + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') {
      i += 1;
      continue;
    }
    if (line[i] === quote) return i;
  }
  return line.length; // unterminated: `bash -n` reports it; here the rest is one word
}

function findClosingParen(line: string, start: number): number {
  let depth = 0;
  for (let i = start; i < line.length; i++) {
    if (line[i] === '(') depth += 1;
    if (line[i] === ')') depth -= 1;
    if (depth === 0) return i;
  }
  return line.length - 1;
}

/**
 * The part of a script line that bash would execute: a trailing `# comment` (outside
 * quotes) removed; a full comment line becomes empty.
 */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === '\\' && quote === '"') i += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i);
  }
  return line;
}
