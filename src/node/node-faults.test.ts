/**
 * The node's faults over real sockets, in-process: the `/_dsm/faults` API, each fault as a client
 * sees it, changes that reach requests and streams already running, and expiry.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FaultInput } from '../faults/fault-schema.js';
import { createLogger, type RequestLog } from '../shared/logger.js';
import { seededRng } from '../shared/random.js';
import { type NodeServer, startNodeServer } from './node-server.js';

const TOKEN = 'fault-test-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const MB = 1_000_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes you can check by position: byte i is i mod 251. */
function pattern(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = i % 251;
  return b;
}

let dir: string;
let node: NodeServer;
let url: string;
const requests: RequestLog[] = [];
const lines: string[] = [];
const oneMB = pattern(MB);
const big = pattern(32 * MB);

function start(
  name: string,
  extra: Partial<Parameters<typeof startNodeServer>[0]> = {},
): Promise<NodeServer> {
  const log = createLogger({ name, format: 'text', quiet: false, write: (l) => lines.push(l) });
  const orig = log.request;
  log.request = (r) => {
    requests.push(r);
    orig(r);
  };
  return startNodeServer({
    name,
    host: '127.0.0.1',
    port: 0,
    root: join(dir, 'root'),
    latencyMs: 0,
    jitterMs: 0,
    log,
    rng: seededRng(1),
    token: TOKEN,
    ...extra,
  });
}

async function setFaults(faults: FaultInput[], n: NodeServer = node): Promise<Response> {
  const res = await fetch(`${n.url()}/_dsm/faults`, {
    method: 'PUT',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ faults }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res;
}

/** GET with node:http, the response paused until the caller reads it. */
function getPaused(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}${path}`, { agent: false }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on('error', reject);
  });
}

/** Reads a response to its end: the bytes, and the error that ended it early, if any. */
function drain(res: IncomingMessage): Promise<{ body: Buffer; error: Error | undefined }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (d: Buffer) => chunks.push(d));
    res.on('end', () => resolve({ body: Buffer.concat(chunks), error: undefined }));
    res.on('error', (error) => resolve({ body: Buffer.concat(chunks), error }));
    res.on('aborted', () => resolve({ body: Buffer.concat(chunks), error: new Error('aborted') }));
    res.resume();
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dsm-faults-'));
  const root = join(dir, 'root');
  await import('node:fs/promises').then((fs) => fs.mkdir(root, { recursive: true }));
  await writeFile(join(root, 'one.bin'), oneMB);
  await writeFile(join(root, 'big.bin'), big);
  await writeFile(join(root, 'nums.txt'), '123456789');
  node = await start('node1', { latencyMs: 20, jitterMs: 0 });
  url = node.url();
  await node.store.idle();
});

after(async () => {
  await node?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the fault API', () => {
  it('lists the starting latency (--latency-ms) publicly, and /health reports it', async () => {
    const res = await fetch(`${url}/_dsm/faults`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      node: 'node1',
      faults: [{ type: 'latency', latencyMs: 20, jitterMs: 0, toxicity: 1 }],
    });
    const health = (await (await fetch(`${url}/health`)).json()) as { latencyMs: number };
    assert.equal(health.latencyMs, 20);
    assert.equal((await fetch(`${url}/_dsm/faults`, { method: 'HEAD' })).status, 200);
  });

  it('replaces the list on PUT with the token, and answers the list now', async () => {
    const res = await setFaults([
      { type: 'latency', latencyMs: 40 },
      { type: 'bandwidth', bandwidthKBps: 9000 },
    ]);
    const body = (await res.json()) as { faults: Array<{ type: string }> };
    assert.deepEqual(
      body.faults.map((f) => f.type),
      ['latency', 'bandwidth'],
    );
    const health = (await (await fetch(`${url}/health`)).json()) as { latencyMs: number };
    assert.equal(health.latencyMs, 40);
    await setFaults([]);
    const after = (await (await fetch(`${url}/health`)).json()) as { latencyMs: number };
    assert.equal(after.latencyMs, 0);
    assert.ok(lines.includes('node1  faults: latency 40 ms; bandwidth 9000 KB/s'), lines.join('\n'));
    assert.ok(lines.includes('node1  faults: none'));
  });

  it('refuses a PUT without the right token with 401, like other writes', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-0123456789abc' }] as Record<
      string,
      string
    >[]) {
      const res = await fetch(`${url}/_dsm/faults`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ faults: [{ type: 'down' }] }),
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="dsm"');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'DSM_UNAUTHORIZED');
    }
    assert.deepEqual(node.faults.list(), []);
  });

  it('refuses bad faults with 400 DSM_BAD_FAULTS naming the field', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"faults":[{"type":"latency","latencyMs":-5}]}', /faults\[0\]\.latencyMs/],
      ['{"faults":[{"type":"errors","status":404}]}', /faults\[0\]\.status/],
      ['not json', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const res = await fetch(`${url}/_dsm/faults`, { method: 'PUT', headers: auth, body });
      assert.equal(res.status, 400);
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'DSM_BAD_FAULTS');
      assert.match(err.message, message);
    }
  });

  it('is read-only (403) on a node without a token', async () => {
    const ro = await start('ro', { token: undefined });
    try {
      const res = await fetch(`${ro.url()}/_dsm/faults`, {
        method: 'PUT',
        headers: auth,
        body: '{"faults":[]}',
      });
      assert.equal(res.status, 403);
      assert.equal((await fetch(`${ro.url()}/_dsm/faults`)).status, 200);
    } finally {
      await ro.close();
    }
  });

  it('takes a PUT sent with Expect: 100-continue', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/_dsm/faults`, {
        method: 'PUT',
        headers: { ...auth, Expect: '100-continue', 'Content-Type': 'application/json' },
      });
      req.on('continue', () => req.end('{"faults":[]}'));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    assert.equal(status, 200);
  });
});

