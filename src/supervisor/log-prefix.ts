/**
 * How `dsm cluster` shows its children's output: every line behind the node's name and a bar, the name
 * in its own colour, so that interleaved logs of several processes stay readable.
 *
 * | prefixLine('node1  GET / 200', { name: 'node1', width: 7 })       | `node1   │ GET / 200`          |
 * | prefixLine('dsm: port 8001 is …', { name: 'node1', width: 5 })    | `node1 │ dsm: port 8001 is …`  |
 * | prefixLine('x', { name: 'node2', width: 5, colour: 35 })          | `\x1b[35mnode2\x1b[0m │ x`    |
 *
 * The child's own `node1  ` prefix (see shared/logger.ts) is dropped: the bar already names it.
 */
export interface PrefixStyle {
  name: string;
  /** Width the name is padded to: the longest name of the cluster, so that the bars line up. */
  width: number;
  /** ANSI foreground colour code; none when colours are off (not a terminal, NO_COLOR). */
  colour?: number | undefined;
}

/** Distinct, readable foreground colours on dark and light terminals: cyan, magenta, yellow, green, blue… */
export const PALETTE: readonly number[] = [36, 35, 33, 32, 34, 96, 95, 93, 92, 94];

export function colourFor(index: number): number {
  return PALETTE[index % PALETTE.length] ?? 36;
}

export function prefixLine(line: string, style: PrefixStyle): string {
  const own = `${style.name}  `;
  const text = line.startsWith(own) ? line.slice(own.length) : line;
  const padded = style.name.padEnd(style.width);
  const label =
    style.colour === undefined
      ? padded
      : `\x1b[${style.colour}m${style.name}\x1b[0m${padded.slice(style.name.length)}`;
  return `${label} │ ${text}`;
}
