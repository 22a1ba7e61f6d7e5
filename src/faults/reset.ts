/**
 * The `reset` fault: the connection is closed after `resetAfterBytes` bytes of response body, as when
 * a node dies in the middle of a video. The client gets the headers (with the full Content-Length),
 * exactly that many bytes, then the end of the connection: a body error on its side. A response that is
 * already past the mark when the fault arrives is cut at once.
 *
 * | resetAfterBytes, sentBytes | step        |
 * |----------------------------|-------------|
 * | 1000, 0                    | send 1000   |
 * | 1000, 600                  | send 400    |
 * | 1000, 1000                 | cut         |
 * | 1000, 5000                 | cut         |
 * | 0, 0                       | cut         |
 */
import type { BodyHook, BodyProgress, BodyStep, Stage } from './fault.js';
import type { FaultOf } from './fault-schema.js';

export function resetStep(resetAfterBytes: number, p: BodyProgress): BodyStep {
  const left = resetAfterBytes - p.sentBytes;
  return left > 0 ? { kind: 'send', maxBytes: left } : { kind: 'cut' };
}

export function resetStage(spec: FaultOf<'reset'>): Stage {
  const body: BodyHook<undefined> = {
    start: () => undefined,
    step: (_state, p) => resetStep(spec.resetAfterBytes, p),
  };
  return { type: 'reset', body };
}
