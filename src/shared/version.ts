/**
 * Versions order the writes of a file across nodes: a number that only grows, time-based with a
 * random tie-break in the low bits, so that two writers a millisecond apart still differ and the
 * later one wins (last writer wins). 10 bits of tie-break keep it an exact JavaScript integer
 * until the year 2248 (2^53 / 1024 ms).
 *
 * | input                                  | output                 |
 * |----------------------------------------|------------------------|
 * | newVersion(1700000000000, () => 0)     | 1740800000000000       |
 * | newVersion(1700000000000, () => 0.999) | 1740800000001022       |
 * | versionFromMtime(1700000000000.7)      | 1740800000000000       |
 * | parseVersion('1740800000000000')       | 1740800000000000       |
 * | parseVersion('-1'), ('1e3'), ('')      | undefined              |
 */
import type { Rng } from './random.js';

const TIE_BREAK = 1024;

export function newVersion(wallMs: number, rng: Rng): number {
  return Math.floor(wallMs) * TIE_BREAK + Math.floor(rng() * TIE_BREAK);
}

/** A version for a file that was put into the folder by hand: its modification time. */
export function versionFromMtime(mtimeMs: number): number {
  return Math.floor(mtimeMs) * TIE_BREAK;
}

export function parseVersion(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The wall-clock time a version was made at, for display. */
export function versionTime(version: number): Date {
  return new Date(Math.floor(version / TIE_BREAK));
}
