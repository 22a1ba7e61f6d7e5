import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseReprDigest, type ReprDigest, reprDigest, sha256File, shortHash } from './checksum.js';

const TEST_HEX = createHash('sha256').update('test').digest('hex');

describe('Repr-Digest', () => {
  const table: Array<[string, ReprDigest]> = [
    [`sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:`, { kind: 'sha-256', hex: TEST_HEX }],
    [
      `sha-512=:AAAA:, sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:`,
      { kind: 'sha-256', hex: TEST_HEX },
    ],
    ['sha-512=:AAAA:', { kind: 'unsupported' }],
    ['sha-256=abc', { kind: 'malformed' }],
    ['sha-256=:!!:', { kind: 'malformed' }],
    ['sha-256=:AAAA:', { kind: 'malformed' }],
    ['', { kind: 'malformed' }],
  ];
  for (const [header, expected] of table) {
    it(`${JSON.stringify(header)} → ${expected.kind}`, () =>
      assert.deepEqual(parseReprDigest(header), expected));
  }
  it('round-trips', () =>
    assert.deepEqual(parseReprDigest(reprDigest(TEST_HEX)), { kind: 'sha-256', hex: TEST_HEX }));
});

describe('sha256File', () => {
  it('hashes a file in chunks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dsm-sum-'));
    try {
      const data = Buffer.alloc(3 * 1024 * 1024 + 5, 3);
      await writeFile(join(dir, 'f'), data);
      assert.deepEqual(await sha256File(join(dir, 'f')), {
        sha256: createHash('sha256').update(data).digest('hex'),
        size: data.length,
      });
      assert.equal(shortHash(TEST_HEX), `${TEST_HEX.slice(0, 12)}…`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
