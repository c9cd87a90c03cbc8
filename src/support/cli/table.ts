// Plain-text output for a terminal. Text from banks may hold escape sequences that would repaint or
// hijack the agent's terminal, so every cell goes through `plain` first.

/** The text with control characters (ANSI escapes, newlines, bells) shown as "?" instead of acted on. */
export function plain(text: string | null | undefined): string {
  return (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** Columns padded to the widest cell; the last column is not padded, so lines carry no trailing blanks. */
export function formatTable(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows].map((row) => row.map(plain));
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  return cells.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n');
}
