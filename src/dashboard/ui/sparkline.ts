/**
 * The points of a node card's round-trip sparkline: one SVG polyline per run of answered samples, so
 * that a node that did not answer leaves a gap instead of a line drawn to zero.
 */

export interface Sparkline {
  /** `points` attributes, one per unbroken run of samples (a single sample is a run of one). */
  segments: string[];
  /** The value drawn at the top edge. */
  max: number;
}

/**
 * `slots` samples fill the width, newest at the right edge, so the line scrolls left as samples come.
 * The scale's top is the largest value (at least `minMax`, so 3 ms of noise is not a mountain).
 */
export function sparkline(
  values: ReadonlyArray<number | null>,
  opts: { width: number; height: number; slots: number; minMax?: number },
): Sparkline {
  const { width, height } = opts;
  const slots = Math.max(2, opts.slots);
  const recent = values.slice(-slots);
  let max = opts.minMax ?? 1;
  for (const v of recent) if (v !== null && v > max) max = v;
  const step = width / (slots - 1);
  const offset = slots - recent.length;
  const segments: string[] = [];
  let run: string[] = [];
  recent.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) segments.push(run.join(' '));
      run = [];
      return;
    }
    const x = (offset + i) * step;
    const y = height - (Math.max(0, v) / max) * height;
    run.push(`${round(x)},${round(y)}`);
  });
  if (run.length > 0) segments.push(run.join(' '));
  return { segments, max };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
