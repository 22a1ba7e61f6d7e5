import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestLog } from './logger.js';
import { createRequestFeed, isRequestBatch, type RequestBatch } from './request-feed.js';

const rec = (path: string): RequestLog => ({
  method: 'GET',
  path,
  status: 200,
  bytes: 10,
  latencyMs: 0,
  totalMs: 1,
});

describe('createRequestFeed', () => {
  it('sends the records of one period in one batch, stamped with the wall clock', async () => {
    const sent: RequestBatch[] = [];
    const feed = createRequestFeed({
      send: (b) => sent.push(b),
      wallMs: () => 1234,
      flushIntervalMs: 20,
      maxBatch: 10,
    });
    feed.push(rec('/a'));
    feed.push(rec('/b'));
    assert.equal(sent.length, 0);
    await sleep(60);
    assert.equal(sent.length, 1);
    assert.deepEqual(
      sent[0]?.requests.map((r) => [r.path, r.atMs]),
      [
        ['/a', 1234],
        ['/b', 1234],
      ],
    );
    assert.equal(sent[0]?.dropped, 0);
    feed.close();
    assert.equal(sent.length, 1, 'nothing waiting, nothing sent');
  });

  it('counts what does not fit in a batch as dropped, and close() flushes at once', () => {
    const sent: RequestBatch[] = [];
    const feed = createRequestFeed({
      send: (b) => sent.push(b),
      wallMs: () => 0,
      flushIntervalMs: 10_000,
      maxBatch: 2,
    });
    for (const p of ['/1', '/2', '/3', '/4']) feed.push(rec(p));
    feed.close();
    assert.equal(sent.length, 1);
    assert.deepEqual(
      sent[0]?.requests.map((r) => r.path),
      ['/1', '/2'],
    );
    assert.equal(sent[0]?.dropped, 2);
  });
});

describe('isRequestBatch', () => {
  const cases: Array<[unknown, boolean]> = [
    [{ type: 'dsm-requests', requests: [], dropped: 0 }, true],
    [{ type: 'other', requests: [] }, false],
    [{ type: 'dsm-requests' }, false],
    [null, false],
    ['dsm-requests', false],
  ];
  for (const [m, want] of cases)
    it(`${JSON.stringify(m)} → ${want}`, () => assert.equal(isRequestBatch(m), want));
});
