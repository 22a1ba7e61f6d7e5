/**
 * The `bandwidth` fault: caps each response body at `bandwidthKBps` (1 KB = 1000 bytes, so the rate is
 * also bytes per ms). As toxiproxy's bandwidth toxic, the body goes out in slices of 100 ms worth of
 * bytes, so a video visibly buffers instead of stalling for seconds and then bursting.
 *
 * Pacing counts from the moment the stage first saw the response (`start`): by then `sentBytes` went
 * out; after that, at most `rate × elapsed` more, plus one slice. A client that reads slower than the
 * rate does not bank the idle time: ahead of the budget by more than a slice, the pace starts again.
 * A changed rate is a new stage, so a running stream paces from the change on at the new rate.
 *
 * | rate (KB/s), since start: sent, elapsed ms | step                                         |
 * |--------------------------------------------|----------------------------------------------|
 * | 500, 0 B, 0                                | send 50000 (one slice: 100 ms worth)         |
 * | 500, 50000 B, 0                            | wait 100                                     |
 * | 500, 50000 B, 60                           | wait 40                                      |
 * | 500, 50000 B, 100                          | send 50000                                   |
 * | 500, 0 B, 1000                             | send 50000, pace restarted (idle not banked) |
 * | 0.001, 0 B, 0                              | send 1 (never less than a byte)              |
 */
import type { BodyHook, BodyProgress, BodyStep, Stage } from './fault.js';
import type { FaultOf } from './fault-schema.js';

/** Slices are this long at the capped rate. */
export const SLICE_MS = 100;

export interface PaceState {
  startMs: number;
  startBytes: number;
}

export function paceStep(rateKBps: number, state: PaceState, p: BodyProgress): BodyStep {
  const slice = Math.max(1, Math.floor(rateKBps * SLICE_MS));
  const aheadBytes = p.sentBytes - state.startBytes - rateKBps * (p.nowMs - state.startMs);
  if (aheadBytes > 0) return { kind: 'wait', ms: Math.ceil(aheadBytes / rateKBps) };
  if (aheadBytes < -slice) {
    state.startMs = p.nowMs;
    state.startBytes = p.sentBytes;
  }
  return { kind: 'send', maxBytes: slice };
}

export function bandwidthStage(spec: FaultOf<'bandwidth'>): Stage {
  const body: BodyHook<PaceState> = {
    start: (_rng, p) => ({ startMs: p.nowMs, startBytes: p.sentBytes }),
    step: (state, p) => paceStep(spec.bandwidthKBps, state, p),
  };
  return { type: 'bandwidth', body };
}
