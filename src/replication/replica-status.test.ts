import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type NodeListing, replicaRows } from './replica-status.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('replicaRows', () => {
  it('classifies every copy against the newest version', () => {
    const listings: NodeListing[] = [
      { node: 'n1', files: [{ name: 'x.mp4', sha256: A, version: 9, size: 3 }] },
      { node: 'n2', files: [{ name: 'x.mp4', sha256: A, version: 7, size: 3 }] },
      { node: 'n3', files: [{ name: 'x.mp4', sha256: B, version: 9, size: 3 }] },
      { node: 'n4', files: [] },
      { node: 'n5', files: null },
      { node: 'n6', files: [{ name: 'x.mp4', sha256: null, version: 9, size: 3 }] },
    ];
    const [row] = replicaRows(listings);
    assert.deepEqual(
      row?.cells.map((c) => c.state),
      ['ok', 'stale', 'corrupt', 'missing', 'unknown', 'ok'],
    );
    assert.equal(row?.healthy, false);
    assert.deepEqual(row?.newest, { version: 9, sha256: A, deleted: false, size: 3 });
  });

  it('treats a newer tombstone as the truth and drops rows nobody lists any more', () => {
    const rows = replicaRows([
      { node: 'n1', files: [{ name: 'x.mp4', deleted: true, version: 9 }] },
      { node: 'n2', files: [{ name: 'x.mp4', sha256: A, version: 7 }] },
      { node: 'n3', files: [] },
      { node: 'n4', files: [{ name: 'gone.mp4', deleted: true, version: 3 }] },
    ]);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      rows[0]?.cells.map((c) => c.state),
      ['deleted', 'stale', 'deleted', 'deleted'],
    );
  });

  it('marks an older tombstone as missing when the file came back newer', () => {
    const [row] = replicaRows([
      { node: 'n1', files: [{ name: 'x.mp4', sha256: A, version: 9 }] },
      { node: 'n2', files: [{ name: 'x.mp4', deleted: true, version: 7 }] },
    ]);
    assert.deepEqual(
      row?.cells.map((c) => c.state),
      ['ok', 'missing'],
    );
  });

  it('is healthy when every copy is the newest', () => {
    const [row] = replicaRows([
      { node: 'n1', files: [{ name: 'x.mp4', sha256: A, version: 9 }] },
      { node: 'n2', files: [{ name: 'x.mp4', sha256: A, version: 9 }] },
    ]);
    assert.equal(row?.healthy, true);
  });

  it('shows a copy its node quarantined as corrupt, with the SHA-256 its bytes had', () => {
    const [row] = replicaRows([
      { node: 'n1', files: [{ name: 'x.mp4', sha256: A, version: 9, size: 3 }] },
      { node: 'n2', files: [{ name: 'x.mp4', corrupt: true, sha256: A, actualSha256: B, version: 9 }] },
      { node: 'n3', files: [{ name: 'x.mp4', corrupt: true, sha256: A, actualSha256: B, version: 7 }] },
    ]);
    assert.deepEqual(
      row?.cells.map((c) => [c.state, c.sha256]),
      [
        ['ok', A],
        ['corrupt', B],
        ['stale', B],
      ],
    );
    assert.deepEqual(row?.newest, { version: 9, sha256: A, deleted: false, size: 3 });
    assert.equal(row?.healthy, false);
  });

  it('keeps a row for a file whose only copy was found corrupt', () => {
    const rows = replicaRows([
      { node: 'n1', files: [{ name: 'x.mp4', corrupt: true, sha256: A, actualSha256: B, version: 9 }] },
      { node: 'n2', files: [] },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.name, r.cells.map((c) => c.state)]),
      [['x.mp4', ['corrupt', 'missing']]],
    );
  });
});
