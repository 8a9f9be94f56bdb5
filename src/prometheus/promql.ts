/**
 * PromQL as the Prometheus project's own grammar reads it (`@prometheus-io/lezer-promql`, the
 * parser of the Prometheus UI), so that a query which cannot run is found by `lint` and
 * `--dry-run`, not after a rollback. Pure. Lezer recovers from errors, so one pass finds the
 * first syntax error's position; on a clean tree a small type pass finds a range vector where
 * an instant vector belongs (`abs(x[5m])`, `rate(x[5m])[5m] > 1`) and an instant vector where
 * a function needs a range (`rate(x)`).
 *
 * Loaded only by the commands that read queries (lint, show/--dry-run, verify, rollback,
 * rehearse): `--help`, `runs` and `log` never import it.
 */

import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlProblem {
  /** Offset into the query text (0-based). */
  offset: number;
  /** 1-based line and column of `offset` within the query. */
  line: number;
  column: number;
  message: string;
}

export interface ParsedPromql {
  query: string;
  tree: Tree;
  problems: PromqlProblem[];
}

type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

const TYPE_WORDS: Record<ValueType, string> = { scalar: 'a scalar', vector: 'an instant vector', matrix: 'a range vector', string: 'a string' };

/**
 * Argument types of the functions checked (`m` range vector, `v` instant vector, `s` scalar,
 * `t` string; `?` optional, `*` repeatable) and the result. Functions the grammar knows but
 * this table does not are parsed, not type-checked: a newer Prometheus may add some.
 */
const SIGNATURES: Record<string, [args: string, result: ValueType]> = {
  ...Object.fromEntries(
    [
      'absent_over_time',
      'avg_over_time',
      'changes',
      'count_over_time',
      'delta',
      'deriv',
      'first_over_time',
      'idelta',
      'increase',
      'irate',
      'last_over_time',
      'mad_over_time',
      'max_over_time',
      'min_over_time',
      'present_over_time',
      'rate',
      'resets',
      'stddev_over_time',
      'stdvar_over_time',
      'sum_over_time',
      'ts_of_first_over_time',
      'ts_of_last_over_time',
      'ts_of_max_over_time',
      'ts_of_min_over_time',
    ].map((name): [string, [string, ValueType]] => [name, ['m', 'vector']]),
  ),
  quantile_over_time: ['s m', 'vector'],
  predict_linear: ['m s', 'vector'],
  holt_winters: ['m s s', 'vector'],
  double_exponential_smoothing: ['m s s', 'vector'],
  ...Object.fromEntries(
    [
      'abs',
      'absent',
      'acos',
      'acosh',
      'asin',
      'asinh',
      'atan',
      'atanh',
      'ceil',
      'cos',
      'cosh',
      'deg',
      'exp',
      'floor',
      'histogram_avg',
      'histogram_count',
      'histogram_stddev',
      'histogram_stdvar',
      'histogram_sum',
      'ln',
      'log10',
      'log2',
      'rad',
      'sgn',
      'sin',
      'sinh',
      'sort',
      'sort_desc',
      'sqrt',
      'tan',
      'tanh',
      'timestamp',
    ].map((name): [string, [string, ValueType]] => [name, ['v', 'vector']]),
  ),
  ...Object.fromEntries(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((name): [string, [string, ValueType]] => [name, ['v?', 'vector']])),
  histogram_quantile: ['s v', 'vector'],
  histogram_fraction: ['s s v', 'vector'],
  clamp: ['v s s', 'vector'],
  clamp_max: ['v s', 'vector'],
  clamp_min: ['v s', 'vector'],
  round: ['v s?', 'vector'],
  label_replace: ['v t t t t', 'vector'],
  label_join: ['v t t t*', 'vector'],
  sort_by_label: ['v t*', 'vector'],
  sort_by_label_desc: ['v t*', 'vector'],
  scalar: ['v', 'scalar'],
  vector: ['s', 'vector'],
  time: ['', 'scalar'],
  pi: ['', 'scalar'],
};

