/**
 * The `errors` fault: a share of requests (`errorRate`) is answered with `status` (503 or 500) instead
 * of its real answer, with the catalog's error body (DSM_FAULT_UNAVAILABLE / DSM_FAULT_ERROR).
 * With `toxicity` below 1 as well, a request fails with probability toxicity × errorRate.
 *
 * | errorRate, status, rng() | decision     |
 * |--------------------------|--------------|
 * | 1, 503, any              | respond 503  |
 * | 0.5, 500, 0.2            | respond 500  |
 * | 0.5, 503, 0.7            | continue     |
 * | 0, 503, any              | continue     |
 */
import type { Rng } from '../shared/random.js';
import { CONTINUE, type Decision, type Stage } from './fault.js';
import type { FaultOf } from './fault-schema.js';

export function errorsDecision(spec: Pick<FaultOf<'errors'>, 'errorRate' | 'status'>, rng: Rng): Decision {
  if (spec.errorRate >= 1 || (spec.errorRate > 0 && rng() < spec.errorRate)) {
    return { kind: 'respond', status: spec.status };
  }
  return CONTINUE;
}

export function errorsStage(spec: FaultOf<'errors'>): Stage {
  const respond: Decision = { kind: 'respond', status: spec.status };
  return {
    type: 'errors',
    beforeResponse: (rng) => (spec.errorRate >= 1 ? respond : errorsDecision(spec, rng)),
  };
}
