import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellText, replicaMatrix } from './replica-matrix.js';

const AB = `ab12cd34${'0'.repeat(56)}`;
const CD = `cd34ef56${'0'.repeat(56)}`;

describe('replicaMatrix', () => {
  it('has one row per file, sorted, with one cell per node', () => {
    const rows = replicaMatrix([
      { node: 'node1', files: [{ name: 'b.mp4', sha256: AB, version: 2, size: 9 }, { name: 'a.txt' }] },
      { node: 'node2', files: [{ name: 'b.mp4', sha256: AB, version: 2, size: 9 }] },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.file, r.cells.map((c) => c.kind), r.agreement]),
      [
        ['a.txt', ['present', 'absent'], 'partial'],
        ['b.mp4', ['present', 'present'], 'same'],
      ],
    );
  });

  it('says when two copies differ', () => {
    const [row] = replicaMatrix([
      { node: 'node1', files: [{ name: 'a.mp4', sha256: AB }] },
      { node: 'node2', files: [{ name: 'a.mp4', sha256: CD }] },
    ]);
    assert.equal(row?.agreement, 'differs');
  });

  it('marks the cells of a node that could not be asked as unknown, without calling the row partial', () => {
    const [row] = replicaMatrix([
      { node: 'node1', files: [{ name: 'a.mp4', sha256: AB }] },
      { node: 'node2', files: null },
    ]);
    assert.deepEqual(
      row?.cells.map((c) => c.kind),
      ['present', 'unknown'],
    );
    assert.equal(row?.agreement, 'same');
  });

  it('shows tombstones as deleted', () => {
    const [row] = replicaMatrix([
      { node: 'node1', files: [{ name: 'a.mp4', sha256: AB, version: 2 }] },
      { node: 'node2', files: [{ name: 'a.mp4', deleted: true, version: 3 }] },
    ]);
    assert.deepEqual(row?.cells[1], { kind: 'deleted', version: 3 });
    assert.equal(row?.agreement, 'partial');
  });
});

describe('cellText', () => {
  it('shows presence, short sha and version', () => {
    assert.equal(cellText({ kind: 'present', sha256: AB, version: 3, size: 1 }), '✓ ab12cd34 v3');
  });
  it("shows '-' for a missing version and … for a sha not computed yet", () => {
    assert.equal(cellText({ kind: 'present', sha256: null, version: null, size: 1 }), '✓ … -');
  });
  it('shows deleted, absent and unknown cells', () => {
    assert.equal(cellText({ kind: 'deleted', version: 4 }), '✗ v4');
    assert.equal(cellText({ kind: 'absent' }), '·');
    assert.equal(cellText({ kind: 'unknown' }), '?');
  });
});
