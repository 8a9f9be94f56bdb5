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
  /** The command ran under `sudo`: sudo's own options (`['-iu', 'app']`), dropped from `words`. */
  sudo?: string[];
  /** Its stdin is a heredoc (`psql <<SQL`): it reads no terminal. */
  heredoc?: boolean;
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
    // A bare `> file` is a command too (it empties the file).
    if (current && (current.words.length > 0 || current.redirects.length > 0 || current.sudo)) commands.push(current);
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
      } else if (token.value === '<<') {
        current ??= { words: [], redirects: [], line: token.line, pipeline };
        current.heredoc = true;
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
    if (current.words.length === 0 && token.value === 'sudo' && !current.sudo) {
      current.sudo = [];
      continue;
    }
    current.words.push(token.value);
  }
  finish(false);
  return commands.map(dropSudoOptions);
}

/** `sudo -u app sed …` → `sed …`: sudo's own options are not part of the command (kept in `sudo`). */
function dropSudoOptions(command: SimpleCommand): SimpleCommand {
  if (!command.sudo) return command;
  const index = optionsEnd(command.words, 0, /^-[a-zA-Z]*[ugCDpRTUrt]$/, /^--(?:user|group|chdir|prompt|close-from|role|type|other-user|host)$/);
  return { ...command, sudo: command.words.slice(0, index), words: command.words.slice(index) };
}

/**
 * Index of the first word after a program's options, from `start`: `-x`, `--long`,
 * `--long=value`, a cluster ending in a letter that takes a value (`-iu app`) and a long
 * option that takes one (`--file x`) with their values, up to and past `--`.
 */
export function optionsEnd(words: readonly string[], start: number, shortWithValue: RegExp, longWithValue?: RegExp): number {
  let index = start;
  while (index < words.length && words[index]!.startsWith('-') && words[index] !== '-') {
    const option = words[index]!;
    if (option === '--') return index + 1;
    index += shortWithValue.test(option) || longWithValue?.test(option) ? 2 : 1;
  }
  return index;
}

/** What a script leaves open at its end: bash would read more lines before running it. */
interface EndState {
  /** The delimiter of the first heredoc whose body has not ended. */
  heredoc?: { word: string; stripTabs: boolean };
  /** The quote still open. */
  quote?: string;
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
            yield { kind: 'op', value: '<<', line: lineIndex };
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
  if (end) Object.assign(end, { heredoc: heredocEnds[0], quote: open, continued });
}

// Words that open a compound command at the start of a command, and the ones that close it.
const OPENERS = new Set(['if', 'for', 'while', 'until', 'case', 'select', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

/** What bash is still waiting for at the end of a script (see `needsMoreInput`). */
export interface PendingInput {
  /** A heredoc body goes on until this line. */
  heredoc?: { word: string; stripTabs: boolean };
  /** This quote is open. */
  quote?: string;
}

/**
 * What bash would wait for after this text before running it (its PS2 `> ` prompt), or
 * undefined when the text is complete: a heredoc whose delimiter has not come, an open
 * quote, a trailing `\`, a trailing `|`/`&&`/`||`, or an `if`/`for`/`while`/`case`/`{` not
 * closed yet.
 */
export function pendingInput(script: string): PendingInput | undefined {
  const end: EndState = { continued: false };
  let depth = 0;
  let atStart = true;
  let last: Token | undefined;
  for (const token of tokenize(script, end)) {
    if (token.kind === 'word') {
      if (atStart && OPENERS.has(token.value)) depth += 1;
      else if (atStart && CLOSERS.has(token.value)) depth -= 1;
      atStart = atStart && RESERVED_PREFIXES.has(token.value); // `then echo`, `! grep`: still at the start
    } else atStart = !(token.kind === 'op' && (token.value === '>' || token.value === '>>' || token.value === '<' || token.value === '<<'));
    if (token.kind !== 'newline') last = token;
  }
  const trailing = last?.kind === 'op' && (last.value === '|' || last.value === '&&' || last.value === '||');
  if (end.heredoc || end.quote) return { ...(end.heredoc ? { heredoc: end.heredoc } : {}), ...(end.quote ? { quote: end.quote } : {}) };
  return end.continued || depth > 0 || trailing ? {} : undefined;
}

/** True when bash would wait for more lines after this text (see `pendingInput`). */
export function needsMoreInput(script: string): boolean {
  return pendingInput(script) !== undefined;
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
