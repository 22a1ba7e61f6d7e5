/**
 * What a node does after comparing its manifest with one peer's: pure, one decision per name the peer
 * lists. A node only ever changes itself (it pulls, it never pushes): the peer makes the mirror-image
 * decision in its own round, so two nodes converge without either writing to the other.
 *
 * | this node holds                 | the peer lists                  | action                        |
 * |---------------------------------|---------------------------------|-------------------------------|
 * | nothing                         | file v5                         | pull v5                       |
 * | file v3                         | file v5                         | pull v5                       |
 * | file v5 sha ab…                 | file v5 sha ab…                 | —                             |
 * | file v5 sha ab…                 | file v5 sha cd…                 | conflict (reported, no action)|
 * | file v7                         | file v5                         | — (the peer pulls from us)    |
 * | tombstone v3                    | file v5                         | pull v5 (written after the delete) |
 * | tombstone v5                    | file v3                         | — (the delete wins)           |
 * | quarantined v5 (corrupt copy)   | file v5 or newer                | pull it                       |
 * | quarantined v5                  | file v3                         | — (older than what we had)    |
 * | file v3                         | tombstone v5                    | delete at v5                  |
 * | tombstone v3 / quarantined v3   | tombstone v5                    | delete at v5 (newer tombstone)|
 * | nothing                         | tombstone v5                    | — (nothing to delete; see tombstone-purge.ts) |
 * | anything, v5 being written here | file v5 or older                | — (a PUT or pull is under way)|
 *
 * Equal versions of a file and a tombstone cannot come from two different writes (a version is one
 * write's time plus a random tie-break), so they need no rule. A same-version conflict can only come
 * from two writes in the same millisecond drawing the same tie-break, or from files dropped in by hand
 * with the same modification time: it is logged, and left for a person (or a newer write) to settle.
 */
import type { ManifestEntry } from '../shared/manifest-digest.js';

export type LocalState =
  | { kind: 'file'; version: number; sha256: string }
  | { kind: 'tombstone'; version: number }
  | { kind: 'quarantined'; version: number }
  | { kind: 'none' };

export type SyncAction =
  | { kind: 'pull'; name: string; version: number; sha256: string; size: number }
  | { kind: 'delete'; name: string; version: number }
  | { kind: 'conflict'; name: string; version: number; localSha256: string; peerSha256: string };

export interface PlanInput {
  /** The peer's entries (`GET /_dsm/manifest`). */
  peer: readonly ManifestEntry[];
  /** What this node holds for a name. */
  local: (name: string) => LocalState;
  /** The newest version of a name being written on this node right now, if any. */
  writing: (name: string) => number | undefined;
}

export function decide(
  local: LocalState,
  peer: ManifestEntry,
  writing: number | undefined,
): SyncAction | null {
  if (writing !== undefined && writing >= peer.version) return null;
  if (peer.deleted) {
    if (local.kind === 'none') return null;
    return peer.version > local.version ? { kind: 'delete', name: peer.name, version: peer.version } : null;
  }
  const pull = {
    kind: 'pull' as const,
    name: peer.name,
    version: peer.version,
    sha256: peer.sha256,
    size: peer.size,
  };
  switch (local.kind) {
    case 'none':
      return pull;
    case 'quarantined':
      return peer.version >= local.version ? pull : null;
    case 'tombstone':
      return peer.version > local.version ? pull : null;
    case 'file':
      if (peer.version > local.version) return pull;
      if (peer.version === local.version && peer.sha256 !== local.sha256) {
        return {
          kind: 'conflict',
          name: peer.name,
          version: peer.version,
          localSha256: local.sha256,
          peerSha256: peer.sha256,
        };
      }
      return null;
  }
}

/** Every action for one peer's manifest: deletes first (cheap), then pulls, smallest files first. */
export function planSync(input: PlanInput): SyncAction[] {
  const out: SyncAction[] = [];
  for (const entry of input.peer) {
    const action = decide(input.local(entry.name), entry, input.writing(entry.name));
    if (action) out.push(action);
  }
  const rank = (a: SyncAction) => (a.kind === 'delete' ? 0 : a.kind === 'conflict' ? 1 : 2);
  return out.sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r !== 0) return r;
    return a.kind === 'pull' && b.kind === 'pull' ? a.size - b.size : 0;
  });
}
