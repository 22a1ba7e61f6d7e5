import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../shared/random.js';
import type { NodeSnapshot } from '../supervisor/node-process.js';
import {
  DashboardHub,
  type NodeProbe,
  pushBounded,
  ratePerS,
  servedSince,
  toMatrix,
} from './dashboard-hub.js';
import type { ServerEvent } from './protocol.js';

describe('pushBounded', () => {
  const cases: Array<[number[], number, number, number[]]> = [
    [[], 5, 3, [5]],
    [[1, 2, 3], 4, 3, [2, 3, 4]],
    [[1, 2], 3, 3, [1, 2, 3]],
  ];
  for (const [h, s, max, want] of cases)
    it(`${JSON.stringify(h)} + ${s} (max ${max}) → ${JSON.stringify(want)}`, () =>
      assert.deepEqual(pushBounded(h, s, max), want));
});

describe('ratePerS', () => {
  const cases: Array<[number, number, number, number]> = [
    [10, 30, 2000, 10],
    [10, 10, 1000, 0],
    [0, 5, 0, 0],
    [0, 1_000_000, 500, 2_000_000],
  ];
  for (const [a, b, ms, want] of cases)
    it(`${a} → ${b} in ${ms} ms → ${want}/s`, () => assert.equal(ratePerS(a, b, ms), want));
});

describe('servedSince', () => {
  const cases: Array<[number | undefined, number, number]> = [
    [undefined, 500, 0],
    [500, 800, 300],
    [800, 100, 100],
  ];
  for (const [before, now, want] of cases)
    it(`${before} → ${now}: ${want}`, () => assert.equal(servedSince(before, now), want));
});

describe('toMatrix', () => {
  it('gives each file a row with the state of each node’s copy', () => {
    const m = toMatrix([
      { node: 'n1', files: [{ name: 'a.mp4', size: 10, sha256: 'aa', version: 2 }] },
      { node: 'n2', files: [{ name: 'a.mp4', size: 10, sha256: 'bb', version: 1 }] },
      { node: 'n3', files: null },
    ]);
    assert.deepEqual(m, {
      nodes: ['n1', 'n2', 'n3'],
      rows: [
        {
          name: 'a.mp4',
          size: 10,
          version: 2,
          cells: [
            { node: 'n1', state: 'ok', version: 2 },
            { node: 'n2', state: 'stale', version: 1 },
            { node: 'n3', state: 'unknown', version: null },
          ],
        },
      ],
    });
  });
});

