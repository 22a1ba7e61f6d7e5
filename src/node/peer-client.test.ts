import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createPeerTransport } from './peer-client.js';

const SHA = 'ab'.repeat(32);
const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];

const server = createServer((req, res) => {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  if (req.url === '/_dsm/manifest/digest') {
    res.end(JSON.stringify({ node: 'node2', digest: 'd1' }));
  } else if (req.url === '/_dsm/manifest') {
    res.end(
      JSON.stringify({
        node: 'node2',
        digest: 'd1',
        pending: 0,
        entries: [
          { name: 'a b.mp4', version: 3, sha256: SHA, size: 4 },
          { name: '../escape', version: 3, sha256: SHA, size: 4 },
        ],
      }),
    );
  } else if (req.url === '/stalls.bin') {
    // Headers and half of the body, then nothing: a hung peer.
    res.writeHead(200, { 'Content-Length': 1000 });
    res.write(Buffer.alloc(500));
  } else if (req.url === '/a%20b.mp4') {
    res.end('1234');
  } else {
    res.writeHead(202).end();
  }
});
let peer: { name: string; url: string };
const transport = createPeerTransport({ self: 'node1', token: 'tok', idleTimeoutMs: 300 });

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  peer = { name: 'node2', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});

after(() => {
  transport.close();
  server.closeAllConnections();
  server.close();
});

describe('peer transport', () => {
  const signal = new AbortController().signal;

  it('asks for the digest and the manifest, saying who asks; drops names a node must not store', async () => {
    assert.equal(await transport.digest(peer, signal), 'd1');
    const m = await transport.manifest(peer, signal);
    assert.deepEqual(m.entries, [{ name: 'a b.mp4', version: 3, sha256: SHA, size: 4 }]);
    assert.ok(seen.every((r) => r.headers['x-dsm-node'] === 'node1'));
  });

  it('opens a file with If-Match on its strong ETag, name percent-encoded', async () => {
    const f = await transport.openFile(peer, 'a b.mp4', SHA, signal);
    assert.equal(f.status, 200);
    const chunks: Buffer[] = [];
    for await (const c of f.body) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), '1234');
    const req = seen.find((r) => r.url === '/a%20b.mp4');
    assert.equal(req?.headers['if-match'], `"sha256-${SHA}"`);
  });

  it('fails a pull whose peer stops sending, after the idle timeout', async () => {
    const t0 = Date.now();
    const f = await transport.openFile(peer, 'stalls.bin', SHA, signal);
    await assert.rejects(async () => {
      for await (const _ of f.body) {
        // read until it fails
      }
    });
    assert.ok(Date.now() - t0 < 3000);
  });

  it('reports a corrupt copy with the token', async () => {
    await transport.reportCorrupt(peer, 'films/x.mp4', signal);
    const req = seen.find((r) => r.method === 'POST');
    assert.equal(req?.url, '/_dsm/scrub/films/x.mp4');
    assert.equal(req?.headers.authorization, 'Bearer tok');
  });
});
