import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isStorable, type ManifestEntry, manifestDigest, parseManifest } from './manifest-digest.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('manifestDigest', () => {
  it('of nothing is the SHA-256 of the empty string', () => {
    assert.equal(manifestDigest([]), createHash('sha256').update('').digest('hex'));
  });

  it('hashes one JSON line per entry', () => {
    const line = `${JSON.stringify(['a.mp4', 5, A, false])}\n`;
    assert.equal(
      manifestDigest([{ name: 'a.mp4', version: 5, sha256: A, size: 3 }]),
      createHash('sha256').update(line).digest('hex'),
    );
  });

  it('does not depend on the order of the entries', () => {
    const x: ManifestEntry = { name: 'b', version: 1, sha256: B, size: 1 };
    const y: ManifestEntry = { name: 'a', version: 5, sha256: A, size: 1 };
    assert.equal(manifestDigest([x, y]), manifestDigest([y, x]));
  });

  it('changes with the version, the bytes, or a delete; not with the size', () => {
    const base = manifestDigest([{ name: 'a', version: 5, sha256: A, size: 1 }]);
    assert.notEqual(manifestDigest([{ name: 'a', version: 6, sha256: A, size: 1 }]), base);
    assert.notEqual(manifestDigest([{ name: 'a', version: 5, sha256: B, size: 1 }]), base);
    assert.notEqual(manifestDigest([{ name: 'a', version: 5, deleted: true }]), base);
    assert.equal(manifestDigest([{ name: 'a', version: 5, sha256: A, size: 99 }]), base);
  });

  it('keeps names with quotes or newlines apart from other entries', () => {
    const tricky = manifestDigest([{ name: 'a",5,"x\nb', version: 1, sha256: A, size: 1 }]);
    const plain = manifestDigest([
      { name: 'a', version: 5, sha256: A, size: 1 },
      { name: 'b', version: 1, sha256: A, size: 1 },
    ]);
    assert.notEqual(tricky, plain);
  });
});

describe('parseManifest', () => {
  it('reads files and tombstones', () => {
    const m = parseManifest({
      node: 'node2',
      digest: 'd',
      pending: 1,
      entries: [
        { name: 'films/a.mp4', version: 7, sha256: A, size: 10 },
        { name: 'gone.bin', version: 9, deleted: true },
      ],
    });
    assert.deepEqual(m, {
      node: 'node2',
      digest: 'd',
      pending: 1,
      dropped: 0,
      entries: [
        { name: 'films/a.mp4', version: 7, sha256: A, size: 10 },
        { name: 'gone.bin', version: 9, deleted: true },
      ],
    });
  });

  it('drops entries a node must never act on: paths out of the root, hidden or reserved names, bad hashes', () => {
    const m = parseManifest({
      node: 'evil',
      digest: 'd',
      entries: [
        { name: '../etc/passwd', version: 1, sha256: A, size: 1 },
        { name: '/abs', version: 1, sha256: A, size: 1 },
        { name: '.dsm/manifest.json', version: 1, sha256: A, size: 1 },
        { name: '_dsm/files', version: 1, sha256: A, size: 1 },
        { name: 'ok.bin', version: 1, sha256: 'XYZ', size: 1 },
        { name: 'ok.bin', version: 0, sha256: A, size: 1 },
        { name: 'ok.bin', version: 1.5, deleted: true },
        { name: 'ok.bin', version: 1, sha256: A, size: -1 },
        { name: 'ok.bin', version: 2, sha256: A, size: 1 },
        { name: 'ok.bin', version: 3, sha256: A, size: 1 },
      ],
    });
    assert.deepEqual(m?.entries, [{ name: 'ok.bin', version: 2, sha256: A, size: 1 }]);
    assert.equal(m?.dropped, 9);
  });

  it('refuses what is not a manifest', () => {
    assert.equal(parseManifest(null), undefined);
    assert.equal(parseManifest([]), undefined);
    assert.equal(parseManifest({ node: 'x', digest: 'd' }), undefined);
  });
});

describe('isStorable', () => {
  for (const [name, ok] of [
    ['demo.mp4', true],
    ['films/a b#1.mp4', true],
    ['../x', false],
    ['a//b', false],
    ['health', false],
    ['.env', false],
    ['', false],
  ] as const) {
    it(`${JSON.stringify(name)} → ${ok}`, () => assert.equal(isStorable(name), ok));
  }
});
