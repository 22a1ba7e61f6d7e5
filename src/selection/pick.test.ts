/**
 * pickNode over a fake network: each fake node answers after its latency, or refuses, or hangs until
 * the request is cancelled. Real timers, small latencies; bounds are generous, orders are exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNodeClient, type FetchLike } from '../client/node-client.js';
import { systemClock } from '../shared/random.js';
import { pickNode } from './pick.js';

interface FakeNode {
  latencyMs?: number;
  /** Version of demo.mp4, or 'absent'. */
  file?: number | 'absent';
  behaviour?: 'ok' | 'refuse' | 'hang' | 'error500';
  /** Version of a deletion of demo.mp4, listed in /_dsm/files. */
  deleted?: number;
}

function fakeNetwork(nodes: Record<string, FakeNode>) {
  const requests: string[] = [];
  let inFlight = 0;
  const fetch: FetchLike = (url, init) => {
    const { host, pathname } = new URL(url);
    const name = host.split('.')[0] as string;
    const node = nodes[name];
    requests.push(`${init?.method ?? 'GET'} ${name}${pathname}`);
    if (!node || node.behaviour === 'refuse') {
      return Promise.reject(
        Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        }),
      );
    }
    inFlight++;
    return new Promise<Response>((resolve, reject) => {
      const signal = init?.signal;
      const answer = () => {
        signal?.removeEventListener('abort', cancel);
        inFlight--;
        if (node.behaviour === 'error500') return resolve(new Response('boom', { status: 500 }));
        if (pathname === '/health') {
          return resolve(
            Response.json({ node: name, status: 'ok', latencyMs: node.latencyMs, uptimeS: 1, files: 1 }),
          );
        }
        if (pathname === '/_dsm/files') {
          const tomb = {
            name: 'demo.mp4',
            deleted: true,
            version: node.deleted,
            updatedAt: '2026-11-25T16:00:00Z',
          };
          return resolve(Response.json(node.deleted ? [tomb] : []));
        }
        if (node.file === 'absent' || node.file === undefined)
          return resolve(new Response(null, { status: 404 }));
        resolve(
          new Response(null, {
            status: 200,
            headers: {
              ETag: `"sha256-v${node.file}"`,
              'Content-Length': '10',
              'X-Dsm-Version': String(node.file),
            },
          }),
        );
      };
      const timer = node.behaviour === 'hang' ? undefined : setTimeout(answer, node.latencyMs ?? 0);
      function cancel() {
        clearTimeout(timer);
        inFlight--;
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', cancel, { once: true });
    });
  };
  const clients = Object.keys(nodes).map((name) => ({
    name,
    client: createNodeClient(`http://${name}.test`, fetch),
  }));
  return { clients, requests, inFlight: () => inFlight };
}

const pick = (nodes: Record<string, FakeNode>, extra: { samples?: number; timeoutMs?: number } = {}) => {
  const net = fakeNetwork(nodes);
  const result = pickNode({
    nodes: net.clients,
    file: 'demo.mp4',
    samples: extra.samples ?? 3,
    timeoutMs: extra.timeoutMs ?? 2000,
    clock: systemClock,
  });
  return { net, result };
};

