/**
 * `toxicity`: the probability that a fault applies, on a wrapper with a no-op fallback, as toxiproxy's
 * `ToxicStub.Run` (`rand < toxicity ? toxic.Pipe(…) : NoopToxic.Pipe(…)`). The roll uses the node's
 * seeded rng (`dsm node --seed`), so a demo replays exactly. It is made once per request for
 * `beforeResponse`, and once per response body for `body` (in `start`), never per piece: a response is
 * either throttled or not.
 *
 * | toxicity, rng() | the fault applies                         |
 * |-----------------|-------------------------------------------|
 * | 1, (not drawn)  | yes: the stage is returned unwrapped      |
 * | 0.5, 0.2        | yes                                       |
 * | 0.5, 0.7        | no: continue / send everything            |
 * | 0, (not drawn)  | no                                        |
 */
import type { Rng } from '../shared/random.js';
import { type BodyHook, CONTINUE, SEND_ALL, type Stage } from './fault.js';

export function applies(toxicity: number, rng: Rng): boolean {
  if (toxicity >= 1) return true;
  if (toxicity <= 0) return false;
  return rng() < toxicity;
}

export function withToxicity(stage: Stage, toxicity: number): Stage {
  if (toxicity >= 1) return stage;
  const wrapped: { -readonly [K in keyof Stage]: Stage[K] } = { type: stage.type };
  if (stage.beforeResponse) {
    wrapped.beforeResponse = (rng) =>
      applies(toxicity, rng) ? (stage.beforeResponse?.(rng) ?? CONTINUE) : CONTINUE;
  }
  const inner = stage.body;
  if (inner) {
    const body: BodyHook<{ state: unknown } | undefined> = {
      start: (rng, p) => (applies(toxicity, rng) ? { state: inner.start(rng, p) } : undefined),
      step: (s, p) => (s === undefined ? SEND_ALL : inner.step(s.state, p)),
    };
    wrapped.body = body;
  }
  return wrapped;
}
