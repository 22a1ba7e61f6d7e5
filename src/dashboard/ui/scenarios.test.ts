import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fault, PickAnswer, UploadAnswer } from '../protocol.js';
import type { Api } from './api.js';
import { findFault } from './fault-edit.js';
import {
  CAP_KBPS,
  runAvailability,
  runCache,
  runLatency,
  runReplication,
  type ScenarioContext,
  ScenarioError,
  undoAvailability,
  undoLatency,
} from './scenarios.js';

/** A fake cluster: records every call, picks the fastest node without a latency fault. */
function fakeCluster() {
  const calls: string[] = [];
  const faults = new Map<string, Fault[]>([
    [
      'node1',
      [
        { type: 'latency', latencyMs: 50, jitterMs: 0, toxicity: 1 },
        { type: 'bandwidth', bandwidthKBps: 100, toxicity: 1 },
      ],
    ],
  ]);
  const files = new Map<string, string>();
  const base: Record<string, number> = { node1: 52, node2: 154, node3: 310 };
  const slowed = (n: string) =>
    faults.get(n)?.some((f) => f.type === 'latency' && f.latencyMs >= 1500) ?? false;
  const api: Api = {
    stop: async (node) => {
      calls.push(`stop ${node}`);
      return { changed: true, node: { name: node, state: 'down' } };
    },
    start: async (node) => {
      calls.push(`start ${node}`);
      return { changed: true, node: { name: node, state: 'up' } };
    },
    setFaults: async (node, list) => {
      calls.push(`faults ${node} ${list.map((f) => f.type).join(',')}`);
      faults.set(node, list);
      return { node, faults: list };
    },
    pick: async (name): Promise<PickAnswer> => {
      const nodes = Object.keys(base).map((n) => ({
        name: n,
        state: 'up' as const,
        medianMs: (base[n] ?? 0) + (slowed(n) ? 1500 : 0),
        copy: 'ok',
      }));
      const best = [...nodes].sort((a, b) => (a.medianMs ?? 0) - (b.medianMs ?? 0))[0];
      calls.push(`pick ${name} → ${best?.name}`);
      return { node: best?.name ?? null, url: `http://x/${name}`, reason: 'fastest', decisionMs: 1, nodes };
    },
    upload: async (name, body): Promise<UploadAnswer> => {
      files.set(name, await body.text());
      calls.push(`upload ${name} ${files.get(name)}`);
      return { name, size: 2, sha256: 'x', version: 1, nodes: [{ node: 'node1', state: 'stored' }] };
    },
  };
  const ctx: ScenarioContext = {
    api,
    demo: 'demo.mp4',
    nodes: () => ['node1', 'node2', 'node3'],
    faultsOf: (n) => faults.get(n) ?? [],
    upNodes: () => ['node1', 'node2', 'node3'],
    restartPlayer: async () => {
      calls.push('restart player');
      return 'node2';
    },
    uploadId: () => 'u',
    fetchText: async (url) => {
      calls.push(`GET ${url}`);
      return files.get(url.slice('http://x/'.length)) ?? '';
    },
    now: () => 0,
  };
  return { ctx, calls };
}

describe('classroom scenarios', () => {
  it('latency: slows the chosen node, keeping its other faults, and the next pick moves', async () => {
    const { ctx, calls } = fakeCluster();
    const r = await runLatency(ctx);
    assert.deepEqual(r, {
      node: 'node1',
      previous: { type: 'latency', latencyMs: 50, jitterMs: 0, toxicity: 1 },
      before: 'node1',
      beforeMs: '52 ms',
      after: 'node2',
      afterMs: '154 ms',
    });
    assert.deepEqual(calls, [
      'pick demo.mp4 → node1',
      'faults node1 latency,bandwidth',
      'pick demo.mp4 → node2',
    ]);
    // Undo puts the node's own latency back (a node's configured latency is listed as a fault).
    await undoLatency(ctx, r);
    assert.deepEqual(ctx.faultsOf('node1'), [
      { type: 'latency', latencyMs: 50, jitterMs: 0, toxicity: 1 },
      { type: 'bandwidth', bandwidthKBps: 100, toxicity: 1 },
    ]);
  });

  it('availability: caps every node, restarts the player, stops its node; undo restores both', async () => {
    const { ctx, calls } = fakeCluster();
    const r = await runAvailability(ctx);
    assert.deepEqual(r, {
      node: 'node2',
      capped: [
        { node: 'node1', previous: { type: 'bandwidth', bandwidthKBps: 100, toxicity: 1 } },
        { node: 'node2', previous: null },
        { node: 'node3', previous: null },
      ],
    });
    assert.deepEqual(calls, [
      'faults node1 latency,bandwidth',
      'faults node2 bandwidth',
      'faults node3 bandwidth',
      'restart player',
      'stop node2',
    ]);
    assert.equal(findFault(ctx.faultsOf('node3'), 'bandwidth')?.bandwidthKBps, CAP_KBPS);
    await undoAvailability(ctx, r);
    assert.equal(calls[5], 'start node2');
    assert.equal(findFault(ctx.faultsOf('node1'), 'bandwidth')?.bandwidthKBps, 100, 'its own cap is back');
    assert.deepEqual(ctx.faultsOf('node3'), []);
  });

  it('availability: a player that does not start stops nothing', async () => {
    const { ctx, calls } = fakeCluster();
    const failing = {
      ...ctx,
      restartPlayer: () => Promise.reject(new ScenarioError('availability.noStream')),
    };
    await assert.rejects(runAvailability(failing), ScenarioError);
    assert.ok(!calls.some((c) => c.startsWith('stop')));
  });

  it('replication: stops the last node, then uploads the note', async () => {
    const { ctx, calls } = fakeCluster();
    const r = await runReplication(ctx);
    assert.deepEqual(r, { node: 'node3', name: 'class-note.txt', stored: ['node1'] });
    assert.equal(calls[0], 'stop node3');
    assert.match(calls[1] ?? '', /^upload class-note\.txt class note written at \d\d:\d\d:\d\d\n$/);
  });

  it('cache: v1 twice, then v2 at once', async () => {
    const { ctx, calls } = fakeCluster();
    const r = await runCache(ctx);
    assert.deepEqual(r, { node: 'node1', first: 'v1', second: 'v1', third: 'v2' });
    assert.deepEqual(calls, [
      'upload version.txt v1',
      'pick version.txt → node1',
      'GET http://x/version.txt',
      'GET http://x/version.txt',
      'upload version.txt v2',
      'GET http://x/version.txt',
    ]);
  });
});
