/**
 * Every fault type and the function that makes its stage from its settings (toxiproxy's
 * `toxics.Register`). Adding a fault: a file beside this one, a schema in fault-schema.ts, a line here
 * (docs/ADDING_A_FAULT.md). The record's type makes a missing line a compile error.
 */
import { bandwidthStage } from './bandwidth.js';
import { downStage } from './down.js';
import { errorsStage } from './errors.js';
import type { Stage } from './fault.js';
import type { FaultOf, FaultSpec, FaultType } from './fault-schema.js';
import { hangStage } from './hang.js';
import { latencyStage } from './latency.js';
import { resetStage } from './reset.js';

const REGISTRY: { [T in FaultType]: (spec: FaultOf<T>) => Stage } = {
  latency: latencyStage,
  bandwidth: bandwidthStage,
  errors: errorsStage,
  hang: hangStage,
  reset: resetStage,
  down: downStage,
};

/** The bare stage of a fault (no toxicity, no expiry: the chain adds those wrappers). */
export function stageOf(spec: FaultSpec): Stage {
  return (REGISTRY[spec.type] as (s: FaultSpec) => Stage)(spec);
}
