/**
 * Since-the-rollback windows (issue 10): a check's `rate(errors[5m])` measured one minute
 * after a rollback still averages four minutes of the broken system. The query actually sent
 * has every range selector and subquery range shortened to the time since the last step
 * finished — never below `minMs` (four scrape intervals: enough samples for a rate), never
 * above the note's own range. Pure, and done on the parse tree, so `[5m]` inside a string or
 * a label value is never touched.
 *
 * What keeps its meaning: a range under `offset` or `@` looks at a moment the note chose on
 * purpose (`rate(x[5m] offset 1d)`, a comparison with yesterday), so it is sent as written. A
 * subquery splits the time between its own range and the ranges inside it, so that its
 * earliest inner evaluation still starts after the rollback.
 */

import type { SyntaxNode } from '@lezer/common';
import { parseDurationOption } from './duration.js';
import { childrenOf, parsePromql } from './promql.js';

export interface WindowOptions {
  /** Time since the last step finished. */
  elapsedMs: number;
  /** The shortest window sent (four scrape intervals). */
  minMs: number;
}

export interface RewrittenRange {
  /** As the note wrote it, e.g. `5m`. */
  note: string;
  /** As sent, e.g. `42s`; equal to `note` when kept. */
  sent: string;
}

export interface WindowedQuery {
  /** The query sent to Prometheus. */
  query: string;
  /** False when the query was sent as written (no range, ranges kept, or it does not parse). */
  changed: boolean;
  ranges: RewrittenRange[];
}

interface Edit {
  from: number;
  to: number;
  text: string;
}

/** The query with its ranges shortened to the time since the rollback. */
export function sinceRollbackQuery(query: string, options: WindowOptions): WindowedQuery {
  const parsed = parsePromql(query);
  const root = parsed.tree.topNode.firstChild;
  if (parsed.problems.length > 0 || !root) return { query, changed: false, ranges: [] };
  const edits: Edit[] = [];
  const ranges: RewrittenRange[] = [];
  const minMs = Math.max(1000, Math.ceil(options.minMs / 1000) * 1000);
  const budget = Math.max(minMs, Math.floor(options.elapsedMs / 1000) * 1000);
  rewrite(root, budget);
  let sent = query;
  for (const edit of [...edits].sort((a, b) => b.from - a.from)) sent = sent.slice(0, edit.from) + edit.text + sent.slice(edit.to);
  return { query: sent, changed: edits.length > 0, ranges };

  /** Rewrites the ranges under `node` to fit `budgetMs`; returns how far back they reach. */
  function rewrite(node: SyntaxNode, budgetMs: number): number {
    switch (node.name) {
      // Anchored on purpose: sent as written.
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return 0;
      case 'MatrixSelector':
        return shorten(node.getChild('DurationExpr'), budgetMs);
      case 'SubqueryExpr': {
        const inner = node.firstChild?.name === 'DurationExpr' ? undefined : node.firstChild;
        const [rangeNode, stepNode] = node.getChildren('DurationExpr');
        const innerReach = inner ? rewrite(inner, hasRanges(inner) ? budgetMs / 2 : budgetMs) : 0;
        const before = edits.length;
        const reach = shorten(rangeNode ?? null, Math.max(minMs, budgetMs - innerReach));
        // A shortened subquery gets a step that still gives it a few points.
        if (edits.length > before && rangeNode) {
          const stepMs = stepNode ? parseDurationOption(text(stepNode)) : undefined;
          const wanted = Math.max(1000, Math.floor(reach / 4000) * 1000);
          if (stepNode && stepMs !== undefined && stepMs > wanted) edits.push({ from: stepNode.from, to: stepNode.to, text: formatDuration(wanted) });
          else if (!stepNode) {
            const colon = query.indexOf(':', rangeNode.to);
            if (colon !== -1) edits.push({ from: colon + 1, to: colon + 1, text: formatDuration(wanted) });
          }
        }
        return reach + innerReach;
      }
      default: {
        let reach = 0;
        for (const child of childrenOf(node)) reach = Math.max(reach, rewrite(child, budgetMs));
        return reach;
      }
    }
  }

  function hasRanges(node: SyntaxNode): boolean {
    if (node.name === 'OffsetExpr' || node.name === 'StepInvariantExpr') return false;
    if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') return true;
    return childrenOf(node).some(hasRanges);
  }

  /** Shortens one range to `budgetMs` (within `minMs` and the note's range); returns the range sent. */
  function shorten(duration: SyntaxNode | null, budgetMs: number): number {
    if (!duration) return 0;
    const written = text(duration);
    const noteMs = parseDurationOption(written);
    // A duration expression (`[5m + 1m]`, `[step()]`) is sent as written.
    if (noteMs === undefined) return 0;
    const sentMs = Math.min(noteMs, Math.max(minMs, Math.floor(budgetMs / 1000) * 1000));
    if (sentMs >= noteMs) {
      ranges.push({ note: written, sent: written });
      return noteMs;
    }
    const sent = formatDuration(sentMs);
    edits.push({ from: duration.from, to: duration.to, text: sent });
    ranges.push({ note: written, sent });
    return sentMs;
  }

  function text(node: SyntaxNode): string {
    return query.slice(node.from, node.to);
  }
}

/** Whole seconds in Prometheus' spelling: `42s`, `4m`. */
function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/** `5m → 42s` for each shortened range, for the plan and the report. */
export function describeWindows(windowed: WindowedQuery): string {
  const changed = windowed.ranges.filter((range) => range.note !== range.sent);
  return [...new Set(changed.map((range) => `[${range.note}] → [${range.sent}]`))].join(', ');
}
