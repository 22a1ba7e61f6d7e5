/**
 * When a node may forget a tombstone. A tombstone exists so that an older copy, on a node that missed
 * the delete, cannot come back; once no node can hold such a copy it is only weight. The rule:
 *
 *   purge (name, v) when every peer in nodes.json answered a round that began after this node got the
 *   tombstone, and in that answer the peer
 *     - had the same manifest digest as this node (so it holds the same tombstone), or
 *     - listed a tombstone for the name at v or newer, or
 *     - listed nothing for the name and had nothing pending (no unhashed file, no write under way),
 *       so it holds no copy that could bring the file back.
 *
 * A peer that does not answer (down, or a period of partition) blocks every purge: a node that was
 * down during a delete is exactly the one that may still hold the old copy. A peer listed in nodes.json
 * that never comes back keeps tombstones forever, which is the safe side (they are a few bytes each).
 * "Nothing listed" must count as seen, or the last two nodes would each wait for the other's tombstone
 * after the first one purged its own. Nodes do not adopt a tombstone for a name they never held (see
 * sync-plan.ts), so a purged tombstone is not fetched back from a peer that still has it.
 *
 * | peers' latest answers (all after the tombstone)          | purge a.mp4 v5? |
 * |----------------------------------------------------------|-----------------|
 * | node2 same digest, node3 tombstone v5                    | yes             |
 * | node2 tombstone v7, node3 nothing, nothing pending       | yes             |
 * | node2 tombstone v5, node3 no answer                      | no              |
 * | node2 tombstone v5, node3 file v3                        | no (node3 will delete it first) |
 * | node2 tombstone v5, node3 file v9                        | no (a newer write replaces the tombstone anyway) |
 * | node2 tombstone v5, node3 nothing, 1 file pending        | no              |
 * | node2 tombstone v5, node3 answered before the tombstone  | no              |
 * | no peers (a standalone node)                             | no              |
 */
import type { ManifestEntry } from '../shared/manifest-digest.js';

export type PeerView =
  /** No answer to the peer's latest round (or no round yet). */
  | { kind: 'unknown' }
  /** Its manifest digest equalled ours, at `atWallMs`. */
  | { kind: 'same'; atWallMs: number }
  | { kind: 'manifest'; atWallMs: number; entries: ReadonlyMap<string, ManifestEntry>; pending: number };

export interface LocalTombstone {
  name: string;
  version: number;
  /** Wall-clock time this node recorded the tombstone. */
  sinceWallMs: number;
}

function seen(t: LocalTombstone, view: PeerView): boolean {
  if (view.kind === 'unknown' || view.atWallMs <= t.sinceWallMs) return false;
  if (view.kind === 'same') return true;
  const e = view.entries.get(t.name);
  if (e === undefined) return view.pending === 0;
  return e.deleted === true && e.version >= t.version;
}

export function purgeable(
  tombstones: readonly LocalTombstone[],
  peers: readonly PeerView[],
): LocalTombstone[] {
  if (peers.length === 0) return [];
  return tombstones.filter((t) => peers.every((p) => seen(t, p)));
}
