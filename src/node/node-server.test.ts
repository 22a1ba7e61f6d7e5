/**
 * The storage node over real sockets, in-process: routes, ranges, validators, latency, limits.
 * (Multi-process and raw-path security tests live in test/e2e/.)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, type RequestLog } from '../shared/logger.js';
import { seededRng } from '../shared/random.js';
import { type NodeServer, startNodeServer } from './node-server.js';

const NUMS = '123456789'; // as pillarjs/send's fixture: bytes you can check by eye
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let dir: string;
let node: NodeServer;
let url: string;
const requests: RequestLog[] = [];
const video = Buffer.alloc(300_000, 7);
video.write('ftyp', 4);

async function start(
  name: string,
  root: string,
  extra: Partial<Parameters<typeof startNodeServer>[0]> = {},
): Promise<NodeServer> {
  const log = createLogger({ name, format: 'text', quiet: false, write: () => undefined });
  const origRequest = log.request;
  log.request = (r) => {
    requests.push(r);
    origRequest(r);
  };
  return startNodeServer({
    name,
    host: '127.0.0.1',
    port: 0,
    root,
    latencyMs: 0,
    jitterMs: 0,
    log,
    rng: seededRng(1),
    token: undefined,
    ...extra,
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dsm-node-'));
  await mkdir(join(dir, 'root', 'films'), { recursive: true });
  await writeFile(join(dir, 'root', 'nums.txt'), NUMS);
  await writeFile(join(dir, 'root', 'demo.mp4'), video);
  await writeFile(join(dir, 'root', 'films', 'a b.webm'), 'webm!');
  await writeFile(join(dir, 'root', 'empty.mp4'), '');
  await writeFile(join(dir, 'root', '<b>.txt'), 'x');
  node = await start('node1', join(dir, 'root'));
  url = node.url();
  await node.store.idle();
});

after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET and HEAD of a file', () => {
  it('sends the whole file with type, length, validators and the common headers', async () => {
    const res = await fetch(`${url}/demo.mp4`);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), video);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    assert.equal(res.headers.get('content-length'), String(video.length));
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('etag'), `"sha256-${sha(video)}"`);
    assert.ok(res.headers.get('last-modified'));
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-served-by'), 'node1');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Content-Range.*ETag.*X-Served-By/);
  });

  it('answers HEAD with the same headers and no body', async () => {
    const res = await fetch(`${url}/demo.mp4`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(video.length));
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  });

  it('keeps serving a file after a client abandoned a download of it (shared descriptor stays open)', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 9);
    await writeFile(join(dir, 'root', 'abandoned.bin'), big);
    const first = await fetch(`${url}/abandoned.bin`);
    await first.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
    for (const range of ['bytes=0-99', 'bytes=1000000-3000000']) {
      const res = await fetch(`${url}/abandoned.bin`, { headers: { Range: range } });
      assert.equal(res.status, 206);
      assert.ok((await res.arrayBuffer()).byteLength > 0);
    }
    assert.ok(Buffer.from(await (await fetch(`${url}/abandoned.bin`)).arrayBuffer()).equals(big));
    await unlink(join(dir, 'root', 'abandoned.bin'));
  });

  it('logs how far an abandoned download got, not 0 bytes', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024, 7);
    await writeFile(join(dir, 'root', 'left.bin'), big);
    try {
      const res = await fetch(`${url}/left.bin`);
      const reader = res.body?.getReader();
      const first = await reader?.read();
      assert.ok((first?.value?.length ?? 0) > 0);
      await reader?.cancel();
      let entry: (typeof requests)[number] | undefined;
      for (let i = 0; i < 100 && !entry; i++) {
        await new Promise((r) => setTimeout(r, 20));
        entry = requests.find((r) => r.path === '/left.bin');
      }
      assert.equal(entry?.aborted, true);
      assert.ok((entry?.bytes ?? 0) > 0, `bytes ${entry?.bytes}`);
      assert.ok((entry?.bytes ?? 0) < big.length);
    } finally {
      await unlink(join(dir, 'root', 'left.bin'));
    }
  });

  it('serves nested folders and encoded names', async () => {
    const res = await fetch(`${url}/films/a%20b.webm`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/webm');
    assert.equal(await res.text(), 'webm!');
  });

  it('serves an empty file', async () => {
    const res = await fetch(`${url}/empty.mp4`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '0');
    assert.equal(await res.text(), '');
  });

  it('gives 404 with a coded JSON error for a missing file, still naming the node', async () => {
    const res = await fetch(`${url}/nope.mp4`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-served-by'), 'node1');
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'DSM_NOT_FOUND');
    assert.equal(body.error.message, 'No file named "nope.mp4" on this node');
  });

  it('refuses other methods with 405 and Allow', async () => {
    const res = await fetch(`${url}/nums.txt`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.match(res.headers.get('allow') ?? '', /GET, HEAD/);
  });

  it('answers a CORS preflight', async () => {
    const res = await fetch(`${url}/demo.mp4`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.test', 'Access-Control-Request-Headers': 'range' },
    });
    assert.equal(res.status, 204);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Range/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });
});

describe('with Range requests', () => {
  const get = (range: string, path = '/nums.txt', headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers: { Range: range, ...headers } });

  it('answers a single range with 206 and Content-Range', async () => {
    const res = await get('bytes=1-3');
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), 'bytes 1-3/9');
    assert.equal(res.headers.get('content-length'), '3');
    assert.equal(await res.text(), '234');
  });

  it('answers a suffix range, and a suffix longer than the file with the whole file', async () => {
    let res = await get('bytes=-3');
    assert.equal(await res.text(), '789');
    res = await get('bytes=-100');
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), 'bytes 0-8/9');
    assert.equal(await res.text(), NUMS);
  });

  it('streams a large range from the middle of a big file exactly', async () => {
    const res = await get('bytes=100000-250000', '/demo.mp4');
    assert.equal(res.status, 206);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), video.subarray(100000, 250001));
  });

  it('gives 416 with Content-Range bytes */size when the first byte is past the end', async () => {
    const res = await get('bytes=9-');
    assert.equal(res.status, 416);
    assert.equal(res.headers.get('content-range'), 'bytes */9');
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_RANGE_NOT_SATISFIABLE');
  });

  it('ignores a malformed Range and sends the whole file with 200', async () => {
    for (const range of ['bytes=5-2', 'bytes=abc', 'lines=1-2', 'bytes=']) {
      const res = await get(range);
      assert.equal(res.status, 200, range);
      assert.equal(await res.text(), NUMS);
    }
  });

  it('answers several ranges with multipart/byteranges', async () => {
    const res = await get('bytes=0-1,4-5');
    assert.equal(res.status, 206);
    const type = res.headers.get('content-type') ?? '';
    const boundary = type.match(/^multipart\/byteranges; boundary=(.+)$/)?.[1];
    assert.ok(boundary, type);
    const body = await res.text();
    assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(body));
    const parts = body.split(`--${boundary}`);
    assert.equal(parts.length, 4);
    assert.match(parts[1] ?? '', /Content-Range: bytes 0-1\/9\r\n\r\n12\r\n$/);
    assert.match(parts[2] ?? '', /Content-Range: bytes 4-5\/9\r\n\r\n56\r\n$/);
    assert.equal(parts[3], '--\r\n');
  });

  it('sends the whole file for too many or overlapping ranges (Apache Killer)', async () => {
    const many = `bytes=${Array.from({ length: 40 }, (_, i) => `${i}-${i}`).join(',')}`;
    let res = await get(many, '/demo.mp4');
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers.get('content-length')), video.length);
    await res.arrayBuffer();
    res = await get('bytes=0-5,1-6,2-7');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), NUMS);
  });

  it('applies If-Range only when the strong ETag matches', async () => {
    const etag = (await fetch(`${url}/nums.txt`, { method: 'HEAD' })).headers.get('etag') ?? '';
    let res = await get('bytes=0-0', '/nums.txt', { 'If-Range': etag });
    assert.equal(res.status, 206);
    assert.equal(await res.text(), '1');
    res = await get('bytes=0-0', '/nums.txt', { 'If-Range': '"sha256-other"' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), NUMS);
    res = await get('bytes=0-0', '/nums.txt', { 'If-Range': `W/${etag}` });
    assert.equal(res.status, 200);
    await res.text();
  });
});

