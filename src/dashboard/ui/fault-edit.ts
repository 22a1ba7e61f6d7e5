/**
 * Edits of one node's fault list. The node replaces its whole list on PUT, so the page sends the list
 * it shows with one fault changed, and the other faults stay as they are.
 */
import type { Fault, ListedFault } from '../protocol.js';

export type FaultType = Fault['type'];

/**
 * A listed fault as it may be sent back: `remainingSeconds` is not part of the PUT schema, and a fault
 * that was to end in 20 s should still end then, not 20 s after an unrelated change.
 */
export function toSpec(f: ListedFault): Fault {
  const { remainingSeconds, ...spec } = f;
  if (remainingSeconds !== undefined && spec.forSeconds !== undefined) {
    return { ...spec, forSeconds: Math.max(1, Math.ceil(remainingSeconds)) };
  }
  return spec;
}

/** The list with `fault` in place of the one of its type (or appended). */
export function withFault(list: ReadonlyArray<ListedFault> | null, fault: Fault): Fault[] {
  const current = (list ?? []).map(toSpec);
  const i = current.findIndex((f) => f.type === fault.type);
  if (i < 0) return [...current, fault];
  return current.map((f, j) => (j === i ? fault : f));
}

/** The list without the fault of `type`. */
export function withoutFault(list: ReadonlyArray<ListedFault> | null, type: FaultType): Fault[] {
  return (list ?? []).filter((f) => f.type !== type).map(toSpec);
}

export function findFault<T extends FaultType>(
  list: ReadonlyArray<ListedFault> | null,
  type: T,
): Extract<ListedFault, { type: T }> | undefined {
  return (list ?? []).find((f): f is Extract<ListedFault, { type: T }> => f.type === type);
}
