/**
 * Anti-entropy between three in-process nodes over real sockets (short periods), and the routes it
 * uses. The same scenarios with real processes and the CLI are in test/e2e/anti-entropy.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../shared/logger.js';
import { manifestDigest } from '../shared/manifest-digest.js';
import { seededRng } from '../shared/random.js';
import { type NodeServer, startNodeServer } from './node-server.js';

const TOKEN = 'anti-entropy-test-token-0123456789';
const NAMES = ['node1', 'node2', 'node3'] as const;
type Name = (typeof NAMES)[number];
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
const ports = new Map<Name, number>();
const nodes = new Map<Name, NodeServer>();
const logs = new Map<Name, string[]>();

async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  for (const s of servers) {
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
  }
  const out = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return out;
}

const urlOf = (n: Name) => `http://127.0.0.1:${ports.get(n)}`;

async function start(name: Name): Promise<NodeServer> {
  const lines = logs.get(name) ?? [];
  logs.set(name, lines);
  const node = await startNodeServer({
    name,
    host: '127.0.0.1',
    port: ports.get(name) as number,
    root: join(dir, name),
    latencyMs: 0,
    jitterMs: 0,
    log: createLogger({ name, format: 'text', quiet: true, write: (l) => lines.push(l) }),
    rng: seededRng(NAMES.indexOf(name) + 1),
    token: TOKEN,
    peers: NAMES.filter((n) => n !== name).map((n) => ({ name: n, url: urlOf(n) })),
    antiEntropyIntervalMs: 300,
    scrubIntervalMs: 0,
  });
  nodes.set(name, node);
  return node;
}

async function stop(name: Name): Promise<void> {
  await nodes.get(name)?.close();
  nodes.delete(name);
}

function put(node: Name, name: string, data: Buffer, version?: number): Promise<Response> {
  return fetch(`${urlOf(node)}/${name}`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      ...(version ? { 'X-Dsm-Version': String(version) } : {}),
    },
    body: data,
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 10_000) {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function shaOn(node: Name, name: string): Promise<string | undefined> {
  const res = await fetch(`${urlOf(node)}/${name}`, { method: 'HEAD' }).catch(() => undefined);
  return res?.status === 200 ? res.headers.get('etag')?.slice(8, -1) : undefined;
}

/** Bit rot in a node's copy: one byte flipped, size and recorded mtime unchanged. */
async function rot(node: Name, name: string, at: number): Promise<void> {
  const store = nodes.get(node)?.store;
  assert.ok(store);
  const path = join(dir, node, name);
  const fh = await open(path, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0] = (b[0] ?? 0) ^ 0x01;
  await fh.write(b, 0, 1, at);
  await fh.close();
  const entry = store.manifest.get(name);
  assert.ok(entry);
  // A nanosecond mtime cannot be put back portably: record the new one, as if it had not changed.
  store.manifest.setFile(name, { ...entry, mtimeMs: (await stat(path)).mtimeMs });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dsm-ae-'));
  const picked = await freePorts(NAMES.length);
  NAMES.forEach((n, i) => {
    ports.set(n, picked[i] as number);
  });
  await Promise.all(NAMES.map(start));
});

after(async () => {
  await Promise.all(NAMES.map(stop));
  await rm(dir, { recursive: true, force: true });
});

describe('manifest routes', () => {
  it('GET /_dsm/manifest/digest and /_dsm/manifest agree, and list files and tombstones', async () => {
    assert.equal((await put('node1', 'route.bin', Buffer.from('123456789'), 77)).status, 201);
    const m = (await (await fetch(`${urlOf('node1')}/_dsm/manifest`)).json()) as {
      node: string;
      digest: string;
      entries: Array<{ name: string }>;
      pending: number;
    };
    const d = (await (await fetch(`${urlOf('node1')}/_dsm/manifest/digest`)).json()) as { digest: string };
    assert.equal(m.node, 'node1');
    assert.equal(m.digest, d.digest);
    assert.equal(manifestDigest(m.entries as never), m.digest);
    assert.deepEqual(
      m.entries.find((e) => e.name === 'route.bin'),
      { name: 'route.bin', version: 77, sha256: sha(Buffer.from('123456789')), size: 9 },
    );
  });

  it('POST /_dsm/scrub/<name> needs the token and a stored file', async () => {
    const url = `${urlOf('node1')}/_dsm/scrub/route.bin`;
    assert.equal((await fetch(url, { method: 'POST' })).status, 401);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    assert.equal(
      (await fetch(`${urlOf('node1')}/_dsm/scrub/nope.bin`, { method: 'POST', headers: auth })).status,
      404,
    );
    const ok = await fetch(url, { method: 'POST', headers: auth });
    assert.equal(ok.status, 202);
    assert.deepEqual(await ok.json(), { name: 'route.bin', queued: true });
    assert.equal((await fetch(`${urlOf('node1')}/route.bin`, { method: 'POST', headers: auth })).status, 405);
  });
});