describe('pickNode', () => {
  it('picks the fastest node that holds the file, and reports every node fastest first', async () => {
    const { result } = pick({
      c: { latencyMs: 60, file: 1 },
      a: { latencyMs: 10, file: 1 },
      b: { latencyMs: 30, file: 1 },
    });
    const r = await result;
    assert.equal(r.decision.kind, 'chosen');
    assert.equal(r.decision.kind === 'chosen' && r.decision.node, 'a');
    assert.equal(r.url, 'http://a.test/demo.mp4');
    assert.equal(r.nodes[0]?.name, 'a');
    assert.equal(r.nodes[0]?.samplesMs.length, 3);
    assert.equal(r.nodes[0]?.state, 'up');
  });

  it('does not wait for a hung node, and cancels every request still in flight', async () => {
    const { result, net } = pick({
      a: { latencyMs: 10, file: 1 },
      b: { latencyMs: 30, file: 1 },
      c: { latencyMs: 60, file: 1 },
      hung: { behaviour: 'hang' },
    });
    const r = await result;
    assert.equal(r.decision.kind === 'chosen' && r.decision.node, 'a');
    // (n + 1) × 10 ms is below the 100 ms floor: about 100 ms, far from the 2 s timeout.
    assert.ok(r.decisionMs < 600, `decision took ${r.decisionMs} ms`);
    assert.deepEqual(r.decision.kind === 'chosen' && r.decision.reason.notWaitedFor, ['hung']);
    assert.equal(r.nodes.find((n) => n.name === 'hung')?.state, 'silent');
    assert.equal(net.inFlight(), 0);
  });

  it('skips a faster node that is stale and says so', async () => {
    const { result } = pick({ a: { latencyMs: 5, file: 1 }, b: { latencyMs: 25, file: 2 } });
    const r = await result;
    assert.equal(r.decision.kind, 'chosen');
    if (r.decision.kind !== 'chosen') return;
    assert.equal(r.decision.node, 'b');
    assert.equal(r.decision.reason.version, 2);
    assert.deepEqual(
      r.decision.reason.skipped.map((s) => [s.node, s.why]),
      [['a', 'stale']],
    );
  });

  it('skips a faster node that lacks the file', async () => {
    const { result } = pick({ a: { latencyMs: 5, file: 'absent' }, b: { latencyMs: 25, file: 1 } });
    const r = await result;
    assert.equal(r.decision.kind === 'chosen' && r.decision.node, 'b');
    assert.deepEqual(r.decision.kind === 'chosen' && r.decision.reason.skipped.map((s) => s.why), [
      'lacks-file',
    ]);
  });

  it('a deletion newer than every copy: no node may serve the file', async () => {
    const { result, net } = pick({
      a: { latencyMs: 5, file: 1 },
      b: { latencyMs: 15, file: 'absent', deleted: 2 },
    });
    const r = await result;
    assert.deepEqual(r.decision, { kind: 'none', reason: { why: 'deleted', version: 2, node: 'b' } });
    assert.deepEqual(
      r.nodes.map((n) => [n.name, n.copy]),
      [
        ['a', 'older'],
        ['b', 'deleted'],
      ],
    );
    assert.ok(net.requests.includes('GET b/_dsm/files'));
  });

  it('classifies down nodes: refused, timeout, error', async () => {
    const { result } = pick(
      {
        a: { behaviour: 'refuse' },
        b: { behaviour: 'hang' },
        c: { behaviour: 'error500', latencyMs: 5 },
        d: { latencyMs: 20, file: 'absent' },
      },
      { timeoutMs: 150 },
    );
    const r = await result;
    // d answered but lacks the file; b might have it, so it is given the whole timeout.
    assert.deepEqual(r.decision, { kind: 'none', reason: { why: 'not-found' } });
    const states = Object.fromEntries(r.nodes.map((n) => [n.name, [n.state, n.failure?.kind]]));
    assert.deepEqual(states, {
      a: ['down', 'refused'],
      b: ['down', 'timeout'],
      c: ['down', 'error'],
      d: ['up', undefined],
    });
  });

  it('a request that times out marks the node down', async () => {
    const { result } = pick({ a: { behaviour: 'hang' }, b: { behaviour: 'hang' } }, { timeoutMs: 50 });
    const r = await result;
    assert.deepEqual(r.decision, { kind: 'none', reason: { why: 'all-down' } });
    assert.deepEqual(
      r.nodes.map((n) => n.failure?.kind),
      ['timeout', 'timeout'],
    );
  });

  it('every node down → none, all down, at once', async () => {
    const { result } = pick({ a: { behaviour: 'refuse' }, b: { behaviour: 'refuse' } });
    const r = await result;
    assert.deepEqual(r.decision, { kind: 'none', reason: { why: 'all-down' } });
    assert.ok(r.decisionMs < 100);
  });

  it('asks each node for the file once and for /health `samples` times, one after the other', async () => {
    const { result, net } = pick({ a: { latencyMs: 5, file: 1 } }, { samples: 4 });
    await result;
    assert.deepEqual(net.requests.sort(), [
      'GET a/health',
      'GET a/health',
      'GET a/health',
      'GET a/health',
      'HEAD a/demo.mp4',
    ]);
  });
});
