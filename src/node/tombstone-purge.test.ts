import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestEntry } from '../shared/manifest-digest.js';
import { type LocalTombstone, type PeerView, purgeable } from './tombstone-purge.js';

const T: LocalTombstone = { name: 'a.mp4', version: 5, sinceWallMs: 1000 };
const SHA = 'ab'.repeat(32);

function listing(entries: ManifestEntry[], pending = 0, atWallMs = 2000): PeerView {
  return { kind: 'manifest', atWallMs, entries: new Map(entries.map((e) => [e.name, e])), pending };
}
const same: PeerView = { kind: 'same', atWallMs: 2000 };
const tomb = (version: number): ManifestEntry => ({ name: 'a.mp4', version, deleted: true });
const file = (version: number): ManifestEntry => ({ name: 'a.mp4', version, sha256: SHA, size: 1 });

describe('purgeable (the table in tombstone-purge.ts)', () => {
  const rows: Array<[string, PeerView[], boolean]> = [
    ['node2 same digest, node3 tombstone v5', [same, listing([tomb(5)])], true],
    ['node2 tombstone v7, node3 nothing, nothing pending', [listing([tomb(7)]), listing([])], true],
    ['node2 tombstone v5, node3 no answer', [listing([tomb(5)]), { kind: 'unknown' }], false],
    ['node2 tombstone v5, node3 file v3', [listing([tomb(5)]), listing([file(3)])], false],
    ['node2 tombstone v5, node3 file v9', [listing([tomb(5)]), listing([file(9)])], false],
    ['node2 tombstone v5, node3 nothing, 1 file pending', [listing([tomb(5)]), listing([], 1)], false],
    ['node2 tombstone v3 (older)', [listing([tomb(3)])], false],
    [
      'node2 tombstone v5, node3 answered before the tombstone',
      [listing([tomb(5)]), listing([], 0, 900)],
      false,
    ],
    ['node2 same digest, but before the tombstone', [{ kind: 'same', atWallMs: 1000 }], false],
    ['no peers (a standalone node)', [], false],
  ];
  for (const [title, peers, expected] of rows) {
    it(`${title} → ${expected ? 'purge' : 'keep'}`, () => {
      assert.deepEqual(purgeable([T], peers), expected ? [T] : []);
    });
  }

  it('decides each tombstone on its own', () => {
    const other: LocalTombstone = { name: 'b.mp4', version: 5, sinceWallMs: 1000 };
    const peers = [listing([tomb(5), { name: 'b.mp4', version: 2, sha256: SHA, size: 1 }])];
    assert.deepEqual(purgeable([T, other], peers), [T]);
  });
});
