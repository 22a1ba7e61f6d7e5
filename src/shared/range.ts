/**
 * Parsing of the `Range` request header (RFC 9110 §14.1–14.2) into a decision the server acts on.
 *
 * | header (size 10)        | result                                             |
 * |-------------------------|----------------------------------------------------|
 * | (absent)                | { kind: 'none' }                                   |
 * | `bytes=0-4`             | ranges [{start 0, end 4}]                          |
 * | `bytes=5-`              | ranges [{start 5, end 9}]                          |
 * | `bytes=-3`              | ranges [{start 7, end 9}]   (suffix)               |
 * | `bytes=-50`             | ranges [{start 0, end 9}]   (suffix longer: whole) |
 * | `bytes=8-100`           | ranges [{start 8, end 9}]   (end clamped)          |
 * | `bytes=10-`             | { kind: 'unsatisfiable' }  (→ 416)                 |
 * | `bytes=-0`              | { kind: 'unsatisfiable' }                          |
 * | `bytes=0-1,4-5`         | ranges [{0,1},{4,5}]        (→ multipart)          |
 * | `bytes=0-1,10-12`       | ranges [{0,1}]              (unsatisfiable dropped)|
 * | `bytes=5-2`, `bytes=x`  | { kind: 'ignored', reason: 'malformed' } (→ 200)   |
 * | `items=0-1`             | { kind: 'ignored', reason: 'unit' }                |
 * | 33 ranges               | { kind: 'ignored', reason: 'too-many' }            |
 * | `bytes=0-5,3-8`         | { kind: 'ignored', reason: 'overlap' }             |
 *
 * Unlike the npm `range-parser`, a suffix longer than the representation selects the whole of it
 * (RFC 9110 §14.1.3: "If the selected representation is shorter than the specified suffix-length,
 * the entire representation is used"), and results are a typed union rather than magic -1/-2.
 *
 * Sets that are too many, overlapping, or larger in total than the file are refused as a defence
 * against the 2011 "Apache Killer" (CVE-2011-3192), which asked for thousands of overlapping ranges
 * to make the server build a huge multipart body; RFC 9110 §14.2 allows ignoring such a header.
 */

/** An inclusive byte range, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeDecision =
  | { kind: 'none' }
  | { kind: 'ranges'; ranges: ByteRange[] }
  | { kind: 'unsatisfiable' }
  | { kind: 'ignored'; reason: 'malformed' | 'unit' | 'too-many' | 'overlap' | 'oversized' };

const INT = /^\d+$/;
/** `bytes=A-B` or `bytes=A-`: what players and download tools send, decided in one match. */
const SINGLE = /^bytes=(\d+)-(\d*)$/;

export function parseRange(header: string | undefined, size: number, maxRanges: number): RangeDecision {
  if (header === undefined) return { kind: 'none' };
  const single = SINGLE.exec(header);
  if (single !== null && maxRanges >= 1) {
    // The same rules as the general path below, for one first-pos range (it showed in profiles).
    const start = Number(single[1]);
    const end = single[2] === '' ? Number.POSITIVE_INFINITY : Number(single[2]);
    if (end < start) return { kind: 'ignored', reason: 'malformed' };
    if (start >= size) return { kind: 'unsatisfiable' };
    return { kind: 'ranges', ranges: [{ start, end: Math.min(end, size - 1) }] };
  }
  const eq = header.indexOf('=');
  if (eq < 0) return { kind: 'ignored', reason: 'malformed' };
  // Range unit names are case-insensitive (RFC 9110 §14.1).
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'ignored', reason: 'unit' };

  // range-set = 1#range-spec; the list syntax allows empty elements and OWS (RFC 9110 §5.6.1).
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0) return { kind: 'ignored', reason: 'malformed' };
  if (specs.length > maxRanges) return { kind: 'ignored', reason: 'too-many' };

  const satisfiable: ByteRange[] = [];
  for (const spec of specs) {
    const dash = spec.indexOf('-');
    if (dash < 0) return { kind: 'ignored', reason: 'malformed' };
    const first = spec.slice(0, dash);
    const last = spec.slice(dash + 1);
    if (first === '') {
      // suffix-range: the last N bytes.
      if (!INT.test(last)) return { kind: 'ignored', reason: 'malformed' };
      const n = Number(last);
      if (n === 0 || size === 0) continue;
      satisfiable.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    if (!INT.test(first) || (last !== '' && !INT.test(last))) return { kind: 'ignored', reason: 'malformed' };
    const start = Number(first);
    const end = last === '' ? Number.POSITIVE_INFINITY : Number(last);
    // "A range-spec is invalid if the last-pos value is present and less than the first-pos" (§14.1.1),
    // and an invalid range-spec makes the whole header invalid, hence ignored.
    if (end < start) return { kind: 'ignored', reason: 'malformed' };
    if (start >= size) continue; // unsatisfiable on its own; others in the set may still be served
    satisfiable.push({ start, end: Math.min(end, size - 1) });
  }
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  if (satisfiable.length === 1) return { kind: 'ranges', ranges: satisfiable };

  const sorted = [...satisfiable].sort((a, b) => a.start - b.start);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i] as ByteRange;
    total += r.end - r.start + 1;
    if (i > 0 && r.start <= (sorted[i - 1] as ByteRange).end) return { kind: 'ignored', reason: 'overlap' };
  }
  if (total > size) return { kind: 'ignored', reason: 'oversized' };
  return { kind: 'ranges', ranges: satisfiable };
}

/** `Content-Range` value for a range of a representation of `size` bytes (RFC 9110 §14.4). */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