describe('conditional requests', () => {
  it('gives 304 for If-None-Match and If-Modified-Since, with validators and no body', async () => {
    const first = await fetch(`${url}/nums.txt`);
    await first.text();
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    let res = await fetch(`${url}/nums.txt`, { headers: { 'If-None-Match': etag } });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get('etag'), etag);
    res = await fetch(`${url}/nums.txt`, { headers: { 'If-Modified-Since': lastModified } });
    assert.equal(res.status, 304);
    res = await fetch(`${url}/nums.txt`, {
      headers: { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified },
    });
    assert.equal(res.status, 200);
    await res.text();
  });

  it('gives 412 when If-Match does not match', async () => {
    const res = await fetch(`${url}/nums.txt`, { headers: { 'If-Match': '"sha256-other"' } });
    assert.equal(res.status, 412);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_PRECONDITION_FAILED');
  });

  it('gives every replica of the same bytes the same ETag, and a weak one until hashed', async () => {
    const other = await start('node2', join(dir, 'other'));
    try {
      await writeFile(join(dir, 'other', 'nums.txt'), NUMS);
      const big = Buffer.alloc(64 * 1024 * 1024, 1);
      await writeFile(join(dir, 'other', 'big.bin'), big);
      // Requested before the background hasher has read it: weak tag from size and mtime.
      const early = await fetch(`${other.url()}/big.bin`, { method: 'HEAD' });
      assert.match(early.headers.get('etag') ?? '', /^W\/"/);
      await other.store.scan();
      await other.store.idle();
      const a = await fetch(`${url}/nums.txt`, { method: 'HEAD' });
      const b = await fetch(`${other.url()}/nums.txt`, { method: 'HEAD' });
      assert.equal(a.headers.get('etag'), b.headers.get('etag'));
      assert.equal(b.headers.get('x-served-by'), 'node2');
      const late = await fetch(`${other.url()}/big.bin`, { method: 'HEAD' });
      assert.equal(late.headers.get('etag'), `"sha256-${sha(big)}"`);
    } finally {
      await other.close();
    }
  });
});

