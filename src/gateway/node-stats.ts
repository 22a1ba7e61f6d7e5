/**
 * What the gateway has learnt about one node: an EWMA of its time to first byte, its failures in a row,
 * and whether it is ejected (Envoy's outlier detection, simplified). Pure: every change is a new value.
 *
 * - A success (headers arrived) folds its TTFB into the EWMA (α = `alpha`) and clears the failures in a
 *   row. After a re-admission, each success also forgets one past ejection, so the next one is short again.
 * - A failure (refused, reset, 5xx, stall) adds one; the `consecutiveFailures`-th in a row ejects the node
 *   for `baseEjectionMs × (ejections so far + 1)`, at most `maxEjectionMs` (Envoy's base_ejection_time
 *   grows the same way).
 * - An ejected node is re-admitted when its time is up, or at once when an active probe succeeds (Envoy's
 *   `successful_active_health_check_uneject_host`): a restarted node is used again within one probe.
 *
 * Examples (alpha 0.5, 3 failures, base 1000 ms, max 4000 ms):
 *
 * | before                                   | event               | after                                     |
 * |------------------------------------------|---------------------|-------------------------------------------|
 * | never measured                           | success 100 ms      | ewma 100                                  |
 * | ewma 100                                 | success 200 ms      | ewma 150                                  |
 * | failures 1                               | success 50 ms       | failures 0                                |
 * | failures 2, ejections 0                  | failure at t=10     | ejected until 1010, ejections 1           |
 * | failures 2, ejections 1                  | failure at t=10     | ejected until 2010, ejections 2           |
 * | failures 2, ejections 9                  | failure at t=10     | ejected until 4010 (max)                  |
 * | ejected until 1010                       | probe-ok at t=500   | re-admitted, failures 0                   |
 * | ejected until 1010                       | probe-failed        | still ejected until 1010                  |
 * | ejections 2, not ejected                 | success             | ejections 1                               |
 */

export interface NodeStats {
  /** EWMA of the time to first byte, ms; undefined until the first success. */
  ewmaTtfbMs: number | undefined;
  consecutiveFailures: number;
  /** Ejections not yet forgiven; the next ejection lasts (this + 1) × base. */
  ejections: number;
  /** `clock.now()` at which an ejected node comes back; undefined when not ejected. */
  ejectedUntilMs: number | undefined;
}

export interface OutlierPolicy {
  alpha: number;
  consecutiveFailures: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
}

export type StatsEvent =
  | { kind: 'success'; ttfbMs: number; nowMs: number }
  | { kind: 'failure'; nowMs: number }
  | { kind: 'probe-ok'; nowMs: number }
  | { kind: 'probe-failed'; nowMs: number };

export const NEW_NODE: NodeStats = {
  ewmaTtfbMs: undefined,
  consecutiveFailures: 0,
  ejections: 0,
  ejectedUntilMs: undefined,
};

export function isEjected(s: NodeStats, nowMs: number): boolean {
  return s.ejectedUntilMs !== undefined && nowMs < s.ejectedUntilMs;
}

export function updateStats(s: NodeStats, e: StatsEvent, p: OutlierPolicy): NodeStats {
  const ejected = isEjected(s, e.nowMs);
  // An ejection whose time is up is over.
  const base: NodeStats = ejected ? s : { ...s, ejectedUntilMs: undefined };
  switch (e.kind) {
    case 'success':
      return {
        ...base,
        ewmaTtfbMs: s.ewmaTtfbMs === undefined ? e.ttfbMs : p.alpha * e.ttfbMs + (1 - p.alpha) * s.ewmaTtfbMs,
        consecutiveFailures: 0,
        ejections: ejected ? s.ejections : Math.max(0, s.ejections - 1),
      };
    case 'probe-ok':
      return { ...base, consecutiveFailures: 0, ejectedUntilMs: undefined };
    case 'probe-failed':
    case 'failure': {
      if (ejected) return s;
      const failures = s.consecutiveFailures + 1;
      if (failures < p.consecutiveFailures) return { ...base, consecutiveFailures: failures };
      const ms = Math.min(p.maxEjectionMs, p.baseEjectionMs * (s.ejections + 1));
      return { ...base, consecutiveFailures: 0, ejections: s.ejections + 1, ejectedUntilMs: e.nowMs + ms };
    }
  }
}
