/**
 * PUT and DELETE over real sockets: token, atomic replace, digests (header and trailer), versions,
 * tombstones, limits, and what is left after a failed or abandoned upload.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reprDigest } from '../shared/checksum.js';
import { createLogger } from '../shared/logger.js';
import { seededRng } from '../shared/random.js';
import { type NodeServer, startNodeServer } from './node-server.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${TOKEN}` };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let dir: string;
let node: NodeServer;
let url: string;
let root: string;

function start(r: string, extra: Partial<Parameters<typeof startNodeServer>[0]> = {}) {
  return startNodeServer({
    name: 'node1',
    host: '127.0.0.1',
    port: 0,
    root: r,
    latencyMs: 0,
    jitterMs: 0,
    log: createLogger({ name: 'node1', format: 'text', quiet: true, write: () => undefined }),
    rng: seededRng(1),
    token: TOKEN,
    ...extra,
  });
}

const put = (name: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${url}/${name}`, { method: 'PUT', body, headers: { ...auth, ...headers } });

async function tmpFiles(): Promise<string[]> {
  return readdir(join(root, '.dsm', 'tmp'));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dsm-write-'));
  root = join(dir, 'root');
  node = await start(root);
  url = node.url();
});

after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('PUT', () => {
  it('stores a file, verifies it, and serves it with its version', async () => {
    const res = await put('demo.mp4', 'version one', { 'Repr-Digest': reprDigest(sha('version one')) });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('location'), '/demo.mp4');
    const body = (await res.json()) as { sha256: string; version: number; size: number; result: string };
    assert.equal(body.sha256, sha('version one'));
    assert.equal(body.size, 11);
    assert.equal(body.result, 'created');
    const got = await fetch(`${url}/demo.mp4`);
    assert.equal(await got.text(), 'version one');
    assert.equal(got.headers.get('etag'), `"sha256-${sha('version one')}"`);
    assert.equal(got.headers.get('x-dsm-version'), String(body.version));
    // A range of it (answered from the open-file cache now) carries the same validators and version.
    const part = await fetch(`${url}/demo.mp4`, { headers: { Range: 'bytes=8-' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), 'one');
    assert.equal(part.headers.get('content-range'), 'bytes 8-10/11');
    assert.equal(part.headers.get('etag'), `"sha256-${sha('version one')}"`);
    assert.equal(part.headers.get('x-dsm-version'), String(body.version));
    assert.equal(part.headers.get('x-served-by'), got.headers.get('x-served-by'));
    assert.equal(part.headers.get('content-type'), 'video/mp4');
  });

  it('replaces a file at once with a new ETag and a higher version', async () => {
    const before = await fetch(`${url}/demo.mp4`, { method: 'HEAD' });
    const res = await put('demo.mp4', 'version two');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { result: string }).result, 'replaced');
    const afterRes = await fetch(`${url}/demo.mp4`);
    assert.equal(await afterRes.text(), 'version two');
    assert.notEqual(afterRes.headers.get('etag'), before.headers.get('etag'));
    assert.ok(Number(afterRes.headers.get('x-dsm-version')) > Number(before.headers.get('x-dsm-version')));
  });

  it('stores into nested folders', async () => {
    assert.equal((await put('films/2026/a.webm', 'nested')).status, 201);
    assert.equal(await (await fetch(`${url}/films/2026/a.webm`)).text(), 'nested');
  });

  it('needs the token (401) and says so in JSON', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${url}/x.mp4`, { method: 'PUT', body: 'x', headers });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="dsm"');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_UNAUTHORIZED');
    }
    assert.equal((await fetch(`${url}/x.mp4`)).status, 404);
  });

  it('refuses a wrong digest and keeps the previous version', async () => {
    const res = await put('demo.mp4', 'corrupted!!', { 'Repr-Digest': reprDigest(sha('something else')) });
    assert.equal(res.status, 400);
    const err = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(err.error.code, 'DSM_DIGEST_MISMATCH');
    assert.match(
      err.error.message,
      /^Cannot verify "demo\.mp4": expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}$/,
    );
    assert.equal(await (await fetch(`${url}/demo.mp4`)).text(), 'version two');
    assert.deepEqual(await tmpFiles(), []);
  });

  it('checks a digest sent as a trailer after a chunked body', async () => {
    const send = (digestOf: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/trailer.mp4`, {
          method: 'PUT',
          headers: { ...auth, Trailer: 'Repr-Digest', 'Transfer-Encoding': 'chunked' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write('part one, ');
        req.write('part two');
        req.addTrailers({ 'Repr-Digest': reprDigest(sha(digestOf)) });
        req.end();
      });
    assert.equal(await send('wrong'), 400);
    assert.equal((await fetch(`${url}/trailer.mp4`)).status, 404);
    assert.equal(await send('part one, part two'), 201);
    assert.equal(await (await fetch(`${url}/trailer.mp4`)).text(), 'part one, part two');
  });

  it('refuses an older version with 409 (last writer wins) and accepts a newer one', async () => {
    const held = Number((await fetch(`${url}/demo.mp4`, { method: 'HEAD' })).headers.get('x-dsm-version'));
    let res = await put('demo.mp4', 'older', { 'X-Dsm-Version': String(held - 1) });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_STALE_VERSION');
    res = await put('demo.mp4', 'newer', { 'X-Dsm-Version': String(held + 1) });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    // The same write again is idempotent.
    res = await put('demo.mp4', 'newer', { 'X-Dsm-Version': String(held + 1) });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { result: string }).result, 'unchanged');
    assert.equal(await (await fetch(`${url}/demo.mp4`)).text(), 'newer');
  });

  it('refuses reserved, hidden and traversing names', async () => {
    // (Traversal is tested with raw request lines in test/e2e/: fetch normalises `%2e%2e` away.)
    for (const name of ['health', '_dsm/files', '.env', '.dsm/manifest.json', 'health/x']) {
      const res = await put(name, 'x');
      assert.equal(res.status, 400, name);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_BAD_NAME');
    }
  });

  it('refuses a body over the limit with 413, declared or not', async () => {
    const small = await start(join(dir, 'small'), { maxUploadBytes: 1000 });
    try {
      let res = await fetch(`${small.url()}/big.bin`, {
        method: 'PUT',
        body: Buffer.alloc(2000),
        headers: auth,
      });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_TOO_LARGE');
      // Streamed without a length: cut when it passes the limit.
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(500));
          c.close();
        },
      });
      res = await fetch(`${small.url()}/big.bin`, {
        method: 'PUT',
        body: stream,
        headers: auth,
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.equal((await fetch(`${small.url()}/big.bin`)).status, 404);
      assert.deepEqual(await readdir(join(dir, 'small', '.dsm', 'tmp')), []);
    } finally {
      await small.close();
    }
  });

  it('refuses a body shorter than its Upload-Length', async () => {
    const res = await fetch(`${url}/short.bin`, {
      method: 'PUT',
      body: new ReadableStream({
        start(c) {
          c.enqueue(new Uint8Array(10));
          c.close();
        },
      }),
      headers: { ...auth, 'Upload-Length': '20' },
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_LENGTH_MISMATCH');
  });

  it('leaves nothing behind when the client goes away mid-upload, and the old version stays', async () => {
    await put('movie.mp4', 'old movie');
    await new Promise<void>((resolve) => {
      const req = request(`${url}/movie.mp4`, {
        method: 'PUT',
        headers: { ...auth, 'Content-Length': String(10 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024 * 1024, 1), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    });
    for (let i = 0; i < 50 && (await tmpFiles()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await tmpFiles(), []);
    assert.equal(await (await fetch(`${url}/movie.mp4`)).text(), 'old movie');
  });

  it('lets a reader streaming the old version finish with the old bytes', async () => {
    const oldBytes = Buffer.alloc(8 * 1024 * 1024, 'a');
    const newBytes = Buffer.alloc(8 * 1024 * 1024, 'b');
    await put('swap.bin', oldBytes);
    const reader = await fetch(`${url}/swap.bin`);
    const iter = (reader.body as ReadableStream<Uint8Array>).getReader();
    const first = await iter.read();
    assert.equal((await put('swap.bin', newBytes)).status, 200);
    const chunks = [Buffer.from(first.value ?? [])];
    for (;;) {
      const { value, done } = await iter.read();
      if (done) break;
      chunks.push(Buffer.from(value));
    }
    assert.ok(Buffer.concat(chunks).equals(oldBytes));
    assert.ok(Buffer.from(await (await fetch(`${url}/swap.bin`)).arrayBuffer()).equals(newBytes));
  });
});

describe('DELETE', () => {
  it('deletes with a tombstone that an older write cannot undo', async () => {
    await put('gone.mp4', 'soon gone');
    const v = Number((await fetch(`${url}/gone.mp4`, { method: 'HEAD' })).headers.get('x-dsm-version'));
    const res = await fetch(`${url}/gone.mp4`, { method: 'DELETE', headers: auth });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { deleted: boolean; existed: boolean; version: number };
    assert.equal(body.deleted, true);
    assert.equal(body.existed, true);
    assert.ok(body.version > v);
    assert.equal((await fetch(`${url}/gone.mp4`)).status, 404);
    const stale = await put('gone.mp4', 'zombie', { 'X-Dsm-Version': String(v) });
    assert.equal(stale.status, 409);
    const files = (await (await fetch(`${url}/_dsm/files`)).json()) as Array<Record<string, unknown>>;
    const listed = files.filter((f) => f.name === 'gone.mp4');
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.deleted, true);
    assert.equal(listed[0]?.version, body.version);
    assert.ok(!Number.isNaN(Date.parse(String(listed[0]?.updatedAt))));
  });

  it('needs the token', async () => {
    assert.equal((await fetch(`${url}/demo.mp4`, { method: 'DELETE' })).status, 401);
    assert.equal((await fetch(`${url}/demo.mp4`)).status, 200);
  });
});

describe('a node without a token', () => {
  it('is read-only (403)', async () => {
    const ro = await start(join(dir, 'ro'), { token: undefined });
    try {
      const res = await fetch(`${ro.url()}/a.mp4`, { method: 'PUT', body: 'x', headers: auth });
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_READ_ONLY');
    } finally {
      await ro.close();
    }
  });
});

describe('restart', () => {
  it('sweeps leftover temp files and keeps versions in the manifest', async () => {
    const r = join(dir, 'restart');
    const first = await start(r);
    const res = await fetch(`${first.url()}/keep.mp4`, { method: 'PUT', body: 'kept', headers: auth });
    const version = ((await res.json()) as { version: number }).version;
    await first.close();
    await mkdir(join(r, '.dsm', 'tmp'), { recursive: true });
    await writeFile(join(r, '.dsm', 'tmp', 'leftover.part'), 'half an upload');
    const second = await start(r);
    try {
      assert.deepEqual(await readdir(join(r, '.dsm', 'tmp')), []);
      const got = await fetch(`${second.url()}/keep.mp4`);
      assert.equal(await got.text(), 'kept');
      assert.equal(got.headers.get('x-dsm-version'), String(version));
      const manifest = JSON.parse(await readFile(join(r, '.dsm', 'manifest.json'), 'utf8'));
      assert.equal(manifest.files['keep.mp4'].version, version);
    } finally {
      await second.close();
    }
  });
});
