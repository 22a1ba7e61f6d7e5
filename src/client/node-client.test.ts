import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeHttpError } from './classify-failure.js';
import { createNodeClient, type FetchLike } from './node-client.js';

/** A fetch that records the request and answers with `response`. */
function fakeFetch(response: () => Response) {
  const seen: Array<{ url: string; method: string }> = [];
  const fetch: FetchLike = async (url, init) => {
    seen.push({ url, method: init?.method ?? 'GET' });
    return response();
  };
  return { fetch, seen };
}

describe('NodeClient', () => {
  it('health: GET /health, parsed', async () => {
    const body = { node: 'node1', status: 'ok', latencyMs: 50, uptimeS: 3, files: 2 };
    const { fetch, seen } = fakeFetch(() => Response.json(body));
    const client = createNodeClient('http://127.0.0.1:8001/', fetch);
    assert.deepEqual(await client.health(), body);
    assert.deepEqual(seen, [{ url: 'http://127.0.0.1:8001/health', method: 'GET' }]);
  });

  it('health: a status other than 200 throws NodeHttpError', async () => {
    const { fetch } = fakeFetch(() => new Response('no', { status: 503 }));
    await assert.rejects(createNodeClient('http://h:1', fetch).health(), (e) => e instanceof NodeHttpError);
  });

  it('health: a body that is not a health report throws', async () => {
    const { fetch } = fakeFetch(() => Response.json({ status: 'starting' }));
    await assert.rejects(createNodeClient('http://h:1', fetch).health(), /not a health report/);
  });

  it('stat: HEAD with an encoded name; version, ETag and size from the headers', async () => {
    const { fetch, seen } = fakeFetch(
      () =>
        new Response(null, {
          status: 200,
          headers: { ETag: '"sha256-ab"', 'Content-Length': '123', 'X-Dsm-Version': '1838717807046656' },
        }),
    );
    const stat = await createNodeClient('http://h:1', fetch).stat('films/a b.mp4');
    assert.deepEqual(stat, {
      present: true,
      version: 1838717807046656,
      etag: '"sha256-ab"',
      size: 123,
    });
    assert.deepEqual(seen, [{ url: 'http://h:1/films/a%20b.mp4', method: 'HEAD' }]);
  });

  it('stat: no X-Dsm-Version is version 0', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 200, headers: { ETag: 'W/"a-1"' } }));
    assert.deepEqual(await createNodeClient('http://h:1', fetch).stat('a.mp4'), {
      present: true,
      version: 0,
      etag: 'W/"a-1"',
      size: undefined,
    });
  });

  it('stat: 404 is absent; the listing tells of a deletion and its version', async () => {
    const responses = [
      new Response(null, { status: 404 }),
      Response.json([
        { name: 'a.mp4', deleted: true, version: 1838717807046656, updatedAt: '2026-11-25T16:00:00Z' },
        { name: 'b.mp4', size: 1, sha256: null, mtime: '2026-11-25T16:00:00Z', version: 5 },
      ]),
    ];
    const { fetch, seen } = fakeFetch(() => responses.shift() as Response);
    assert.deepEqual(await createNodeClient('http://h:1', fetch).stat('a.mp4'), {
      present: false,
      version: 1838717807046656,
    });
    assert.deepEqual(
      seen.map((r) => `${r.method} ${r.url}`),
      ['HEAD http://h:1/a.mp4', 'GET http://h:1/_dsm/files'],
    );
  });

  it('stat: 404 and no tombstone is version 0', async () => {
    const responses = [new Response(null, { status: 404 }), Response.json([{ name: 'b.mp4', version: 5 }])];
    const { fetch } = fakeFetch(() => responses.shift() as Response);
    assert.deepEqual(await createNodeClient('http://h:1', fetch).stat('a.mp4'), {
      present: false,
      version: 0,
    });
  });

  it('stat: a 404 with X-Dsm-Version needs no listing', async () => {
    const { fetch, seen } = fakeFetch(
      () => new Response(null, { status: 404, headers: { 'X-Dsm-Version': '9' } }),
    );
    assert.deepEqual(await createNodeClient('http://h:1', fetch).stat('a.mp4'), {
      present: false,
      version: 9,
    });
    assert.equal(seen.length, 1);
  });

  it('stat: other statuses and bad versions throw', async () => {
    const forbidden = fakeFetch(() => new Response(null, { status: 403 }));
    await assert.rejects(createNodeClient('http://h:1', forbidden.fetch).stat('a.mp4'), /HTTP 403/);
    const bad = fakeFetch(() => new Response(null, { status: 200, headers: { 'X-Dsm-Version': 'new' } }));
    await assert.rejects(createNodeClient('http://h:1', bad.fetch).stat('a.mp4'), /bad X-Dsm-Version "new"/);
  });
});