describe('errors', () => {
  it('answers 503 with the catalog error at errorRate 1, toxicity 1', async () => {
    await setFaults([{ type: 'errors', errorRate: 1, status: 503, toxicity: 1 }]);
    try {
      const res = await fetch(`${url}/nums.txt`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('x-served-by'), 'node1');
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'DSM_FAULT_UNAVAILABLE');
      assert.match(err.message, /dsm fault node1 --clear/);
      assert.equal((await fetch(`${url}/_dsm/faults`)).status, 200, 'the fault API is never faulted');
      assert.ok(requests.some((r) => r.path === '/nums.txt' && r.status === 503 && r.fault === 'errors'));
    } finally {
      await setFaults([]);
    }
    assert.equal((await fetch(`${url}/nums.txt`)).status, 200);
  });

  it('answers 500 when asked, and fails the same requests again for the same seed', async () => {
    const run = async () => {
      const n = await start('seeded', { rng: seededRng(99) });
      try {
        await setFaults([{ type: 'errors', errorRate: 0.5, status: 500 }], n);
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) {
          const res = await fetch(`${n.url()}/nums.txt`);
          await res.arrayBuffer();
          statuses.push(res.status);
        }
        return statuses;
      } finally {
        await n.close();
      }
    };
    const first = await run();
    assert.ok(first.includes(500) && first.includes(200), first.join(' '));
    assert.deepEqual(await run(), first);
  });
});

describe('bandwidth', () => {
  it('sends a 1 MB body at 500 KB/s in no less than about 2 s, bytes intact', async () => {
    await setFaults([{ type: 'bandwidth', bandwidthKBps: 500 }]);
    try {
      const t0 = performance.now();
      const res = await fetch(`${url}/one.bin`);
      const body = Buffer.from(await res.arrayBuffer());
      const took = performance.now() - t0;
      assert.equal(sha(body), sha(oneMB));
      // 50 KB goes at once, the other 950 KB at 500 KB/s: 1.9 s. A lower bound only.
      assert.ok(took >= 1800, `took ${took} ms`);
    } finally {
      await setFaults([]);
    }
  });

  it('applies a change of rate to a stream already running', async () => {
    await setFaults([{ type: 'bandwidth', bandwidthKBps: 50 }]);
    const t0 = performance.now();
    const pending = fetch(`${url}/one.bin`).then(async (r) => Buffer.from(await r.arrayBuffer()));
    await delay(300);
    await setFaults([{ type: 'bandwidth', bandwidthKBps: 20_000 }]);
    const body = await pending;
    const took = performance.now() - t0;
    await setFaults([]);
    assert.equal(sha(body), sha(oneMB));
    // At 50 KB/s it would take 20 s.
    assert.ok(took < 5000, `took ${took} ms`);
  });

  it('slows a stream that started with no fault at all, and lets it go when cleared', async () => {
    const res = await getPaused('/big.bin');
    await setFaults([{ type: 'bandwidth', bandwidthKBps: 100 }]);
    const done = drain(res);
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    // Unpaced, 32 MB over loopback takes well under a second; at 100 KB/s, minutes.
    await delay(1500);
    assert.equal(finished, false, 'the stream should be paced by now');
    await setFaults([]);
    const { body, error } = await done;
    assert.equal(error, undefined);
    assert.equal(sha(body), sha(big));
    assert.equal(node.faults.waiting, 0);
  });
});

