/**
 * Numbers as the page shows them. KB is 1000 bytes, as in the faults' `bandwidthKBps`, so that a
 * 300 KB/s fault shows as about 300 KB/s here.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 0 B, 950 B, 1.2 KB, 3.9 MB, 12 MB: one decimal below 10, none above. */
export function formatBytes(n: number): string {
  let v = Math.max(0, n);
  let unit = 0;
  while (v >= 1000 && unit < UNITS.length - 1) {
    v /= 1000;
    unit++;
  }
  const digits = unit === 0 || v >= 10 ? 0 : 1;
  return `${v.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerS: number): string {
  return `${formatBytes(bytesPerS)}/s`;
}

/** A round trip: "153 ms", "–" when the node did not answer. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '–' : `${Math.round(ms)} ms`;
}

/** Wall-clock time of a record, HH:MM:SS in the given time zone offset (minutes, as getTimezoneOffset). */
export function formatClock(atMs: number, offsetMinutes = 0): string {
  const d = new Date(atMs - offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** The newest round trip: null when the node did not answer the last probe (an old figure would lie). */
export function latestRtt(rttMs: ReadonlyArray<number | null>): number | null {
  return rttMs.at(-1) ?? null;
}

/**
 * A file version as the CLI shows it: the time it was written. Versions are ms since the epoch times
 * 1024 plus a random tie-break (src/shared/version.ts, server code the page does not import).
 */
export function formatVersion(version: number, offsetMinutes = 0): string {
  return `v${formatClock(Math.floor(version / 1024), offsetMinutes)}`;
}
