import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DashboardRequest, REQUEST_HISTORY } from '../protocol.js';
import { applyEvent, EMPTY_STATE, mergeRequests, parseEvent } from './dashboard-state.js';

function req(id: number): DashboardRequest {
  return {
    id,
    atMs: id,
    node: 'node1',
    method: 'GET',
    path: '/a',
    status: 200,
    bytes: 1,
    latencyMs: 0,
    totalMs: 1,
  };
}

describe('dashboard state', () => {
  it('requests: newest first, duplicates of a reconnect dropped, at most REQUEST_HISTORY', () => {
    assert.deepEqual(
      mergeRequests([req(3), req(2)], [req(2), req(4)]).map((r) => r.id),
      [4, 3, 2],
    );
    const many = Array.from({ length: REQUEST_HISTORY + 10 }, (_, i) => req(i));
    const merged = mergeRequests([], many);
    assert.equal(merged.length, REQUEST_HISTORY);
    assert.equal(merged[0]?.id, REQUEST_HISTORY + 9);
  });

  it('nodes and replicas replace, streams append, uploads by id', () => {
    let s = applyEvent(EMPTY_STATE, { type: 'hello', lang: 'en', configFile: 'x', demo: 'demo.mp4' });
    s = applyEvent(s, { type: 'replicas', matrix: { nodes: ['node1'], rows: [] } });
    s = applyEvent(s, {
      type: 'stream',
      event: { atMs: 1, name: 'demo.mp4', client: 'p', node: 'node1', atByte: 0 },
    });
    const upload = { id: 'u1', name: 'a', size: 3, nodes: [], done: false };
    s = applyEvent(s, { type: 'upload', upload });
    s = applyEvent(s, { type: 'upload', upload: { ...upload, done: true } });
    assert.equal(s.hello?.demo, 'demo.mp4');
    assert.deepEqual(s.replicas, { nodes: ['node1'], rows: [] });
    assert.equal(s.streams.length, 1);
    assert.equal(s.uploads.u1?.done, true);
    assert.equal(EMPTY_STATE.streams.length, 0, 'the empty state is not changed');
  });

  it('parses known events, ignores others and broken JSON', () => {
    assert.equal(parseEvent('{"type":"nodes","nodes":[]}')?.type, 'nodes');
    assert.equal(parseEvent('{"type":"future"}'), null);
    assert.equal(parseEvent('not json'), null);
    assert.equal(parseEvent('null'), null);
  });
});