const ARG_TYPES: Record<string, ValueType> = { m: 'matrix', v: 'vector', s: 'scalar', t: 'string' };

// Lint, units and windows each read the same few queries: parse each once.
const cache = new Map<string, ParsedPromql>();

/** Parses a query and lists what stops Prometheus from running it. Pure; results are cached. */
export function parsePromql(query: string): ParsedPromql {
  const cached = cache.get(query);
  if (cached) return cached;
  const parsed = parseUncached(query);
  if (cache.size >= 500) cache.clear();
  cache.set(query, parsed);
  return parsed;
}

function parseUncached(query: string): ParsedPromql {
  const tree = parser.parse(query);
  const problems: PromqlProblem[] = [];
  const at = (offset: number, message: string) => problems.push({ offset, ...position(query, offset), message });
  const syntax = firstSyntaxError(tree, query);
  if (syntax) at(syntax.offset, syntax.message);
  else {
    const root = tree.topNode.firstChild;
    if (!root) at(0, 'empty query');
    else {
      const type = typeOf(root, query, at);
      if (type === 'matrix' || type === 'string') at(root.from, `the query returns ${TYPE_WORDS[type]}; a check needs an instant vector or a scalar (wrap a range in a function such as rate())`);
    }
  }
  return { query, tree, problems };
}