describe('reset', () => {
  it('cuts the body after resetAfterBytes bytes, and the client sees an error', async () => {
    await setFaults([{ type: 'reset', resetAfterBytes: 100_000 }]);
    try {
      const raw = await new Promise<Buffer>((resolve, reject) => {
        const s = connect(node.port(), '127.0.0.1', () =>
          s.write('GET /one.bin HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'),
        );
        const chunks: Buffer[] = [];
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('close', () => resolve(Buffer.concat(chunks)));
        s.on('error', reject);
      });
      const end = raw.indexOf('\r\n\r\n');
      assert.match(raw.subarray(0, end).toString(), /^HTTP\/1\.1 200 /);
      assert.match(raw.subarray(0, end).toString(), /Content-Length: 1000000/i);
      const body = raw.subarray(end + 4);
      assert.equal(body.length, 100_000);
      assert.deepEqual(body, oneMB.subarray(0, 100_000));
      await assert.rejects(fetch(`${url}/one.bin`).then((r) => r.arrayBuffer()));
      const logged = requests.filter((r) => r.path === '/one.bin' && r.aborted).at(-1);
      assert.equal(logged?.bytes, 100_000);
    } finally {
      await setFaults([]);
    }
  });

  it('cuts a stream already running', async () => {
    const res = await getPaused('/big.bin');
    await setFaults([{ type: 'reset', resetAfterBytes: 0 }]);
    const { body, error } = await drain(res);
    await setFaults([]);
    assert.ok(error, 'the client should see the cut');
    assert.ok(body.length < big.length, `${body.length} bytes`);
    assert.deepEqual(body, big.subarray(0, body.length), 'what came is right');
  });
});

describe('hang', () => {
  it('holds requests without an answer until cleared, then answers them; nothing leaks', async () => {
    await setFaults([{ type: 'hang' }]);
    let answered = false;
    const pending = fetch(`${url}/nums.txt`).then(async (r) => {
      answered = true;
      return { status: r.status, text: await r.text() };
    });
    // A client that gives up while hung is forgotten.
    const ac = new AbortController();
    const leaving = fetch(`${url}/nums.txt`, { signal: ac.signal }).catch(() => 'left');
    await delay(400);
    assert.equal(answered, false);
    assert.equal(node.faults.waiting, 2);
    ac.abort();
    assert.equal(await leaving, 'left');
    await delay(50);
    assert.equal(node.faults.waiting, 1);
    assert.equal((await fetch(`${url}/_dsm/faults`)).status, 200, 'the fault API still answers');
    await setFaults([]);
    assert.deepEqual(await pending, { status: 200, text: '123456789' });
    assert.equal(node.faults.waiting, 0);
    assert.ok(requests.some((r) => r.path === '/nums.txt' && r.status === 200 && r.fault === 'hang'));
  });
});

describe('down', () => {
  it('resets every connection while down, still answers the fault API, and serves again once cleared', async () => {
    await setFaults([{ type: 'down' }]);
    const err = await fetch(`${url}/nums.txt`).then(
      () => undefined,
      (e: Error & { cause?: { code?: string } }) => e,
    );
    assert.ok(err, 'a request to a down node should fail');
    assert.match(String(err.cause?.code ?? err.cause), /ECONNRESET|UND_ERR_SOCKET|other side closed/);
    const raw = await new Promise<number>((resolve) => {
      const s = connect(node.port(), '127.0.0.1', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
      });
      s.on('error', () => undefined);
      s.on('close', () => resolve(n));
    });
    assert.equal(raw, 0, 'not a byte of answer');
    assert.equal((await fetch(`${url}/_dsm/faults`)).status, 200);
    await setFaults([]);
    assert.equal((await fetch(`${url}/nums.txt`)).status, 200);
  });
});

describe('forSeconds', () => {
  it('removes a fault when its time is up', async () => {
    await setFaults([{ type: 'errors', forSeconds: 0.3 }]);
    assert.equal((await fetch(`${url}/nums.txt`)).status, 503);
    const listed = (await (await fetch(`${url}/_dsm/faults`)).json()) as {
      faults: Array<{ remainingSeconds?: number }>;
    };
    assert.ok((listed.faults[0]?.remainingSeconds ?? 0) > 0);
    await delay(400);
    assert.equal((await fetch(`${url}/nums.txt`)).status, 200);
    assert.deepEqual(
      ((await (await fetch(`${url}/_dsm/faults`)).json()) as { faults: unknown[] }).faults,
      [],
    );
  });
});
