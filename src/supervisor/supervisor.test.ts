/**
 * The supervisor against fake child processes: start/stop by name, crash reporting, restarts with
 * backoff, shutdown. (Real processes: test/e2e/cluster.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeSpawn } from '../../test/support/fake-child.js';
import type { DsmError } from '../shared/errors.js';
import { systemClock } from '../shared/random.js';
import { DEFAULT_RESTART_POLICY } from './restart-policy.js';
import { nodeArgs, Supervisor, type SupervisorEvent } from './supervisor.js';

const NODES = [
  { name: 'node1', host: '127.0.0.1', port: 0, latencyMs: 50, jitterMs: 0, root: '/r1', maxUploadMiB: 1 },
  { name: 'node2', host: '127.0.0.1', port: 8002, latencyMs: 150, jitterMs: 0, root: '/r2', maxUploadMiB: 1 },
];

function make(restart = false, fetchFn?: typeof fetch) {
  const f = fakeSpawn();
  const events: SupervisorEvent[] = [];
  const sup = new Supervisor({
    nodes: NODES as never,
    configFile: '/c/nodes.json',
    dsm: { command: '/usr/bin/node', args: ['/p/bin/dsm.js'] },
    extraArgs: ['--lang', 'en'],
    cwd: '/c',
    env: { DSM_TOKEN: 't' },
    spawn: f.spawn,
    platform: 'linux',
    clock: systemClock,
    fetch: fetchFn ?? (async () => new Response('{}')),
    restart: { ...DEFAULT_RESTART_POLICY, enabled: restart, delayMs: 10, maxAttempts: 2 },
    stopGraceMs: 100,
    startTimeoutMs: 500,
    onEvent: (e) => events.push(e),
  });
  /** Makes child `i` print its ready line. */
  const ready = (i: number, port = 40000 + i) =>
    f.children[i]?.say(`${f.calls[i]?.args[5]}  listening on http://127.0.0.1:${port} · root /x`);
  return { sup, ...f, events, ready };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('nodeArgs', () => {
  it('runs `dsm node` with the cluster file and the node name', () => {
    assert.deepEqual(nodeArgs(['/p/bin/dsm.js'], '/c/nodes.json', 'node1', ['--lang', 'en']), [
      '/p/bin/dsm.js',
      'node',
      '--config',
      '/c/nodes.json',
      '--name',
      'node1',
      '--lang',
      'en',
    ]);
  });
});

describe('Supervisor', () => {
  it('starts every node and passes the environment in', async () => {
    const t = make();
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    const nodes = await all;
    assert.deepEqual(
      nodes.map((n) => [n.name, n.state, n.port]),
      [
        ['node1', 'up', 40000],
        ['node2', 'up', 40001],
      ],
    );
    assert.equal(t.calls[0]?.options.env?.DSM_TOKEN, 't');
    assert.equal(t.calls[0]?.command, '/usr/bin/node');
  });

  it('forwards output lines as events, named', async () => {
    const t = make();
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    assert.ok(
      t.events.some((e) => e.kind === 'output' && e.node === 'node2' && e.line.includes('listening on')),
    );
  });

  it('stops and starts a node by name; an unknown name is DSM_NODE_NOT_IN_CONFIG', async () => {
    const t = make();
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    const stopped = await t.sup.stop('node1');
    assert.deepEqual([stopped.changed, stopped.node.state], [true, 'down']);
    assert.ok(t.events.some((e) => e.kind === 'stopped' && e.node.name === 'node1'));
    const again = await t.sup.stop('node1');
    assert.equal(again.changed, false);
    const starting = t.sup.start('node1');
    t.ready(2);
    assert.equal((await starting).node.state, 'up');
    await assert.rejects(t.sup.stop('nodeX'), (err: DsmError) => err.code === 'DSM_NODE_NOT_IN_CONFIG');
  });

  it('reports a crash and does not restart by default', async () => {
    const t = make();
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    t.children[0]?.exit(null, 'SIGKILL');
    await tick(50);
    const crash = t.events.find((e) => e.kind === 'crashed');
    assert.ok(crash && crash.kind === 'crashed');
    assert.equal(crash.node.name, 'node1');
    assert.equal(crash.node.signal, 'SIGKILL');
    assert.deepEqual(crash.decision, { action: 'report' });
    assert.equal(t.children.length, 2, 'no new process');
    assert.equal(t.sup.snapshots()[0]?.state, 'crashed');
  });

  it('with restart on, restarts a crashed node after the backoff, then gives up', async () => {
    const t = make(true);
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    t.children[0]?.exit(1, null);
    await tick(40);
    assert.equal(t.children.length, 3, 'restarted once');
    t.ready(2);
    await tick();
    assert.equal(t.sup.snapshots()[0]?.state, 'up');
    assert.equal(t.sup.snapshots()[0]?.restarts, 1);
    t.children[2]?.exit(1, null);
    await tick(60);
    assert.equal(t.children.length, 4, 'restarted twice');
    t.children[3]?.exit(1, null);
    await tick(100);
    assert.equal(t.children.length, 4, 'gave up after maxAttempts');
    const decisions = t.events.flatMap((e) => (e.kind === 'crashed' ? [e.decision.action] : []));
    assert.deepEqual(decisions, ['restart', 'restart', 'give-up']);
  });

  it('a manual stop cancels a pending restart', async () => {
    const t = make(true);
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    t.children[0]?.exit(1, null);
    await tick(1);
    await t.sup.stop('node1');
    await tick(40);
    assert.equal(t.children.length, 2);
  });

  it('shutdown stops every node and restarts none', async () => {
    const t = make(true);
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    await t.sup.shutdown();
    await tick(40);
    assert.deepEqual(
      t.sup.snapshots().map((n) => n.state),
      ['down', 'down'],
    );
    assert.equal(t.children.length, 2);
    assert.deepEqual(
      t.children.map((c) => c.signals),
      [['SIGTERM'], ['SIGTERM']],
    );
  });

  it('status() probes the nodes that are up for their latency and round trip', async () => {
    const asked: string[] = [];
    const t = make(false, (async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify({ latencyMs: 77 }));
    }) as typeof fetch);
    const all = t.sup.startAll();
    t.ready(0);
    t.ready(1);
    await all;
    await t.sup.stop('node2');
    const status = await t.sup.status();
    assert.deepEqual(asked, ['http://127.0.0.1:40000/health']);
    assert.equal(status[0]?.latencyMs, 77);
    assert.equal(typeof status[0]?.rttMs, 'number');
    assert.equal(status[1]?.latencyMs, 150, "a down node shows nodes.json's latency");
    assert.equal(status[1]?.rttMs, null);
  });
});
