import { escapeText } from './escape-text.js';

/** Plain text columns, padded to the widest cell, for listings read in a terminal or a log. */
export function formatTable(header: string[], rawRows: string[][]): string {
  // Cells come from notes and journals: control characters escaped.
  const rows = rawRows.map((row) => row.map(escapeText));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