describe('listings and health', () => {
  it('does not log routine health probes (X-Dsm-Probe), but logs other health checks', async () => {
    const before = requests.filter((r) => r.path === '/health').length;
    await (await fetch(`${url}/health`, { headers: { 'X-Dsm-Probe': '1' } })).arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(requests.filter((r) => r.path === '/health').length, before);
    await (await fetch(`${url}/health`)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(requests.filter((r) => r.path === '/health').length, before + 1);
  });

  it('does not log routine polls of /_dsm/faults and /_dsm/files either, but a file is always logged', async () => {
    const count = (p: string) => requests.filter((r) => r.path === p).length;
    const routine = { headers: { 'X-Dsm-Probe': '1' } };
    const before = { faults: count('/_dsm/faults'), files: count('/_dsm/files'), nums: count('/nums.txt') };
    await (await fetch(`${url}/_dsm/faults`, routine)).arrayBuffer();
    await (await fetch(`${url}/_dsm/files`, routine)).arrayBuffer();
    await (await fetch(`${url}/nums.txt`, routine)).arrayBuffer();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(count('/_dsm/faults'), before.faults);
    assert.equal(count('/_dsm/files'), before.files);
    assert.equal(count('/nums.txt'), before.nums + 1);
  });

  it('counts the body bytes it served in /health, live, but not those of routine polls', async () => {
    const served = async () =>
      (
        (await (await fetch(`${url}/health`, { headers: { 'X-Dsm-Probe': '1' } })).json()) as {
          bytesServed: number;
        }
      ).bytesServed;
    const before = await served();
    const again = await served();
    assert.equal(again, before, 'routine polls add nothing');
    const body = await (await fetch(`${url}/nums.txt`, { headers: { Range: 'bytes=0-4' } })).arrayBuffer();
    assert.equal(body.byteLength, 5);
    assert.equal(await served(), before + 5);
  });

  it('reports health as JSON', async () => {
    const res = await fetch(`${url}/health`);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.node, 'node1');
    assert.equal(body.status, 'ok');
    assert.equal(body.latencyMs, 0);
    assert.equal(typeof body.uptimeS, 'number');
    assert.equal(body.files, 5);
  });

  it('lists files as JSON with size, sha256 and mtime', async () => {
    const files = (await (await fetch(`${url}/_dsm/files`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(
      files.map((f) => f.name),
      ['<b>.txt', 'demo.mp4', 'empty.mp4', 'films/a b.webm', 'nums.txt'],
    );
    const nums = files.find((f) => f.name === 'nums.txt');
    assert.equal(nums?.size, 9);
    assert.equal(nums?.sha256, sha(NUMS));
    assert.ok(!Number.isNaN(Date.parse(String(nums?.mtime))));
  });

  it('shows an HTML index with links, sizes and escaped names', async () => {
    const res = await fetch(`${url}/`);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await res.text();
    assert.match(html, /<a href="\/films\/a%20b\.webm">films\/a b\.webm<\/a>/);
    assert.match(html, /293\.0 KB/);
    assert.ok(html.includes('&lt;b&gt;.txt'));
    assert.ok(!html.includes('<b>.txt'));
  });
});

describe('simulated latency', () => {
  it('delays the first byte of every response without holding up other requests', async () => {
    const slow = await start('slow', join(dir, 'slow'), { latencyMs: 300 });
    try {
      const t0 = performance.now();
      const times = await Promise.all(
        Array.from({ length: 200 }, async () => {
          const s = performance.now();
          const res = await fetch(`${slow.url()}/health`);
          await res.arrayBuffer();
          return performance.now() - s;
        }),
      );
      const total = performance.now() - t0;
      assert.ok(Math.min(...times) >= 295, `fastest answer ${Math.min(...times)} ms is below the latency`);
      // Served one after another, 200 requests would take 60 s; at once, about 300 ms.
      assert.ok(total < 3000, `200 concurrent requests took ${total} ms`);
      const logged = requests.filter((r) => r.path === '/health' && r.latencyMs === 300);
      assert.ok(logged.length >= 200);
    } finally {
      await slow.close();
    }
  });

  it('applies a latency change to the next request', async () => {
    node.faults.set([{ type: 'latency', latencyMs: 150, jitterMs: 0, toxicity: 1 }]);
    try {
      const s = performance.now();
      const body = (await (await fetch(`${url}/health`)).json()) as { latencyMs: number };
      assert.ok(performance.now() - s >= 145);
      assert.equal(body.latencyMs, 150);
    } finally {
      node.faults.set([]);
    }
  });
});

describe('protection and shutdown', () => {
  it('answers 431 to an oversized header block and keeps serving', async () => {
    const res = await new Promise<string>((resolve, reject) => {
      const s = connect(node.port(), '127.0.0.1', () => {
        s.write(`GET /nums.txt HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let data = '';
      s.on('data', (d) => {
        data += d.toString();
      });
      s.on('close', () => resolve(data));
      s.on('error', reject);
    });
    assert.match(res, /^HTTP\/1\.1 431 /);
    assert.match(res, /X-Served-By: node1/);
    assert.equal((await fetch(`${url}/nums.txt`)).status, 200);
  });

  it('closes a socket that never finishes its headers (slowloris)', async () => {
    const quick = await start('quick', join(dir, 'quick'), { headersTimeoutMs: 300 });
    try {
      const t0 = performance.now();
      const closedAfter = await new Promise<number>((resolve) => {
        const s = connect(quick.port(), '127.0.0.1', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
        s.on('data', () => undefined);
        s.on('error', () => undefined);
        s.on('close', () => resolve(performance.now() - t0));
      });
      assert.ok(closedAfter < 2500, `socket closed after ${closedAfter} ms`);
      assert.equal((await fetch(`${quick.url()}/health`)).status, 200);
    } finally {
      await quick.close();
    }
  });

  it('cuts a download whose client stops reading after the idle timeout, not twice it (logged as aborted)', async () => {
    const big = join(dir, 'stalled');
    await mkdir(big, { recursive: true });
    // Larger than the socket buffers of both ends, so the response must wait for the client.
    await writeFile(join(big, 'big.bin'), Buffer.alloc(32 * 1024 * 1024, 1));
    // Node's own socket timeout alone ends such a response only after about twice the timeout (~3 s here).
    const n = await start('stalled', big, { idleTimeoutMs: 1500 });
    const from = requests.length;
    const s = connect(n.port(), '127.0.0.1', () => {
      s.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n');
      s.pause(); // reads nothing: the node's writes back up (and a paused socket sees no FIN either)
    });
    s.on('error', () => undefined);
    try {
      const t0 = performance.now();
      let logged: RequestLog | undefined;
      while (!logged && performance.now() - t0 < 10_000) {
        await new Promise((r) => setTimeout(r, 50));
        logged = requests.slice(from).find((r) => r.method === 'GET' && r.path === '/big.bin');
      }
      const after = performance.now() - t0;
      assert.ok(logged, 'the stalled download was never ended');
      assert.ok(after < 2600, `ended after ${Math.round(after)} ms (idle timeout 1500 ms)`);
      assert.equal(logged.aborted, true, JSON.stringify(logged));
      assert.ok(logged.bytes < 32 * 1024 * 1024, JSON.stringify(logged));
    } finally {
      s.destroy();
      await n.close();
    }
  });

  it('lets a running response finish when closing', async () => {
    const n = await start('closing', join(dir, 'root'), { latencyMs: 200 });
    const nodeUrl = n.url();
    const pending = fetch(`${nodeUrl}/demo.mp4`).then(async (r) => Buffer.from(await r.arrayBuffer()));
    await new Promise((r) => setTimeout(r, 50));
    await n.close();
    assert.deepEqual(await pending, video);
    await assert.rejects(fetch(`${nodeUrl}/health`));
  });
});