describe('DashboardHub over a real SSE connection', () => {
  const snapshot = (name: string, state: NodeSnapshot['state'], url: string | null): NodeSnapshot => ({
    name,
    state,
    pid: state === 'up' ? 1 : null,
    port: 1,
    url,
    exitCode: null,
    signal: null,
    lastError: null,
    restarts: 0,
  });
  let nodes: NodeSnapshot[] = [snapshot('n1', 'up', 'http://n1'), snapshot('n2', 'down', null)];
  let probes = 0;
  /** n1's live byte counter, as its /health reports it. */
  let n1Bytes: number | undefined;
  const probe: NodeProbe = {
    health: async (url) => {
      probes++;
      return { rttMs: 42, bytesServed: url === 'http://n1' ? n1Bytes : undefined };
    },
    faults: async () => [{ type: 'latency', latencyMs: 40, jitterMs: 0, toxicity: 1 }],
    files: async () => [{ name: 'demo.mp4', size: 3, sha256: 'ab', version: 7 }],
  };
  const hub = new DashboardHub({
    snapshots: () => nodes,
    probe,
    clock: systemClock,
    lang: 'pt-BR',
    configFile: '/x/nodes.json',
    demo: 'demo.mp4',
    nodesIntervalMs: 50,
    replicasIntervalMs: 50,
  });
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((_req, res) => hub.subscribe(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    hub.close();
    server.closeAllConnections();
    server.close();
  });

  function listen(): Promise<{
    events: ServerEvent[];
    close: () => void;
    until: (n: number) => Promise<void>;
  }> {
    return new Promise((resolve) => {
      const events: ServerEvent[] = [];
      const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ServerEvent);
          }
        });
        res.on('error', () => undefined);
        resolve({
          events,
          close: () => req.destroy(),
          until: async (n) => {
            for (let t = 0; events.length < n && t < 200; t++) await new Promise((r) => setTimeout(r, 10));
          },
        });
      });
      req.end();
    });
  }

  it('greets a page with hello and what it knows, then keeps measuring the nodes that are up', async () => {
    const page = await listen();
    await page.until(8);
    page.close();
    const [hello] = page.events;
    assert.deepEqual(hello, { type: 'hello', lang: 'pt-BR', configFile: '/x/nodes.json', demo: 'demo.mp4' });
    const cards = page.events.filter((e) => e.type === 'nodes');
    const last = cards.at(-1);
    assert.ok(last?.type === 'nodes');
    assert.equal(last.nodes[0]?.rttMs.at(-1), 42);
    assert.deepEqual(last.nodes[0]?.faults, [{ type: 'latency', latencyMs: 40, jitterMs: 0, toxicity: 1 }]);
    assert.equal(last.nodes[1]?.rttMs.at(-1), null, 'a down node is not probed: a gap in its sparkline');
    assert.equal(last.nodes[1]?.faults, null);
    const replicas = page.events.find((e) => e.type === 'replicas');
    assert.ok(replicas?.type === 'replicas');
    assert.equal(replicas.matrix.rows[0]?.name, 'demo.mp4');
  });

  it('stops probing when the last page leaves', async () => {
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(hub.pages, 0);
    const before = probes;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(probes, before);
  });

  it('passes on request records with ids and counts them in the totals', async () => {
    const page = await listen();
    await page.until(3);
    hub.requests('n1', {
      type: 'dsm-requests',
      requests: [
        {
          method: 'GET',
          path: '/demo.mp4',
          status: 206,
          range: 'bytes=0-9',
          bytes: 10,
          latencyMs: 40,
          totalMs: 41,
          atMs: 5,
        },
      ],
      dropped: 2,
    });
    hub.stream({ name: 'demo.mp4', client: 'p1', node: 'n1', atByte: 0 });
    nodes = [snapshot('n1', 'up', 'http://n1'), snapshot('n2', 'up', 'http://n2')];
    await page.until(page.events.length + 6);
    page.close();
    const req = page.events.find((e) => e.type === 'requests' && e.requests.length === 1);
    assert.ok(req?.type === 'requests');
    assert.deepEqual(req.requests[0], {
      id: 1,
      atMs: 5,
      node: 'n1',
      method: 'GET',
      path: '/demo.mp4',
      status: 206,
      range: 'bytes=0-9',
      bytes: 10,
      latencyMs: 40,
      totalMs: 41,
    });
    const stream = page.events.find((e) => e.type === 'stream');
    assert.ok(stream?.type === 'stream');
    assert.equal(stream.event.client, 'p1');
    const last = page.events.filter((e) => e.type === 'nodes').at(-1);
    assert.ok(last?.type === 'nodes');
    assert.equal(last.nodes[0]?.requestsTotal, 3, 'dropped records count too');
    assert.equal(last.nodes[0]?.bytesTotal, 10);
    assert.equal(last.nodes[1]?.rttMs.at(-1), 42, 'a node that came up is measured');
  });

  it('counts bytes from the node’s live counter once it reports one, also across a restart', async () => {
    const page = await listen();
    const bytesOf = async (at: number) => {
      await page.until(at);
      const cards = page.events.filter((e) => e.type === 'nodes');
      const last = cards.at(-1);
      return last?.type === 'nodes' ? last.nodes[0]?.bytesTotal : undefined;
    };
    const base = (await bytesOf(3)) ?? 0;
    n1Bytes = 1000;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await bytesOf(page.events.length), base, 'the first reading only sets the starting point');
    n1Bytes = 1500;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await bytesOf(page.events.length), base + 500);
    // Records no longer add bytes: the counter has them already (also mid-stream).
    hub.requests('n1', {
      type: 'dsm-requests',
      requests: [{ method: 'GET', path: '/a', status: 200, bytes: 400, latencyMs: 0, totalMs: 1, atMs: 1 }],
      dropped: 0,
    });
    n1Bytes = 200; // restarted: its counter began again
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await bytesOf(page.events.length), base + 700);
    page.close();
  });
});
