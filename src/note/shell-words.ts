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

/** What a script leaves open at its end: bash would read more lines before running it. */
interface EndState {
  heredocPending: boolean;
  quoteOpen: boolean;
  continued: boolean;
}

function* tokenize(script: string, end?: EndState): Generator<Token> {
  const lines = script.split('\n');
  const heredocEnds: { word: string; stripTabs: boolean }[] = [];
  let word: string | undefined;
  let wordLine = 0;
  // A quote left open at the end of a line goes on on the next one (bash reads on until it closes).
  let open: string | undefined;
  let continued = false;

  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    let i = 0;
    let commented = false;
    if (open !== undefined) {
      const close = findClosingQuote(line, 0, open);
      const inner = line.slice(0, close);
      word += `\n${open === '"' ? inner.replace(/\\([\\"$`])/g, '$1') : inner}`;
      if (close < line.length) open = undefined;
      i = close + 1;
    }
    while (i < line.length) {
      const char = line[i]!;
      if (char === ' ' || char === '\t') {
        if (word !== undefined) yield { kind: 'word', value: word, line: wordLine };
        word = undefined;
        i += 1;
        continue;
      }
      if (char === '#' && word === undefined) {
        commented = true;
        break; // comment to end of line
      }
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
        const close = findClosingQuote(line, i + 1, char);
        if (word === undefined) wordLine = lineIndex;
        word ??= '';
        const inner = line.slice(i + 1, close);
        word += char === '"' ? inner.replace(/\\([\\"$`])/g, '$1') : inner;
        if (close === line.length) open = char;
        i = close + 1;
        continue;
      }
      if (char === '$' && line[i + 1] === '(') {
        const close = findClosingParen(line, i + 1);
        if (word === undefined) wordLine = lineIndex;
        word = (word ?? '') + line.slice(i, close + 1);
        i = close + 1;
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
    continued = open !== undefined || (!commented && line.endsWith('\\') && !line.endsWith('\\\\'));
    if (continued) continue;
    if (word !== undefined) yield { kind: 'word', value: word, line: wordLine };
    word = undefined;
    yield { kind: 'newline', value: '\n', line: lineIndex };
    // Skip heredoc bodies: their lines are data, not commands.
    while (heredocEnds.length > 0 && lineIndex + 1 < lines.length) {
      const { word: delimiter, stripTabs } = heredocEnds[0]!;
      lineIndex += 1;
      const body = stripTabs ? lines[lineIndex]!.replace(/^\t+/, '') : lines[lineIndex]!;
      if (body === delimiter) heredocEnds.shift();
    }
  }
  if (word !== undefined) yield { kind: 'word', value: word, line: wordLine };
  if (end) Object.assign(end, { heredocPending: heredocEnds.length > 0, quoteOpen: open !== undefined, continued });
}

// Words that open a compound command at the start of a command, and the ones that close it.
const OPENERS = new Set(['if', 'for', 'while', 'until', 'case', 'select', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

/**
 * True when bash would wait for more lines after this text before running it (its PS2 `> `
 * prompt): a heredoc whose delimiter has not come, an open quote, a trailing `\`, a trailing
 * `|`/`&&`/`||`, or an `if`/`for`/`while`/`case`/`{` not closed yet.
 */
export function needsMoreInput(script: string): boolean {
  const end: EndState = { heredocPending: false, quoteOpen: false, continued: false };
  let depth = 0;
  let atStart = true;
  let last: Token | undefined;
  for (const token of tokenize(script, end)) {
    if (token.kind === 'word') {
      if (atStart && OPENERS.has(token.value)) depth += 1;
      else if (atStart && CLOSERS.has(token.value)) depth -= 1;
      atStart = atStart && RESERVED_PREFIXES.has(token.value); // `then echo`, `! grep`: still at the start
    } else atStart = !(token.kind === 'op' && (token.value === '>' || token.value === '>>' || token.value === '<'));
    if (token.kind !== 'newline') last = token;
  }
  const trailing = last?.kind === 'op' && (last.value === '|' || last.value === '&&' || last.value === '||');
  return end.heredocPending || end.quoteOpen || end.continued || depth > 0 || trailing;
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

/** Index of the quote closing one opened before `from` (line.length when it stays open). */
function findClosingQuote(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') {
      i += 1;
      continue;
    }
    if (line[i] === quote) return i;
  }
  return line.length; // still open: the word goes on on the next line
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
