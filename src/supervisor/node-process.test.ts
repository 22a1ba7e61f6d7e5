/**
 * The node state machine against a fake child process: no real process, so crashes, slow stops and
 * spawn failures are exact and fast. (Real processes: test/e2e/cluster.test.ts.)
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { FakeChild, fakeSpawn } from '../../test/support/fake-child.js';
import { systemClock } from '../shared/random.js';
import { type NodeExit, NodeProcess, type NodeProcessOptions, stateAfterExit } from './node-process.js';

function make(overrides: Partial<NodeProcessOptions> = {}) {
  const f = fakeSpawn();
  const lines: string[] = [];
  const exits: NodeExit[] = [];
  const ups: string[] = [];
  const proc = new NodeProcess({
    name: 'node1',
    configuredPort: 0,
    command: 'node',
    args: ['dsm.js', 'node'],
    cwd: '/x',
    env: {},
    spawn: f.spawn,
    platform: 'linux',
    clock: systemClock,
    stopGraceMs: 50,
    startTimeoutMs: 1000,
    onLine: (stream, line) => lines.push(`${stream}: ${line}`),
    onUp: (n) => ups.push(`${n.name} ${n.url}`),
    onExit: (e) => exits.push(e),
    ...overrides,
  });
  return { proc, ...f, lines, exits, ups };
}

const LISTENING = 'node1  listening on http://127.0.0.1:40001 · root /x · latency 0 ms · 0 files';

describe('stateAfterExit', () => {
  it('is down after a requested stop and crashed otherwise', () => {
    assert.equal(stateAfterExit('stopping'), 'down');
    assert.equal(stateAfterExit('starting'), 'crashed');
    assert.equal(stateAfterExit('up'), 'crashed');
  });
});

describe('NodeProcess', () => {
  it('spawns with an IPC channel, and is up with the port of its "listening on" line', async () => {
    const t = make();
    const started = t.proc.start();
    assert.equal(t.proc.state, 'starting');
    t.children[0]?.say(LISTENING);
    assert.equal(await started, true);
    assert.equal(t.proc.state, 'up');
    assert.deepEqual(t.calls[0]?.options.stdio, ['ignore', 'pipe', 'pipe', 'ipc']);
    assert.equal(t.calls[0]?.options.detached, true);
    const s = t.proc.snapshot();
    assert.equal(s.pid, 1000);
    assert.equal(s.port, 40001);
    assert.equal(s.url, 'http://127.0.0.1:40001');
    assert.deepEqual(t.ups, ['node1 http://127.0.0.1:40001']);
    assert.deepEqual(t.lines, [`stdout: ${LISTENING}`]);
  });

  it('does not start a second process when running', async () => {
    const t = make();
    const started = t.proc.start();
    t.children[0]?.say(LISTENING);
    await started;
    assert.equal(await t.proc.start(), false);
    assert.equal(t.children.length, 1);
  });

  it('stops with SIGTERM and is then down', async () => {
    const t = make();
    const started = t.proc.start();
    t.children[0]?.say(LISTENING);
    await started;
    assert.equal(await t.proc.stop(), true);
    assert.equal(t.proc.state, 'down');
    assert.deepEqual(t.children[0]?.signals, ['SIGTERM']);
    assert.equal(t.exits[0]?.state, 'down');
    assert.equal(t.proc.snapshot().pid, null);
    assert.equal(t.proc.snapshot().url, null);
    assert.equal(t.proc.snapshot().port, 40001, 'the last known port stays');
  });

  it('sends SIGKILL when the node does not stop within the grace period', async () => {
    const t = make({ stopGraceMs: 30 });
    const started = t.proc.start();
    const child = t.children[0];
    assert.ok(child);
    child.say(LISTENING);
    await started;
    child.onSignal = (sig) => {
      if (sig === 'SIGKILL') child.exit(null, 'SIGKILL');
    };
    await t.proc.stop();
    assert.deepEqual(child.signals, ['SIGTERM', 'SIGKILL']);
    assert.equal(t.proc.state, 'down');
  });

  it('on Windows asks the node to stop by closing the IPC channel, and spawns it attached', async () => {
    const t = make({ platform: 'win32' });
    const started = t.proc.start();
    t.children[0]?.say(LISTENING);
    await started;
    await t.proc.stop();
    assert.equal(t.children[0]?.disconnected, true);
    assert.deepEqual(t.children[0]?.signals, []);
    assert.equal(t.calls[0]?.options.detached, false);
  });

  it('is crashed when the process ends by itself, with its exit and last error line', async () => {
    const t = make();
    const started = t.proc.start();
    const child = t.children[0];
    child?.say(LISTENING);
    await started;
    child?.say('node1  error: disk on fire', 'stderr');
    child?.exit(1, null);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.proc.state, 'crashed');
    assert.equal(t.exits[0]?.state, 'crashed');
    const s = t.proc.snapshot();
    assert.equal(s.exitCode, 1);
    assert.equal(s.lastError, 'error: disk on fire');
  });

  it('start() returns when the node fails before listening', async () => {
    const t = make();
    const started = t.proc.start();
    t.children[0]?.say('dsm: port 8001 is already in use: is node1 already running?', 'stderr');
    t.children[0]?.exit(2, null);
    assert.equal(await started, true);
    assert.equal(t.proc.state, 'crashed');
    assert.equal(t.proc.snapshot().lastError, 'dsm: port 8001 is already in use: is node1 already running?');
  });

  it('start() returns after the start timeout while the node stays silent', async () => {
    const t = make({ startTimeoutMs: 20 });
    await t.proc.start();
    assert.equal(t.proc.state, 'starting');
    await t.proc.stop();
  });

  it('is crashed when the process cannot be spawned at all', async () => {
    const t = make({
      spawn: () => {
        const child = new FakeChild(undefined);
        setImmediate(() => child.emit('error', new Error('spawn nope ENOENT')));
        return child as unknown as ChildProcess;
      },
    });
    await t.proc.start();
    assert.equal(t.proc.state, 'crashed');
    assert.equal(t.proc.snapshot().lastError, 'spawn nope ENOENT');
  });

  it('starting while stopping waits for the end, then starts a new process', async () => {
    const t = make({ stopGraceMs: 1000 });
    const started = t.proc.start();
    const first = t.children[0];
    assert.ok(first);
    first.say(LISTENING);
    await started;
    first.onSignal = () => setTimeout(() => first.exit(0, null), 20);
    const stopping = t.proc.stop();
    const restarting = t.proc.start();
    await stopping;
    t.children[1]?.say(LISTENING);
    assert.equal(await restarting, true);
    assert.equal(t.proc.state, 'up');
    assert.equal(t.children.length, 2);
  });
});
