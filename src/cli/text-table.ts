/**
 * Plain padded columns for terminal output: no borders, no dependency, two spaces between columns,
 * a dashed rule under the header, trailing spaces trimmed.
 *
 *   textTable(['node', 'median'], [['node1', '51 ms'], ['node22', '-']], new Set([1]))
 *
 *   node    median
 *   ------  ------
 *   node1    51 ms
 *   node22       -
 */
export function textTable(
  header: string[],
  rows: string[][],
  rightAligned: ReadonlySet<number> = new Set(),
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
