/**
 * `forSeconds`: a fault that removes itself (toxiproxy's users have asked for that since 2016). The
 * wrapper makes the stage a no-op from its expiry on, by the node's clock (a fake one in tests); the
 * chain also drops the fault from its list at that moment and wakes whatever waits on it, so that a
 * `hang` releases its requests and `GET /_dsm/faults` stops listing it.
 *
 * | addedAtMs, forSeconds | expiresAtMs |
 * |-----------------------|-------------|
 * | 1000, undefined       | Infinity    |
 * | 1000, 30              | 31000       |
 * | 1000, 0.5             | 1500        |
 *
 * | nowMs, expiresAtMs | remainingSeconds      |
 * |--------------------|-----------------------|
 * | 0, Infinity        | undefined (no expiry) |
 * | 1000, 31000        | 30                    |
 * | 30990, 31000       | 0.1 (rounded up)      |
 * | 40000, 31000       | 0                     |
 */
import type { Clock } from '../shared/random.js';
import { type BodyHook, CONTINUE, SEND_ALL, type Stage } from './fault.js';

export function expiresAtMs(addedAtMs: number, forSeconds: number | undefined): number {
  return forSeconds === undefined ? Number.POSITIVE_INFINITY : addedAtMs + forSeconds * 1000;
}

export function remainingSeconds(nowMs: number, expiresAt: number): number | undefined {
  if (expiresAt === Number.POSITIVE_INFINITY) return undefined;
  return Math.max(0, Math.ceil((expiresAt - nowMs) / 100) / 10);
}

export function isExpired(nowMs: number, expiresAt: number): boolean {
  return nowMs >= expiresAt;
}

export function withExpiry(stage: Stage, expiresAt: number, clock: Clock): Stage {
  if (expiresAt === Number.POSITIVE_INFINITY) return stage;
  const wrapped: { -readonly [K in keyof Stage]: Stage[K] } = { type: stage.type };
  if (stage.beforeResponse) {
    wrapped.beforeResponse = (rng) =>
      isExpired(clock.now(), expiresAt) ? CONTINUE : (stage.beforeResponse?.(rng) ?? CONTINUE);
  }
  const inner = stage.body;
  if (inner) {
    const body: BodyHook<unknown> = {
      start: (rng, p) => inner.start(rng, p),
      step: (s, p) => (isExpired(p.nowMs, expiresAt) ? SEND_ALL : inner.step(s, p)),
    };
    wrapped.body = body;
  }
  return wrapped;
}
