/**
 * Seeded randomness, so that a demo (jitter, fault probabilities) can be replayed exactly with `--seed`.
 * mulberry32: tiny, fast, and good enough for simulation (not for secrets).
 */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock passed in so that tests and simulations can control time. */
export interface Clock {
  /** Milliseconds, monotonic, for durations. */
  now(): number;
  /** Milliseconds since the epoch, for timestamps. */
  wallMs(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallMs: () => Date.now(),
};