describe('anti-entropy', () => {
  it('a file written to one node reaches the others with the same version and bytes', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 3);
    const res = await put('node1', 'one.bin', data);
    assert.equal(res.status, 201);
    const version = res.headers.get('x-dsm-version');
    for (const n of ['node2', 'node3'] as const) {
      await until(`${n} has one.bin`, async () => (await shaOn(n, 'one.bin')) === sha(data));
      const head = await fetch(`${urlOf(n)}/one.bin`, { method: 'HEAD' });
      assert.equal(head.headers.get('x-dsm-version'), version);
      assert.ok((await readFile(join(dir, n, 'one.bin'))).equals(data));
      assert.match(
        logs.get(n)?.join('\n') ?? '',
        /repaired one\.bin v\d+ from node1 \(2\.0 MB in [\d.]+ m?s\)/,
      );
    }
  });

  it('a node that was down catches up when it starts: newer versions, and deletions', async () => {
    const old = randomBytes(100_000);
    const gone = randomBytes(50_000);
    assert.equal((await put('node1', 'later.bin', old)).status, 201);
    assert.equal((await put('node1', 'gone.bin', gone)).status, 201);
    await until('node2 and node3 have both', async () => {
      for (const n of ['node2', 'node3'] as const) {
        if ((await shaOn(n, 'later.bin')) !== sha(old) || (await shaOn(n, 'gone.bin')) !== sha(gone))
          return undefined;
      }
      return true;
    });
    await stop('node3');
    const next = randomBytes(120_000);
    assert.equal((await put('node2', 'later.bin', next)).status, 200);
    const del = await fetch(`${urlOf('node1')}/gone.bin`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(del.status, 200);
    const t0 = Date.now();
    await start('node3');
    await until(
      'node3 converged',
      async () =>
        (await shaOn('node3', 'later.bin')) === sha(next) && (await shaOn('node3', 'gone.bin')) === undefined,
    );
    const ms = Date.now() - t0;
    // "At once", not "at the next scan"; the timing target itself is a benchmark figure (bench/converge.ts).
    assert.ok(ms < 15_000, `took ${ms} ms`);
    assert.match(logs.get('node3')?.join('\n') ?? '', /deleted gone\.bin v\d+ \(deleted on node[12]\)/);
  });

  it('tombstones are forgotten once every node has seen them, and the file does not come back', async () => {
    await until('no tombstone of gone.bin left', async () => {
      for (const n of NAMES) {
        const list = (await (await fetch(`${urlOf(n)}/_dsm/files`)).json()) as Array<{ name: string }>;
        if (list.some((f) => f.name === 'gone.bin')) return undefined;
      }
      return true;
    });
    await new Promise((r) => setTimeout(r, 1000)); // a few more rounds
    for (const n of NAMES) assert.equal(await shaOn(n, 'gone.bin'), undefined, n);
    assert.match(logs.get('node1')?.join('\n') ?? '', /forgot the tombstone of gone\.bin v\d+/);
  });

  it('a corrupt copy found by the scrub is quarantined and fetched again from a healthy peer', async () => {
    const data = randomBytes(500_000);
    assert.equal((await put('node1', 'rot.bin', data)).status, 201);
    await until('node2 has rot.bin', async () => (await shaOn('node2', 'rot.bin')) === sha(data));
    await rot('node2', 'rot.bin', 4321);
    const res = await fetch(`${urlOf('node2')}/_dsm/scrub/rot.bin`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 202);
    await until('node2 quarantined it', () =>
      /found rot\.bin v\d+ corrupt/.test(logs.get('node2')?.join('\n') ?? ''),
    );
    await until('node2 repaired it', async () => (await shaOn('node2', 'rot.bin')) === sha(data));
    assert.ok((await readFile(join(dir, 'node2', 'rot.bin'))).equals(data));
  });

  it("a pull that does not hash to the source's claim is refused, and the source checks and repairs its copy", async () => {
    await stop('node3');
    const data = randomBytes(800_000);
    assert.equal((await put('node1', 'bad-source.bin', data)).status, 201);
    await until('node2 has it', async () => (await shaOn('node2', 'bad-source.bin')) === sha(data));
    // node1's copy rots; node3 comes back and can only pull from node1 first… or node2.
    await stop('node2');
    await rot('node1', 'bad-source.bin', 10);
    await start('node3');
    await until('node3 found node1 corrupt', () =>
      /node1's copy of bad-source\.bin v\d+ is corrupt/.test(logs.get('node3')?.join('\n') ?? ''),
    );
    await until('node1 quarantined its copy', () =>
      /found bad-source\.bin v\d+ corrupt/.test(logs.get('node1')?.join('\n') ?? ''),
    );
    assert.equal(await shaOn('node1', 'bad-source.bin'), undefined);
    await start('node2');
    for (const n of NAMES) {
      await until(`${n} has the good bytes`, async () => (await shaOn(n, 'bad-source.bin')) === sha(data));
    }
  });
});
