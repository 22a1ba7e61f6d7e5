/**
 * The replica matrix of `dsm status`: which node holds which file, with which content and version,
 * from each node's `GET /_dsm/files` listing.
 *
 * | node1 lists            | node2 lists            | row of a.mp4                                  |
 * |------------------------|------------------------|-----------------------------------------------|
 * | a.mp4 sha ab… v2       | a.mp4 sha ab… v2       | present, present · same                       |
 * | a.mp4 sha ab… v2       | (nothing)              | present, absent · partial                     |
 * | a.mp4 sha ab… v2       | a.mp4 sha cd… v1       | present, present · differs                    |
 * | a.mp4 sha ab… v2       | (node down: no list)   | present, unknown · same (as far as is known)  |
 * | a.mp4 sha ab… v2       | a.mp4 deleted v3       | present, deleted · partial                    |
 *
 * The listing is read loosely: `version` may be missing (older nodes) and `sha256` is null until the
 * node has hashed the file.
 */

export interface ListedFile {
  name: string;
  size?: number;
  sha256?: string | null;
  version?: number | null;
  /** A tombstone: the file was deleted at this version. */
  deleted?: boolean;
}

export interface NodeListing {
  node: string;
  /** null when the node could not be asked (down, or did not answer). */
  files: readonly ListedFile[] | null;
}

export type ReplicaCell =
  | { kind: 'present'; sha256: string | null; version: number | null; size: number | null }
  | { kind: 'deleted'; version: number | null }
  | { kind: 'absent' }
  | { kind: 'unknown' };

export interface ReplicaRow {
  file: string;
  /** One cell per listing, in the listings' order. */
  cells: ReplicaCell[];
  /** same: every known copy alike; partial: some node lacks it; differs: two copies have other content. */
  agreement: 'same' | 'partial' | 'differs';
}

export function replicaMatrix(listings: readonly NodeListing[]): ReplicaRow[] {
  const names = new Set<string>();
  for (const l of listings) for (const f of l.files ?? []) names.add(f.name);
  return [...names].sort().map((file) => {
    const cells = listings.map((l): ReplicaCell => {
      if (l.files === null) return { kind: 'unknown' };
      const f = l.files.find((x) => x.name === file);
      if (!f) return { kind: 'absent' };
      if (f.deleted) return { kind: 'deleted', version: f.version ?? null };
      return { kind: 'present', sha256: f.sha256 ?? null, version: f.version ?? null, size: f.size ?? null };
    });
    return { file, cells, agreement: agreementOf(cells) };
  });
}

function agreementOf(cells: readonly ReplicaCell[]): ReplicaRow['agreement'] {
  const shas = new Set<string>();
  for (const c of cells) if (c.kind === 'present' && c.sha256) shas.add(c.sha256);
  if (shas.size > 1) return 'differs';
  const present = cells.some((c) => c.kind === 'present');
  const missing = cells.some((c) => c.kind === 'absent' || c.kind === 'deleted');
  return present && missing ? 'partial' : 'same';
}

/**
 * | cell                                                | text           |
 * |-----------------------------------------------------|----------------|
 * | present, sha ab12cd34ef…, version 3                 | `✓ ab12cd34 v3` |
 * | present, sha not known yet, no version              | `✓ … -`        |
 * | deleted at version 4                                | `✗ v4`         |
 * | absent                                              | `·`            |
 * | unknown (node down)                                 | `?`            |
 */
export function cellText(cell: ReplicaCell): string {
  const v = (version: number | null) => (version === null ? '-' : `v${version}`);
  switch (cell.kind) {
    case 'present':
      return `✓ ${cell.sha256 ? cell.sha256.slice(0, 8) : '…'} ${v(cell.version)}`;
    case 'deleted':
      return `✗ ${v(cell.version)}`;
    case 'absent':
      return '·';
    case 'unknown':
      return '?';
  }
}
