/**
 * The `latency` fault: holds the first byte of every response for `latencyMs ± jitterMs`.
 * It waits on a timer, never on the event loop, so a slow node still answers many requests at once:
 * 200 concurrent requests to a 300 ms node all answer in about 300 ms.
 *
 * | latencyMs, jitterMs, rng() | delay |
 * |----------------------------|-------|
 * | 50, 0, any                 | 50    |
 * | 50, 10, 0                  | 40    |
 * | 50, 10, 0.5                | 50    |
 * | 50, 10, 0.999…             | 60    |
 * | 5, 10, 0                   | 0     |   (never negative)
 */
import type { Rng } from '../shared/random.js';

export interface LatencySettings {
  latencyMs: number;
  jitterMs: number;
}

export function latencyDelayMs(s: LatencySettings, rng: Rng): number {
  if (s.jitterMs === 0) return s.latencyMs;
  const d = s.latencyMs + (rng() * 2 - 1) * s.jitterMs;
  return Math.max(0, Math.round(d));
}

/** Resolves after `ms`, or at once when `signal` aborts (a client that went away). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
