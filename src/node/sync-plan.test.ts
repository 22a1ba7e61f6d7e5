import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestEntry } from '../shared/manifest-digest.js';
import { decide, type LocalState, planSync } from './sync-plan.js';

const AB = 'ab'.repeat(32);
const CD = 'cd'.repeat(32);
const file = (version: number, sha256 = AB): ManifestEntry => ({ name: 'a.mp4', version, sha256, size: 10 });
const tomb = (version: number): ManifestEntry => ({ name: 'a.mp4', version, deleted: true });
const pull = (version: number) => ({ kind: 'pull', name: 'a.mp4', version, sha256: AB, size: 10 });
const del = (version: number) => ({ kind: 'delete', name: 'a.mp4', version });

describe('decide (the table in sync-plan.ts)', () => {
  const rows: Array<[string, LocalState, ManifestEntry, unknown]> = [
    ['nothing | file v5', { kind: 'none' }, file(5), pull(5)],
    ['file v3 | file v5', { kind: 'file', version: 3, sha256: CD }, file(5), pull(5)],
    ['file v5 | same file v5', { kind: 'file', version: 5, sha256: AB }, file(5), null],
    [
      'file v5 | other bytes at v5',
      { kind: 'file', version: 5, sha256: CD },
      file(5),
      { kind: 'conflict', name: 'a.mp4', version: 5, localSha256: CD, peerSha256: AB },
    ],
    ['file v7 | file v5', { kind: 'file', version: 7, sha256: CD }, file(5), null],
    ['tombstone v3 | file v5', { kind: 'tombstone', version: 3 }, file(5), pull(5)],
    ['tombstone v5 | file v3', { kind: 'tombstone', version: 5 }, file(3), null],
    ['quarantined v5 | file v5', { kind: 'quarantined', version: 5 }, file(5), pull(5)],
    ['quarantined v5 | file v6', { kind: 'quarantined', version: 5 }, file(6), pull(6)],
    ['quarantined v5 | file v3', { kind: 'quarantined', version: 5 }, file(3), null],
    ['file v3 | tombstone v5', { kind: 'file', version: 3, sha256: AB }, tomb(5), del(5)],
    ['tombstone v3 | tombstone v5', { kind: 'tombstone', version: 3 }, tomb(5), del(5)],
    ['quarantined v3 | tombstone v5', { kind: 'quarantined', version: 3 }, tomb(5), del(5)],
    ['file v7 | tombstone v5', { kind: 'file', version: 7, sha256: AB }, tomb(5), null],
    ['nothing | tombstone v5', { kind: 'none' }, tomb(5), null],
  ];
  for (const [title, local, peer, expected] of rows) {
    it(title, () => assert.deepEqual(decide(local, peer, undefined), expected));
  }

  it('does nothing while the same or a newer version is being written here', () => {
    assert.equal(decide({ kind: 'none' }, file(5), 5), null);
    assert.equal(decide({ kind: 'none' }, file(5), 6), null);
    assert.deepEqual(decide({ kind: 'none' }, file(5), 4), pull(5));
  });
});

describe('planSync', () => {
  it('lists deletes first, then conflicts, then pulls from the smallest file up', () => {
    const local = new Map<string, LocalState>([
      ['old.bin', { kind: 'file', version: 1, sha256: AB }],
      ['same.bin', { kind: 'file', version: 4, sha256: AB }],
    ]);
    const actions = planSync({
      peer: [
        { name: 'big.bin', version: 2, sha256: AB, size: 1000 },
        { name: 'small.bin', version: 2, sha256: AB, size: 1 },
        { name: 'same.bin', version: 4, sha256: CD, size: 1 },
        { name: 'old.bin', version: 3, deleted: true },
        { name: 'never.bin', version: 3, deleted: true },
      ],
      local: (n) => local.get(n) ?? { kind: 'none' },
      writing: () => undefined,
    });
    assert.deepEqual(
      actions.map((a) => `${a.kind} ${a.name}`),
      ['delete old.bin', 'conflict same.bin', 'pull small.bin', 'pull big.bin'],
    );
  });
});
