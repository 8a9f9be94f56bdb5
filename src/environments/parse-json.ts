/**
 * A strict JSON parser that also says where things are: the line of every object key (by
 * its path) and, for bad JSON, the line of the first error. `JSON.parse` gives neither
 * reliably (V8 reports no position for "Unexpected token" errors), and a config file's
 * problems must point an editor at the right line. Pure.
 */

export type JsonPath = readonly (string | number)[];

export interface ParsedJson {
  value: unknown;
  /** Line (1-based) of the key at `path`, e.g. `lineOf(['environments', 'staging', 'home'])`. */
  lineOf(path: JsonPath): number | undefined;
  /** Keys given twice in one object (`JSON.parse` would silently keep the last). */
  duplicates: { path: JsonPath; line: number }[];
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const pathKey = (path: JsonPath) => JSON.stringify(path);

export function parseJson(text: string): ParsedJson {
  const lines = new Map<string, number>();
  const duplicates: ParsedJson['duplicates'] = [];
  let index = 0;

  const lineAt = (position: number) => text.slice(0, position).split('\n').length;
  const fail = (message: string, position = index): never => {
    throw new JsonSyntaxError(message, lineAt(position));
  };
  const describe = () => (index >= text.length ? 'the end of the file' : `"${text[index]}"`);
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index += 1;
  };
  const expect = (char: string, what: string) => {
    skipSpace();
    if (text[index] !== char) fail(`expected ${what}, found ${describe()}`);
    index += 1;
  };

  const parseString = (): string => {
    const start = index;
    index += 1; // the opening quote
    while (index < text.length && text[index] !== '"') {
      if (text[index] === '\n') fail('a string runs past the end of its line: close it with "', start);
      index += text[index] === '\\' ? 2 : 1;
    }
    if (index >= text.length) fail('a string is never closed: close it with "', start);
    index += 1;
    try {
      return JSON.parse(text.slice(start, index)) as string;
    } catch {
      return fail('a string has a bad escape or control character', start);
    }
  };

  const parseValue = (path: JsonPath): unknown => {
    skipSpace();
    const char = text[index];
    if (char === '{') return parseObject(path);
    if (char === '[') return parseArray(path);
    if (char === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(index, index + 64));
    if (!literal) return fail(`expected a value (a "string", number, true, false, null, {…} or […]), found ${describe()}`);
    index += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };

  const parseObject = (path: JsonPath): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    index += 1;
    skipSpace();
    if (text[index] === '}') {
      index += 1;
      return object;
    }
    for (;;) {
      skipSpace();
      if (text[index] !== '"') fail(text[index] === '}' ? 'a comma before "}": remove it' : `expected a "key" in double quotes, found ${describe()}`);
      const keyStart = index;
      const key = parseString();
      const keyPath = [...path, key];
      if (Object.hasOwn(object, key)) duplicates.push({ path: keyPath, line: lineAt(keyStart) });
      lines.set(pathKey(keyPath), lineAt(keyStart));
      expect(':', `":" after "${key}"`);
      object[key] = parseValue(keyPath);
      skipSpace();
      if (text[index] === ',') {
        index += 1;
        continue;
      }
      expect('}', `"," or "}" after the value of "${key}"`);
      return object;
    }
  };

  const parseArray = (path: JsonPath): unknown[] => {
    const array: unknown[] = [];
    index += 1;
    skipSpace();
    if (text[index] === ']') {
      index += 1;
      return array;
    }
    for (;;) {
      skipSpace();
      if (text[index] === ']') fail('a comma before "]": remove it');
      array.push(parseValue([...path, array.length]));
      skipSpace();
      if (text[index] === ',') {
        index += 1;
        continue;
      }
      expect(']', '"," or "]" after a list item');
      return array;
    }
  };

  const value = parseValue([]);
  skipSpace();
  if (index < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  return { value, lineOf: (path) => lines.get(pathKey(path)), duplicates };
}
