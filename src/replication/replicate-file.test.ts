/**
 * replicateFile against real in-process nodes over real sockets (the multi-process cases, with
 * killed clients and nodes, are in test/e2e/replicate.test.ts).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type NodeServer, startNodeServer } from '../node/node-server.js';
import { createLogger } from '../shared/logger.js';
import { seededRng } from '../shared/random.js';
import { newVersion } from '../shared/version.js';
import { outcomeOfAnswer, replicateFile } from './replicate-file.js';

const TOKEN = 'replication-test-token-123';
let dir: string;
let nodes: NodeServer[];
let file: string;
let content: Buffer;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dsm-repl-'));
  content = randomBytes(20 * 1024 * 1024 + 123);
  file = join(dir, 'movie.mp4');
  await writeFile(file, content);
  nodes = await Promise.all(
    ['node1', 'node2', 'node3'].map((name) =>
      startNodeServer({
        name,
        host: '127.0.0.1',
        port: 0,
        root: join(dir, name),
        latencyMs: 0,
        jitterMs: 0,
        log: createLogger({ name, format: 'text', quiet: true, write: () => undefined }),
        rng: seededRng(2),
        token: TOKEN,
      }),
    ),
  );
});

after(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await rm(dir, { recursive: true, force: true });
});

const targets = () => nodes.map((n, i) => ({ node: `node${i + 1}`, base: n.url() }));

describe('replicateFile', () => {
  it('stores the same verified bytes on every node, reporting progress', async () => {
    let progressCalls = 0;
    const r = await replicateFile({
      file,
      name: 'films/movie.mp4',
      targets: targets(),
      token: TOKEN,
      version: newVersion(Date.now(), Math.random),
      onProgress: () => {
        progressCalls++;
      },
    });
    const sha = createHash('sha256').update(content).digest('hex');
    assert.equal(r.sha256, sha);
    assert.equal(r.size, content.length);
    assert.ok(progressCalls >= 20);
    for (const o of r.outcomes) {
      assert.equal(o.kind, 'stored', JSON.stringify(o));
      assert.ok(o.kind === 'stored' && o.verified && o.result === 'created');
      assert.equal(o.bytes, content.length);
    }
    for (const n of nodes) {
      assert.ok((await readFile(join(n.store.root, 'films', 'movie.mp4'))).equals(content));
      const res = await fetch(`${n.url()}/films/movie.mp4`, { method: 'HEAD' });
      assert.equal(res.headers.get('etag'), `"sha256-${sha}"`);
      assert.equal(res.headers.get('x-dsm-version'), String(r.version));
    }
  });

  it('reuses its read buffers many times over without mixing chunks (16 KiB chunks, 1,281 reads)', async () => {
    const r = await replicateFile({
      file,
      name: 'small-chunks.mp4',
      targets: targets(),
      token: TOKEN,
      version: newVersion(Date.now(), Math.random),
      chunkBytes: 16 * 1024,
    });
    for (const o of r.outcomes) assert.ok(o.kind === 'stored' && o.verified, JSON.stringify(o));
    for (const n of nodes) {
      assert.ok((await readFile(join(n.store.root, 'small-chunks.mp4'))).equals(content));
    }
  });

  it('keeps going when a node is down, and says why it failed', async () => {
    const dead = { node: 'node4', base: `http://127.0.0.1:${await freePort()}` };
    const r = await replicateFile({
      file,
      name: 'b.mp4',
      targets: [...targets(), dead],
      token: TOKEN,
      version: newVersion(Date.now(), Math.random),
    });
    const byNode = new Map(r.outcomes.map((o) => [o.node, o]));
    for (const n of ['node1', 'node2', 'node3']) assert.equal(byNode.get(n)?.kind, 'stored');
    const d = byNode.get('node4');
    assert.ok(d?.kind === 'failed' && d.reason === 'refused', JSON.stringify(d));
  });

  it('names the real SHA-256 of the file even when no node took any of it', async () => {
    const r = await replicateFile({
      file,
      name: 'nowhere.mp4',
      targets: [{ node: 'node9', base: `http://127.0.0.1:${await freePort()}` }],
      token: TOKEN,
      version: newVersion(Date.now(), Math.random),
    });
    assert.equal(r.sha256, createHash('sha256').update(content).digest('hex'));
    assert.equal(r.outcomes[0]?.kind, 'failed');
  });

  it('reports a wrong token and an older version per node', async () => {
    let r = await replicateFile({ file, name: 'c.mp4', targets: targets(), token: 'wrong', version: 5 });
    assert.deepEqual(
      r.outcomes.map((o) => (o.kind === 'failed' ? o.reason : o.kind)),
      ['unauthorized', 'unauthorized', 'unauthorized'],
    );
    r = await replicateFile({ file, name: 'b.mp4', targets: targets(), token: TOKEN, version: 5 });
    assert.deepEqual(
      r.outcomes.map((o) => (o.kind === 'failed' ? o.reason : o.kind)),
      ['stale', 'stale', 'stale'],
    );
    for (const n of nodes) assert.equal((await fetch(`${n.url()}/c.mp4`)).status, 404);
  });
});

describe('outcomeOfAnswer', () => {
  const table: Array<[number, Record<string, unknown>, string]> = [
    [201, { sha256: 'ab', result: 'created' }, 'stored created verified'],
    [200, { sha256: 'ab', result: 'unchanged' }, 'stored unchanged verified'],
    [200, { sha256: 'cd', result: 'replaced' }, 'stored replaced unverified'],
    [401, { error: { code: 'DSM_UNAUTHORIZED' } }, 'failed unauthorized'],
    [403, { error: { code: 'DSM_READ_ONLY' } }, 'failed read-only'],
    [409, { error: { code: 'DSM_STALE_VERSION' } }, 'failed stale'],
    [413, {}, 'failed too-large'],
    [507, {}, 'failed disk-full'],
    [400, { error: { code: 'DSM_DIGEST_MISMATCH' } }, 'failed digest-mismatch'],
    [400, { error: { code: 'DSM_BAD_NAME' } }, 'failed bad-name'],
    [409, { error: { code: 'DSM_NAME_IS_FOLDER' } }, 'failed name-is-folder'],
    [500, {}, 'failed http'],
  ];
  for (const [status, body, expected] of table) {
    it(`${status} ${JSON.stringify(body)} → ${expected}`, () => {
      const o = outcomeOfAnswer('n', { status, body }, 'ab', 1, 1);
      const text =
        o.kind === 'stored'
          ? `stored ${o.result} ${o.verified ? 'verified' : 'unverified'}`
          : `failed ${o.reason}`;
      assert.equal(text, expected);
    });
  }
});
