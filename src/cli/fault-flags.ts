/**
 * `dsm fault`'s flags → the node's new list of faults (then PUT whole). Pure.
 *
 * - The flags of a type set that fault, replacing the node's fault of the same type; settings left
 *   out come from the node's current fault of that type, else the defaults (so `--jitter-ms 20`
 *   keeps the latency, and `--error-status 500` keeps the rate).
 * - `--toxicity` and `--for-seconds` apply to the faults this command sets, not to the others.
 * - `--clear` removes every fault first (or only the types listed); the node's other faults stay, and a
 *   cleared type the node is configured with (its nodes.json latency) goes back to that setting.
 * - The list comes out in the chain's order: down, latency, hang, errors, bandwidth, reset.
 *
 * | node has              | flags                              | new list                              |
 * |-----------------------|------------------------------------|---------------------------------------|
 * | (none)                | --latency-ms 500 --bandwidth-kbps 300 | latency 500 ± 0, bandwidth 300     |
 * | latency 100 ± 20      | --latency-ms 500                   | latency 500 ± 20                      |
 * | latency 100           | --hang --for-seconds 5             | latency 100, hang (5 s)               |
 * | errors 0.3 → 503      | --error-status 500                 | errors 0.3 → 500                      |
 * | latency, hang         | --clear                            | (none)                                |
 * | latency, hang         | --clear hang --down                | down, latency                         |
 * | latency 500, config 50| --clear                            | latency 50 (as nodes.json says)       |
 */
import { FAULT_TYPES, type FaultInput, type FaultSpec, type FaultType } from '../faults/fault-schema.js';

export interface FaultFlags {
  latencyMs?: number;
  jitterMs?: number;
  bandwidthKbps?: number;
  errorRate?: number;
  errorStatus?: 500 | 503;
  hang?: boolean;
  resetAfterBytes?: number;
  down?: boolean;
  toxicity?: number;
  forSeconds?: number;
  /** `--clear` alone: true; `--clear a,b`: those types. */
  clear?: true | FaultType[];
}

/** The order `dsm fault` writes (and the chain diagram shows): what refuses first, what paces last. */
export const CHAIN_ORDER: readonly FaultType[] = ['down', 'latency', 'hang', 'errors', 'bandwidth', 'reset'];

/** The faults the flags set, without toxicity/forSeconds; `current` fills in settings left out. */
export function faultsFromFlags(flags: FaultFlags, current: readonly FaultSpec[]): FaultInput[] {
  const now = <T extends FaultType>(type: T) =>
    current.find((f): f is Extract<FaultSpec, { type: T }> => f.type === type);
  const out: FaultInput[] = [];
  if (flags.down) out.push({ type: 'down' });
  if (flags.latencyMs !== undefined || flags.jitterMs !== undefined) {
    out.push({
      type: 'latency',
      latencyMs: flags.latencyMs ?? now('latency')?.latencyMs ?? 0,
      jitterMs: flags.jitterMs ?? now('latency')?.jitterMs ?? 0,
    });
  }
  if (flags.hang) out.push({ type: 'hang' });
  if (flags.errorRate !== undefined || flags.errorStatus !== undefined) {
    out.push({
      type: 'errors',
      errorRate: flags.errorRate ?? now('errors')?.errorRate ?? 1,
      status: flags.errorStatus ?? now('errors')?.status ?? 503,
    });
  }
  if (flags.bandwidthKbps !== undefined) out.push({ type: 'bandwidth', bandwidthKBps: flags.bandwidthKbps });
  if (flags.resetAfterBytes !== undefined)
    out.push({ type: 'reset', resetAfterBytes: flags.resetAfterBytes });
  return out.map((f) => ({
    ...f,
    ...(flags.toxicity !== undefined ? { toxicity: flags.toxicity } : {}),
    ...(flags.forSeconds !== undefined ? { forSeconds: flags.forSeconds } : {}),
  }));
}

/** The node's list after this command. Kept faults are sent back unchanged, so their timers go on. */
export function nextFaults(
  flags: FaultFlags,
  current: readonly FaultSpec[],
  /** What the node starts with (its nodes.json latency): a cleared type goes back to it, not to none. */
  configured: readonly FaultInput[] = [],
): FaultInput[] {
  const given = faultsFromFlags(flags, current);
  const cleared = (t: FaultType) =>
    flags.clear === true || (Array.isArray(flags.clear) && flags.clear.includes(t));
  const kept: FaultInput[] = current.filter((f) => !cleared(f.type) && !given.some((g) => g.type === f.type));
  const restored = configured.filter(
    (f) => cleared(f.type) && !given.some((g) => g.type === f.type) && !kept.some((k) => k.type === f.type),
  );
  return [...kept, ...restored, ...given].sort(
    (a, b) => CHAIN_ORDER.indexOf(a.type) - CHAIN_ORDER.indexOf(b.type),
  );
}

/** `--clear` with a value: the types, comma-separated. */
export function parseClearTypes(value: string): FaultType[] | undefined {
  const types = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (
    types.length === 0 ||
    !types.every((t): t is FaultType => (FAULT_TYPES as readonly string[]).includes(t))
  )
    return undefined;
  return types as FaultType[];
}

export function setsAnyFault(flags: FaultFlags): boolean {
  return faultsFromFlags(flags, []).length > 0;
}
