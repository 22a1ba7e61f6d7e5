import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { classifyFailure } from './classify-failure.js';
import { createHttpFetch } from './http-fetch.js';
import { createNodeClient } from './node-client.js';

let server: Server;
let base: string;
const http = createHttpFetch();

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ node: 'n1', status: 'ok', latencyMs: 0, uptimeS: 1, files: 1 }));
    } else if (req.url === '/a%20b.mp4') {
      res.writeHead(200, { ETag: '"sha256-ab"', 'Content-Length': 3, 'X-Dsm-Version': '1838717807046656' });
      res.end(req.method === 'HEAD' ? undefined : 'abc');
    } else if (req.url === '/hang') {
      // never answers
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  http.close();
  server.closeAllConnections();
  server.close();
});

describe('createHttpFetch', () => {
  it('serves the node client: health and stat', async () => {
    const client = createNodeClient(base, http.fetch);
    assert.equal((await client.health()).node, 'n1');
    assert.deepEqual(await client.stat('a b.mp4'), {
      present: true,
      version: 1838717807046656,
      etag: '"sha256-ab"',
      size: 3,
    });
  });

  it('times out as a timeout', async () => {
    const err = await http
      .fetch(`${base}/hang`, { signal: AbortSignal.timeout(30) })
      .catch((e: unknown) => e);
    assert.deepEqual(classifyFailure(err), { kind: 'timeout', detail: 'no answer in time' });
  });

  it('a closed port is refused', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const err = await http.fetch(`http://127.0.0.1:${port}/health`).catch((e: unknown) => e);
    assert.deepEqual(classifyFailure(err), { kind: 'refused', detail: 'ECONNREFUSED' });
  });
});
