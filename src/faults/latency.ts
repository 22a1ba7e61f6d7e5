/**
 * The `latency` fault: holds the first byte of every response for `latencyMs ± jitterMs`.
 * It only decides the delay; the chain waits on a timer, never on the event loop, so a slow node still
 * answers many requests at once: 200 concurrent requests to a 300 ms node all answer in about 300 ms.
 * `dsm node --latency-ms/--jitter-ms` start a node with this fault.
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
import { CONTINUE, type Decision, type Stage } from './fault.js';
import type { FaultOf } from './fault-schema.js';

export interface LatencySettings {
  latencyMs: number;
  jitterMs: number;
}

/**
 * The faults a node starts with, from its settings (`--latency-ms`, `--jitter-ms`, nodes.json): what
 * `dsm node` runs at start and what `dsm fault --clear` goes back to.
 *
 * | latencyMs, jitterMs | faults                                   |
 * |---------------------|------------------------------------------|
 * | 0, 0                | (none)                                   |
 * | 50, 0               | latency 50 ± 0                           |
 * | 0, 10               | latency 0 ± 10                           |
 */
export function configuredFaults(s: LatencySettings): FaultOf<'latency'>[] {
  return s.latencyMs || s.jitterMs
    ? [{ type: 'latency', latencyMs: s.latencyMs, jitterMs: s.jitterMs, toxicity: 1 }]
    : [];
}

export function latencyDelayMs(s: LatencySettings, rng: Rng): number {
  if (s.jitterMs === 0) return s.latencyMs;
  const d = s.latencyMs + (rng() * 2 - 1) * s.jitterMs;
  return Math.max(0, Math.round(d));
}

export function latencyStage(spec: FaultOf<'latency'>): Stage {
  return {
    type: 'latency',
    beforeResponse(rng): Decision {
      const ms = latencyDelayMs(spec, rng);
      return ms > 0 ? { kind: 'delay', ms } : CONTINUE;
    },
  };
}
