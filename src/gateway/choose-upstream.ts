/**
 * The order in which the gateway tries nodes for one request. Pure.
 *
 * 1. Only nodes that hold the newest version of the file (version-map.ts decides which) are tried.
 * 2. Nodes that are not ejected come first, by EWMA of time to first byte; a node never measured ranks
 *    after every measured one (as Garage's `request_order`), then by name, so that the order is stable.
 * 3. Ejected holders come last, in the same order: when every holder is ejected, trying one beats
 *    answering 503 (Envoy's panic threshold makes the same bet).
 *
 * | nodes (holds, ewma, ejected)                                  | order             |
 * |---------------------------------------------------------------|-------------------|
 * | a ✓ 50; b ✓ 20; c ✓ 90                                        | b, a, c           |
 * | a ✓ 50; b ✗ 20                                                | a                 |
 * | a ✓ never; b ✓ 200                                            | b, a              |
 * | a ✓ never; b ✓ never                                          | a, b (name)       |
 * | a ✓ 10 ejected; b ✓ 300                                       | b, a              |
 * | a ✓ 10 ejected; b ✗                                           | a                 |
 */
import { isEjected, type NodeStats } from './node-stats.js';

export interface UpstreamCandidate {
  name: string;
  holds: boolean;
  stats: NodeStats;
}

function byTtfb(a: UpstreamCandidate, b: UpstreamCandidate): number {
  const ma = a.stats.ewmaTtfbMs ?? Number.POSITIVE_INFINITY;
  const mb = b.stats.ewmaTtfbMs ?? Number.POSITIVE_INFINITY;
  if (ma !== mb) return ma < mb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function chooseUpstreams(candidates: readonly UpstreamCandidate[], nowMs: number): string[] {
  const holders = candidates.filter((c) => c.holds);
  const healthy = holders.filter((c) => !isEjected(c.stats, nowMs)).sort(byTtfb);
  const ejected = holders.filter((c) => isEjected(c.stats, nowMs)).sort(byTtfb);
  return [...healthy, ...ejected].map((c) => c.name);
}
