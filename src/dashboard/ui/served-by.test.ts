import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamEvent } from '../protocol.js';
import { servedBy, switchesOf } from './served-by.js';

const start = (client: string | null, node: string): StreamEvent => ({
  atMs: 1,
  name: 'demo.mp4',
  client,
  node,
  atByte: 0,
});

describe('servedBy', () => {
  const streams: StreamEvent[] = [
    start('me', 'node1'),
    start('other', 'node3'),
    {
      atMs: 2,
      name: 'demo.mp4',
      client: 'me',
      node: 'node2',
      atByte: 1_200_000,
      from: { node: 'node1', why: 'reset' },
    },
    start(null, 'node3'),
  ];

  it("is the node of the latest event of this player's id", () => {
    assert.deepEqual(servedBy(streams, 'me'), {
      node: 'node2',
      lastSwitch: { from: 'node1', to: 'node2', at: '1.2 MB', why: 'reset', atMs: 2 },
    });
    assert.deepEqual(servedBy(streams, 'other'), { node: 'node3', lastSwitch: null });
    assert.equal(servedBy(streams, 'nobody'), null);
  });

  it('lists the switches of this player only', () => {
    assert.deepEqual(
      switchesOf(streams, 'me').map((e) => e.node),
      ['node2'],
    );
    assert.deepEqual(switchesOf(streams, 'other'), []);
  });
});
