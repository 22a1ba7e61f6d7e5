/**
 * The gateway with real sockets: tiny upstream servers that serve one file (HEAD, Range, If-Match) and
 * can cut the connection or stop sending at byte N; the client's body must hash to the file's SHA-256.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../shared/random.js';
import { clientIdOf, createGateway, type Gateway, type StreamEvent } from './gateway-handler.js';
import { type GatewayServer, startGatewayServer } from './gateway-server.js';

const FILE = randomBytes(3 * 1024 * 1024 + 123);
const SHA = createHash('sha256').update(FILE).digest('hex');
const ETAG = `"sha256-${SHA}"`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What an upstream does with its next GET: serve it all, cut the socket or go silent after `atByte`. */
type Mode = { kind: 'ok' } | { kind: 'cut'; atByte: number } | { kind: 'stall'; atByte: number };

interface FakeNode {
  name: string;
  server: Server;
  origin: string;
  gets: string[];
  /** GETs whose connection closed before the whole body was sent. */
  abandoned: number;
}

/** The fault for the next GET of the file, whichever node gets it (then every node serves normally). */
let nextFault: Mode = { kind: 'ok' };

async function fakeNode(name: string): Promise<FakeNode> {
  const node: FakeNode = { name, server: createServer(), origin: '', gets: [], abandoned: 0 };
  node.server.on('request', (req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ node: name, status: 'ok', latencyMs: 0, uptimeS: 1, files: 1 }));
      return;
    }
    if (req.url === '/_dsm/files') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
      return;
    }
    if (req.url !== '/demo.bin') {
      res.writeHead(404).end();
      return;
    }
    const base = { ETag: ETAG, 'X-Dsm-Version': '1', 'Accept-Ranges': 'bytes', 'Content-Type': 'video/mp4' };
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== ETAG) {
      res.writeHead(412).end();
      return;
    }
    let start = 0;
    let end = FILE.length - 1;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), end) : end;
      res.writeHead(206, {
        ...base,
        'Content-Range': `bytes ${start}-${end}/${FILE.length}`,
        'Content-Length': end - start + 1,
      });
    } else res.writeHead(200, { ...base, 'Content-Length': FILE.length });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    node.gets.push(req.headers.range ?? 'all');
    const mode = nextFault;
    nextFault = { kind: 'ok' };
    const body = FILE.subarray(start, end + 1);
    res.on('close', () => {
      if (!res.writableFinished) node.abandoned++;
    });
    if (mode.kind === 'ok') {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, mode.atByte), () => {
      if (mode.kind === 'cut') res.socket?.destroy();
      // 'stall': keep the socket open and send nothing more (a SIGSTOPped node).
    });
  });
  await new Promise<void>((r) => node.server.listen(0, '127.0.0.1', r));
  node.origin = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`;
  return node;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; error?: string }>(
    (resolve) => {
      const req = request(url, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        const done = (error?: string) =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error });
        res.on('end', () => done());
        res.on('error', (e) => done(e.message));
      });
      req.on('error', (e) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), error: e.message }));
      req.end();
    },
  );
}

describe('gateway /stream/<name>', () => {
  let nodes: FakeNode[];
  let gateway: Gateway;
  let server: GatewayServer;
  const logs: string[] = [];
  const streams: StreamEvent[] = [];

  before(async () => {
    nodes = [await fakeNode('a'), await fakeNode('b'), await fakeNode('c')];
    gateway = createGateway({
      nodes: nodes.map((n) => ({ name: n.name, origin: n.origin })),
      stallTimeoutMs: 200,
      headersTimeoutMs: 1000,
      probeIntervalMs: 0,
      probeTimeoutMs: 1000,
      versionTtlMs: 0,
      policy: { alpha: 0.3, consecutiveFailures: 3, baseEjectionMs: 5000, maxEjectionMs: 60000 },
      clock: systemClock,
      log: (l) => logs.push(l),
      onStream: (e) => streams.push(e),
    });
    server = await startGatewayServer({ host: '127.0.0.1', port: 0, gateway });
  });
  after(async () => {
    gateway.close();
    await server.close();
    for (const n of nodes) {
      n.server.closeAllConnections();
      n.server.close();
    }
  });

  it('serves a whole file with X-Served-By', async () => {
    const r = await get(`${server.url()}/stream/demo.bin`);
    assert.equal(r.status, 200);
    assert.equal(sha(r.body), SHA);
    assert.ok(['a', 'b', 'c'].includes(String(r.headers['x-served-by'])));
  });

  it('continues from another node when the serving one resets mid-body', async () => {
    nextFault = { kind: 'cut', atByte: 1024 * 1024 };
    logs.length = 0;
    streams.length = 0;
    const r = await get(`${server.url()}/stream/demo.bin?client=player-1`);
    assert.equal(r.error, undefined);
    assert.equal(r.status, 200);
    assert.equal(r.body.length, FILE.length);
    assert.equal(sha(r.body), SHA);
    const first = String(r.headers['x-served-by']);
    assert.match(
      logs.join('\n'),
      new RegExp(`stream demo.bin: ${first} failed at byte \\d+ \\(reset\\), continuing from`),
    );
    // The overlay's events: who started, then who took over at which byte, for this client.
    assert.equal(streams.length, 2);
    assert.deepEqual(streams[0], { node: first, atByte: 0, name: 'demo.bin', client: 'player-1' });
    assert.equal(streams[1]?.from?.node, first);
    assert.equal(streams[1]?.from?.why, 'reset');
    assert.notEqual(streams[1]?.node, first);
    assert.ok((streams[1]?.atByte ?? 0) >= 1024 * 1024 - 64 * 1024);
  });

  it('continues from another node when the serving one stalls mid-body', async () => {
    nextFault = { kind: 'stall', atByte: 512 * 1024 };
    logs.length = 0;
    const r = await get(`${server.url()}/stream/demo.bin`);
    assert.equal(sha(r.body), SHA);
    assert.match(logs.join('\n'), /\(stalled\), continuing from/);
  });

  it('resumes a Range request within its range, with If-Match on the strong ETag', async () => {
    nextFault = { kind: 'cut', atByte: 700_000 };
    const r = await get(`${server.url()}/stream/demo.bin`, { Range: 'bytes=1000-2000999' });
    assert.equal(r.status, 206);
    assert.equal(r.headers['content-range'], `bytes 1000-2000999/${FILE.length}`);
    assert.equal(sha(r.body), sha(FILE.subarray(1000, 2001000)));
    const resumed = nodes
      .flatMap((n) => n.gets)
      .filter((g) => g.startsWith('bytes=') && g.endsWith('-2000999'));
    assert.ok(
      resumed.some((g) => g !== 'bytes=1000-2000999'),
      'a resumed range was asked',
    );
  });

  it('aborts the upstream when the client leaves mid-body', async () => {
    nextFault = { kind: 'stall', atByte: 256 * 1024 };
    const before = nodes.reduce((n, x) => n + x.abandoned, 0);
    await new Promise<void>((resolve) => {
      const req = request(`${server.url()}/stream/demo.bin`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    const started = Date.now();
    while (nodes.reduce((n, x) => n + x.abandoned, 0) === before && Date.now() - started < 2000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(
      nodes.reduce((n, x) => n + x.abandoned, 0),
      before + 1,
    );
  });

  it('answers HEAD with the headers of a node', async () => {
    const r = await get(`${server.url()}/stream/demo.bin`, {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers.etag, ETAG);
    assert.equal(r.headers['content-length'], String(FILE.length));
  });

  it('answers 404 for a missing file and 400 for a bad path, never forwarding the raw target', async () => {
    const missing = await get(`${server.url()}/stream/nope.bin`);
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body.toString()).error.code, 'DSM_PICK_NOT_FOUND');
    const bad = await get(`${server.url()}/stream/a%5c..%5cdemo.bin`);
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body.toString()).error.code, 'DSM_BAD_PATH');
    const reserved = await get(`${server.url()}/stream/health`);
    assert.equal(reserved.status, 404);
  });
});

describe('clientIdOf', () => {
  const cases: Array<[string, string | null]> = [
    ['/stream/a.mp4?client=p-1', 'p-1'],
    ['/stream/a.mp4', null],
    ['/stream/a.mp4?client=a%20b', null],
    ['/stream/a.mp4?x=1&client=abc_2', 'abc_2'],
    [`/stream/a.mp4?client=${'x'.repeat(65)}`, null],
  ];
  for (const [target, want] of cases) {
    it(`${target.slice(0, 40)} → ${want}`, () => assert.equal(clientIdOf(target), want));
  }
});