function position(query: string, offset: number): { line: number; column: number } {
  const before = query.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** The first error node in the tree, in words. */
function firstSyntaxError(tree: Tree, query: string): { offset: number; message: string } | undefined {
  let found: SyntaxNode | undefined;
  tree.iterate({
    enter(node) {
      if (found) return false;
      if (node.type.isError) {
        found = node.node;
        return false;
      }
      return undefined;
    },
  });
  if (!found) return undefined;
  const text = query.slice(found.from, found.to);
  // `foo(x)` with an unknown foo: the grammar reads `foo` as a metric name, then stops at `(`.
  const before = found.prevSibling;
  if (text.startsWith('(') && before?.name === 'Identifier') {
    return { offset: before.from, message: `unknown function "${query.slice(before.from, before.to)}"` };
  }
  if (found.from >= query.trimEnd().length) {
    const open = unclosedBracket(query);
    return { offset: found.from, message: open ? `unexpected end of query: "${open.char}" at column ${position(query, open.offset).column} is not closed` : 'unexpected end of query' };
  }
  // Quoted from the note: no control characters reach the terminal.
  const shown = (text || query.slice(found.from, found.from + 1))
    .split('\n')[0]!
    .slice(0, 20)
    .replace(/[\u0000-\u001f\u007f]/g, '?');
  return { offset: found.from, message: `syntax error at "${shown}"` };
}

/** The innermost bracket left open, ignoring quoted strings. */
function unclosedBracket(query: string): { char: string; offset: number } | undefined {
  const stack: { char: string; offset: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let index = 0; index < query.length; index += 1) {
    const char = query[index]!;
    if (quote) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'" || char === '`') quote = char;
    else if ('([{'.includes(char)) stack.push({ char, offset: index });
    else if (pairs[char] && stack.at(-1)?.char === pairs[char]) stack.pop();
  }
  return stack.at(-1);
}

/** Expression children of a node (lezer gives no nodes for punctuation). */
export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
  return children;
}

const EXPRESSIONS = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);

function expressionsIn(node: SyntaxNode | null): SyntaxNode[] {
  return node ? childrenOf(node).filter((child) => EXPRESSIONS.has(child.name)) : [];
}

/** The value type of an expression; reports type problems through `at`. */
function typeOf(node: SyntaxNode, query: string, at: (offset: number, message: string) => void): ValueType {
  const inner = () => expressionsIn(node)[0];
  switch (node.name) {
    case 'NumberDurationLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr': {
      const target = inner();
      if (target && node.name === 'SubqueryExpr') {
        const type = typeOf(target, query, at);
        if (type !== 'vector' && type !== 'scalar') at(target.from, `a subquery needs an instant vector, not ${TYPE_WORDS[type]}`);
      }
      return 'matrix';
    }
    case 'ParenExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr': {
      const target = inner();
      return target ? typeOf(target, query, at) : 'vector';
    }
    case 'UnaryExpr': {
      const target = inner();
      const type = target ? typeOf(target, query, at) : 'vector';
      if (target && type !== 'vector' && type !== 'scalar') at(target.from, `unary minus needs an instant vector or a scalar, not ${TYPE_WORDS[type]}`);
      return type;
    }
    case 'BinaryExpr': {
      const [left, right] = expressionsIn(node);
      const types = [left, right].map((side) => (side ? typeOf(side, query, at) : 'scalar'));
      [left, right].forEach((side, index) => {
        const type = types[index]!;
        if (side && type !== 'vector' && type !== 'scalar')
          at(side.from, `${TYPE_WORDS[type]} in a binary operation, where an instant vector or a scalar is needed${type === 'matrix' ? ' (wrap it in rate(), avg_over_time(), …)' : ''}`);
      });
      return types.includes('vector') ? 'vector' : 'scalar';
    }
    case 'AggregateExpr': {
      const args = expressionsIn(node.getChild('FunctionCallBody'));
      const operand = args.at(-1);
      args.slice(0, -1).forEach((arg) => typeOf(arg, query, at));
      if (operand) {
        const type = typeOf(operand, query, at);
        const op = query.slice(node.from, node.getChild('AggregateOp')?.to ?? node.from);
        if (type !== 'vector') at(operand.from, `${op}() needs an instant vector, not ${TYPE_WORDS[type]}${type === 'matrix' ? ` (did you mean ${op}(rate(…)) or ${op}_over_time(…)?)` : ''}`);
      }
      return 'vector';
    }
    case 'FunctionCall': {
      const name = query.slice(node.from, node.getChild('FunctionIdentifier')?.to ?? node.from);
      const args = expressionsIn(node.getChild('FunctionCallBody'));
      const signature = SIGNATURES[name];
      if (!signature) {
        for (const arg of args) typeOf(arg, query, at);
        return 'vector';
      }
      checkArguments(name, signature[0], args, node, query, at);
      return signature[1];
    }
    default:
      return 'vector';
  }
}

function checkArguments(name: string, spec: string, args: SyntaxNode[], call: SyntaxNode, query: string, at: (offset: number, message: string) => void): void {
  const params = spec.split(' ').filter((param) => param !== '');
  const required = params.filter((param) => !param.endsWith('?') && !param.endsWith('*')).length;
  const repeatable = params.some((param) => param.endsWith('*'));
  if (args.length < required || (!repeatable && args.length > params.length)) {
    const expected = repeatable ? `at least ${required}` : required === params.length ? String(required) : `${required} to ${params.length}`;
    at(call.from, `${name}() takes ${expected} argument${expected === '1' ? '' : 's'}, not ${args.length}`);
    for (const arg of args) typeOf(arg, query, at);
    return;
  }
  args.forEach((arg, index) => {
    const param = params[Math.min(index, params.length - 1)]!;
    const want = ARG_TYPES[param[0]!]!;
    const type = typeOf(arg, query, at);
    if (type === want || (want === 'scalar' && type === 'scalar')) return;
    const hint = want === 'matrix' && type === 'vector' ? ` (add a range such as [5m])` : want === 'vector' && type === 'matrix' ? ` (a range such as [5m] belongs in rate() or *_over_time())` : '';
    at(arg.from, `${name}() needs ${TYPE_WORDS[want]} as argument ${index + 1}, not ${TYPE_WORDS[type]}${hint}`);
  });
}
