/**
 * The dashboard's API on a real `dsm cluster` (3 node processes, supervisor on port 0), without a
 * browser: the live event stream (node cards, request log, replica matrix, gateway stream events,
 * upload progress), fault changes, pick, upload, and who may read the stream.
 * The page itself is tested in a real Chromium by dashboard.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PickAnswer, ServerEvent, UploadAnswer } from '../../src/dashboard/protocol.js';
import { tokenFileFor } from '../../src/shared/token.js';
import { type DsmProcess, spawnDsm, stopDsm, tempDir, waitForOutput } from './helpers.js';

const ENV = { DSM_TOKEN: '' };

/** A live SSE connection that collects every event. */
interface EventStream {
  events: ServerEvent[];
  status: number;
  close(): void;
  waitFor<T extends ServerEvent>(
    what: string,
    match: (e: ServerEvent) => e is T,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(what: string, match: (e: ServerEvent) => boolean, timeoutMs?: number): Promise<ServerEvent>;
}

function openEvents(port: number, path: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const events: ServerEvent[] = [];
    const waiters: Array<() => void> = [];
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          for (const line of frame.split('\n'))
            if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ServerEvent);
          for (const w of waiters.splice(0)) w();
        }
      });
      res.on('error', () => undefined);
      const stream: EventStream = {
        events,
        status: res.statusCode ?? 0,
        close: () => req.destroy(),
        waitFor: (what: string, match: (e: ServerEvent) => boolean, timeoutMs = 15_000) =>
          new Promise<ServerEvent>((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), timeoutMs);
            const check = () => {
              const found = events.find(match);
              if (found) {
                clearTimeout(timer);
                ok(found);
              } else waiters.push(check);
            };
            check();
          }),
      } as EventStream;
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard API on a real cluster', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let p: DsmProcess;
  let port: number;
  let token: string;
  let base: string;

  before(async () => {
    dir = await tempDir('dsm-dash-api-');
    const file = join(dir.path, 'nodes.json');
    const nodes = [1, 2, 3].map((i) => ({
      name: `node${i}`,
      port: 0,
      latencyMs: 10 * i,
      root: `node${i}/storage`,
    }));
    await writeFile(file, JSON.stringify({ nodes }));
    p = spawnDsm(['cluster', '--config', file, '--port', '0', '--no-open'], { cwd: dir.path, env: ENV });
    port = Number((await waitForOutput(p, /cluster\s*│ listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    await waitForOutput(p, /replicated samples\/demo\.mp4 to node1, node2, node3/, 30_000);
    token = (await readFile(tokenFileFor(dir.path), 'utf8')).trim();
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await stopDsm(p);
    await rm(dir.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('streams hello, then node cards with measured round trips, and the replica matrix', async () => {
    const s = await openEvents(port, '/_dsm/dashboard/events');
    try {
      assert.equal(s.status, 200);
      const hello = await s.waitFor('hello', (e) => e.type === 'hello');
      assert.deepEqual(hello.type === 'hello' && [hello.demo, hello.lang], ['demo.mp4', 'en']);
      const measured = await s.waitFor(
        'every node up with a round trip',
        (e) =>
          e.type === 'nodes' &&
          e.nodes.length === 3 &&
          e.nodes.every((n) => n.state === 'up' && typeof n.rttMs.at(-1) === 'number'),
      );
      assert.ok(measured.type === 'nodes');
      // node3 has 30 ms of simulated latency: its /health round trip cannot be shorter.
      assert.ok((measured.nodes[2]?.rttMs.at(-1) ?? 0) >= 30, JSON.stringify(measured.nodes[2]?.rttMs));
      assert.deepEqual(measured.nodes[0]?.faults, [
        { type: 'latency', latencyMs: 10, jitterMs: 0, toxicity: 1 },
      ]);
      await s.waitFor(
        'the demo video ok on every node',
        (e) =>
          e.type === 'replicas' &&
          e.matrix.rows.some(
            (r) => r.name === 'demo.mp4' && r.cells.length === 3 && r.cells.every((c) => c.state === 'ok'),
          ),
      );
    } finally {
      s.close();
    }
  });

  it('logs requests served by the nodes, with their rates, but not its own health probes', async () => {
    const s = await openEvents(port, '/_dsm/dashboard/events');
    try {
      const nodes = await s.waitFor('nodes', (e) => e.type === 'nodes' && e.nodes.every((n) => n.url));
      const url = nodes.type === 'nodes' ? nodes.nodes[1]?.url : undefined;
      const res = await fetch(`${url}/demo.mp4`, { headers: { Range: 'bytes=0-99' } });
      assert.equal(res.status, 206);
      await res.arrayBuffer();
      const logged = await s.waitFor(
        'the range request in the log',
        (e) =>
          e.type === 'requests' &&
          e.requests.some((r) => r.node === 'node2' && r.status === 206 && r.range === 'bytes=0-99'),
      );
      assert.ok(logged.type === 'requests');
      await s.waitFor(
        'node2 has served bytes',
        (e) => e.type === 'nodes' && (e.nodes[1]?.bytesTotal ?? 0) >= 100,
      );
      await new Promise((r) => setTimeout(r, 1500));
      const all = s.events.flatMap((e) => (e.type === 'requests' ? e.requests : []));
      assert.equal(all.filter((r) => r.path === '/health').length, 0, 'health probes are not logged');
    } finally {
      s.close();
    }
  });

  it('changes a node’s faults through the supervisor, with the token only', async () => {
    const body = JSON.stringify({ faults: [{ type: 'latency', latencyMs: 400 }] });
    const denied = await fetch(`${base}/_dsm/cluster/nodes/node1/faults`, { method: 'PUT', body });
    assert.equal(denied.status, 401);
    const bad = await fetch(`${base}/_dsm/cluster/nodes/node1/faults`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ faults: [{ type: 'latency', latencyMs: -1 }] }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'DSM_BAD_FAULTS');
    const s = await openEvents(port, '/_dsm/dashboard/events');
    try {
      const ok = await fetch(`${base}/_dsm/cluster/nodes/node1/faults`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}` },
        body,
      });
      assert.equal(ok.status, 200);
      // The measured round trip follows: the sparkline shows the fault.
      await s.waitFor(
        'node1 measured ≥ 400 ms',
        (e) =>
          e.type === 'nodes' &&
          (e.nodes[0]?.rttMs.at(-1) ?? 0) >= 400 &&
          e.nodes[0]?.faults?.[0]?.type === 'latency',
      );
      // pick now prefers node2 (20 ms) or node3 (30 ms: 10 ms apart, either may win on a busy machine)
      // over node1 (400 ms), and honours exclude.
      const pick = (await (await fetch(`${base}/_dsm/cluster/pick/demo.mp4`)).json()) as PickAnswer;
      assert.ok(pick.node === 'node2' || pick.node === 'node3', JSON.stringify(pick));
      assert.match(pick.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/demo\.mp4$/);
      const other = (await (
        await fetch(`${base}/_dsm/cluster/pick/demo.mp4?exclude=${pick.node}`)
      ).json()) as PickAnswer;
      assert.equal(other.node, pick.node === 'node2' ? 'node3' : 'node2');
    } finally {
      s.close();
      await fetch(`${base}/_dsm/cluster/nodes/node1/faults`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({ faults: [{ type: 'latency', latencyMs: 10 }] }),
      });
    }
  });

  it('stores an upload on every node, verified, with per-node progress events', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const s = await openEvents(port, '/_dsm/dashboard/events');
    try {
      const res = await fetch(`${base}/_dsm/cluster/files/class%20note.bin?upload=up-1`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}` },
        body: bytes,
      });
      assert.equal(res.status, 200);
      const answer = (await res.json()) as UploadAnswer;
      assert.equal(answer.sha256, sha);
      assert.deepEqual(
        answer.nodes.map((n) => n.state),
        ['stored', 'stored', 'stored'],
      );
      const done = await s.waitFor(
        'the last upload event',
        (e) => e.type === 'upload' && e.upload.id === 'up-1' && e.upload.done,
      );
      assert.ok(done.type === 'upload');
      assert.deepEqual(
        done.upload.nodes.map((n) => [n.state, n.bytes]),
        [
          ['stored', bytes.length],
          ['stored', bytes.length],
          ['stored', bytes.length],
        ],
      );
      const nodes = await s.waitFor('nodes', (e) => e.type === 'nodes' && e.nodes.every((n) => n.url));
      for (const n of nodes.type === 'nodes' ? nodes.nodes : []) {
        const got = Buffer.from(await (await fetch(`${n.url}/class%20note.bin`)).arrayBuffer());
        assert.equal(createHash('sha256').update(got).digest('hex'), sha, n.name);
      }
      const bad = await fetch(`${base}/_dsm/cluster/files/.hidden?upload=x`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}` },
        body: 'x',
      });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'DSM_BAD_NAME');
    } finally {
      s.close();
    }
  });

  it("reports the gateway's streams with the player's client id", async () => {
    const s = await openEvents(port, '/_dsm/dashboard/events');
    try {
      const res = await fetch(`${base}/stream/demo.mp4?client=test-player`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const e = await s.waitFor(
        'the stream event',
        (x) => x.type === 'stream' && x.event.client === 'test-player',
      );
      assert.ok(e.type === 'stream');
      assert.equal(e.event.node, res.headers.get('x-served-by'));
      assert.equal(e.event.atByte, 0);
    } finally {
      s.close();
    }
  });

  it('serves the page with its token and language, and its assets with their types', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const html = await page.text();
    assert.ok(html.includes(`<meta name="dsm-token" content="${token}">`));
    assert.ok(html.includes('<meta name="dsm-lang" content="en">'));
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html);
    for (const a of assets) {
      const res = await fetch(`${base}${a}`);
      assert.equal(res.status, 200, a);
      assert.match(
        res.headers.get('content-type') ?? '',
        a.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      );
      assert.match(res.headers.get('cache-control') ?? '', /immutable/);
      await res.arrayBuffer();
    }
    const missing = await fetch(`${base}/assets/nope.js`);
    assert.equal(missing.status, 404);
    const traversal = await fetch(`${base}/assets/..%2f..%2fnodes.json`);
    assert.equal(traversal.status, 404);
    // Another site's page (DNS rebinding) gets no token: the 401 page says how to get in.
    const evil = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { Host: 'evil.example' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(evil.status, 401);
    assert.ok(!evil.body.includes(token));
    assert.match(evil.body, /needs its token/);
  });

  it('refuses the event stream to a page of another site (DNS rebinding: Host is not loopback)', async () => {
    const s = await openEvents(port, '/_dsm/dashboard/events', { Host: `evil.example:${port}` });
    s.close();
    assert.equal(s.status, 401);
    const withToken = await openEvents(port, `/_dsm/dashboard/events?token=${token}`, {
      Host: `evil.example:${port}`,
    });
    withToken.close();
    assert.equal(withToken.status, 200);
  });

  it('sets the page cookie when opened with ?token=, and lets that cookie alone open the page again', async () => {
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; setCookie: string[] }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    // As from another machine (a Host that is not loopback): the URL with the token, then a reload.
    const host = { Host: `192.0.2.7:${port}` };
    const first = await get(`/?token=${token}`, host);
    assert.equal(first.status, 200);
    const cookie = first.setCookie[0] ?? '';
    assert.equal(cookie, `dsm_token_${port}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    assert.equal((await get('/', host)).status, 401);
    const pair = cookie.split(';')[0] as string;
    assert.equal((await get('/', { ...host, Cookie: pair })).status, 200);
    assert.equal((await get('/', { ...host, Cookie: `dsm_token_${port}=nope` })).status, 401);
    // The cookie never authorizes an action: those need the Bearer header.
    const action = await fetch(`${base}/_dsm/cluster/nodes/node1/stop`, {
      method: 'POST',
      headers: { Cookie: pair },
    });
    assert.equal(action.status, 401);
  });
});
