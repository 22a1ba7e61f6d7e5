import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdersOf } from './version-map.js';

const copy = (version: number, etag: string) => ({ present: true as const, version, etag, size: 10 });

describe('holdersOf', () => {
  it('keeps the nodes with the newest version', () => {
    assert.deepEqual(
      holdersOf([
        { name: 'a', file: copy(1, '"sha256-x"') },
        { name: 'b', file: copy(2, '"sha256-y"') },
      ]),
      { kind: 'found', nodes: ['b'], etag: '"sha256-y"', version: 2 },
    );
  });
  it('counts an older version with the same bytes', () => {
    const h = holdersOf([
      { name: 'a', file: copy(1, '"sha256-x"') },
      { name: 'b', file: copy(2, '"sha256-x"') },
    ]);
    assert.deepEqual(h.kind === 'found' && h.nodes, ['a', 'b']);
  });
  it('says not-found, all-down or deleted', () => {
    assert.deepEqual(
      holdersOf([
        { name: 'a', file: { present: false, version: 0 } },
        { name: 'b', file: undefined },
      ]),
      { kind: 'not-found' },
    );
    assert.deepEqual(holdersOf([{ name: 'a', file: undefined }]), { kind: 'all-down' });
    assert.deepEqual(
      holdersOf([
        { name: 'a', file: copy(1, '"sha256-x"') },
        { name: 'b', file: { present: false, version: 2 } },
      ]),
      { kind: 'deleted', version: 2 },
    );
  });
});
