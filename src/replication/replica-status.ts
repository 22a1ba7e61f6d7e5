/**
 * The replica matrix: for each file and node, whether the node's copy is the newest one.
 * Pure: built from each node's `GET /_dsm/files` listing (null for a node that did not answer).
 *
 * The newest version of a file is the highest version any node lists for it, stored or deleted.
 *
 * | node's entry vs the newest (v9, sha ab…)   | state     |
 * |--------------------------------------------|-----------|
 * | v9 sha ab…                                 | ok        |
 * | v9 sha null (still hashing)                | ok        |
 * | v9 sha cd…  (same version, other bytes)    | corrupt   |
 * | quarantined v9 (the node found it corrupt) | corrupt   |
 * | v7                                         | stale     |
 * | nothing                                    | missing   |
 * | tombstone v9 (newest is the delete)        | deleted   |
 * | tombstone v7, newest is a v9 file          | missing   |
 * | v7 file, newest is a v9 tombstone          | stale     |
 * | node did not answer                        | unknown   |
 *
 * A file whose newest entry is a tombstone is `deleted` everywhere it is gone, and a row appears
 * only while some node still lists it.
 */

import type { ListedEntry } from '../client/list-node-files.js';

export interface NodeListing {
  node: string;
  files: readonly ListedEntry[] | null;
}

export type CellState = 'ok' | 'stale' | 'missing' | 'corrupt' | 'deleted' | 'unknown';

export interface ReplicaCell {
  node: string;
  state: CellState;
  version: number | null;
  sha256: string | null;
}

export interface ReplicaRow {
  name: string;
  newest: { version: number; sha256: string | null; deleted: boolean; size: number | null };
  cells: ReplicaCell[];
  /** Every known copy is the newest one (or every node agrees it is deleted). */
  healthy: boolean;
}

export function replicaRows(listings: readonly NodeListing[]): ReplicaRow[] {
  const newest = new Map<string, ReplicaRow['newest']>();
  for (const l of listings) {
    for (const f of l.files ?? []) {
      // A quarantined copy names the version it should be, not bytes anyone holds: it only counts
      // when no node lists anything else for the name (below).
      if (f.corrupt) continue;
      const v = f.version ?? 0;
      const cur = newest.get(f.name);
      // Higher version wins; at equal versions a known hash beats an unknown one.
      if (!cur || v > cur.version || (v === cur.version && cur.sha256 === null && f.sha256)) {
        newest.set(f.name, {
          version: v,
          sha256: f.deleted ? null : (f.sha256 ?? null),
          deleted: Boolean(f.deleted),
          size: f.size ?? null,
        });
      }
    }
  }
  for (const l of listings) {
    for (const f of l.files ?? []) {
      if (f.corrupt && !newest.has(f.name)) {
        newest.set(f.name, { version: f.version ?? 0, sha256: f.sha256 ?? null, deleted: false, size: null });
      }
    }
  }
  const rows: ReplicaRow[] = [];
  for (const name of [...newest.keys()].sort()) {
    const n = newest.get(name) as ReplicaRow['newest'];
    const cells = listings.map((l): ReplicaCell => {
      if (l.files === null) return { node: l.node, state: 'unknown', version: null, sha256: null };
      const f = l.files.find((x) => x.name === name);
      const version = f?.version ?? null;
      const sha256 = f?.corrupt ? (f.actualSha256 ?? null) : f && !f.deleted ? (f.sha256 ?? null) : null;
      let state: CellState;
      if (!f) state = n.deleted ? 'deleted' : 'missing';
      else if (f.corrupt) state = (f.version ?? 0) < n.version ? 'stale' : 'corrupt';
      else if (f.deleted) state = n.deleted ? 'deleted' : 'missing';
      else if ((f.version ?? 0) < n.version) state = 'stale';
      else if (n.sha256 && f.sha256 && f.sha256 !== n.sha256) state = 'corrupt';
      else state = 'ok';
      return { node: l.node, state, version, sha256 };
    });
    const stillListed = listings.some((l) => l.files?.some((f) => f.name === name && !f.deleted));
    if (n.deleted && !stillListed) continue;
    rows.push({
      name,
      newest: n,
      cells,
      healthy: cells.every((c) => c.state === 'ok' || c.state === 'deleted'),
    });
  }
  return rows;
}
