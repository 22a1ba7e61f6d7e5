/**
 * `dsm fault` against a real `dsm node` process: the node started from a nodes.json with a token,
 * the CLI reading the same file, and a client that sees each fault as a viewer would.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePorts, tempDir } from './helpers.js';
import { ProcessPool, type TrackedNode } from './processes.js';

const TOKEN = 'e2e-fault-token-0123456789';
/** Tests must not pick up a token from the environment they run in. */
const ENV = { DSM_TOKEN: '' };

const pool = new ProcessPool();
let tmp: { path: string; cleanup: () => Promise<void> };
let config: string;
let node: TrackedNode;

const dsmFault = (...args: string[]) =>
  pool.run(['fault', 'node1', '--config', config, ...args], { cwd: tmp.path, env: ENV, timeoutMs: 15_000 });

before(async () => {
  tmp = await tempDir('dsm-fault-');
  config = join(tmp.path, 'nodes.json');
  const port = (await freePorts(1))[0] as number;
  await writeFile(config, JSON.stringify({ token: TOKEN, nodes: [{ name: 'node1', port, root: 'n1' }] }));
  node = await pool.startNode(['node', '--config', config, '--name', 'node1', '--seed', '7'], {
    cwd: tmp.path,
    env: ENV,
  });
});

after(async () => {
  await pool.stopAll();
  await tmp?.cleanup();
});

describe('dsm fault against a running dsm node', () => {
  it('prints that the node has no faults', async () => {
    const r = await dsmFault();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'node1: no faults\n');
  });

  it('sets latency and bandwidth, which the node applies at once and reports', async () => {
    const r = await dsmFault('--latency-ms', '300', '--bandwidth-kbps', '300');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'node1 faults:\n  latency 300 ms\n  bandwidth 300 KB/s\n');
    const t0 = performance.now();
    const health = (await (await fetch(`${node.url}/health`)).json()) as { latencyMs: number };
    assert.ok(performance.now() - t0 >= 295);
    assert.equal(health.latencyMs, 300);
    await pool.waitFor(node, /faults: latency 300 ms; bandwidth 300 KB\/s/);
  });

  it('adds errors to the faults already there, and prints JSON with --json', async () => {
    const r = await dsmFault('--error-rate', '1', '--error-status', '503', '--json');
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout) as { node: string; faults: Array<{ type: string }> };
    assert.deepEqual(
      body.faults.map((f) => f.type),
      ['latency', 'errors', 'bandwidth'],
    );
    assert.equal((await fetch(`${node.url}/health`)).status, 503);
  });

  it('makes the node refuse connections with --down, and serves again after --clear', async () => {
    const down = await dsmFault('--clear', '--down');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, 'node1 faults:\n  down: connections reset\n');
    const err = await fetch(`${node.url}/health`).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err, 'a request to a down node should fail');
    const cleared = await dsmFault('--clear');
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.stdout, 'node1: no faults\n');
    assert.equal((await fetch(`${node.url}/health`)).status, 200);
  });

  it('--clear puts back the latency nodes.json gives the node, not none', async () => {
    // The same node, described with a configured latency of 25 ms (as the classroom nodes.json does).
    const withLatency = join(tmp.path, 'latency.json');
    const port = Number(new URL(node.url).port);
    await writeFile(
      withLatency,
      JSON.stringify({ token: TOKEN, nodes: [{ name: 'node1', port, root: 'n1', latencyMs: 25 }] }),
    );
    const run = (...args: string[]) =>
      pool.run(['fault', 'node1', '--config', withLatency, ...args], {
        cwd: tmp.path,
        env: ENV,
        timeoutMs: 15_000,
      });
    assert.equal((await run('--latency-ms', '500')).code, 0);
    const cleared = await run('--clear');
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.stdout, 'node1 faults:\n  latency 25 ms\n');
    assert.equal(((await (await fetch(`${node.url}/health`)).json()) as { latencyMs: number }).latencyMs, 25);
    assert.equal((await dsmFault('--clear')).stdout, 'node1: no faults\n');
  });

  it('holds requests with --hang --for-seconds, then answers them when the time is up', async () => {
    // Timed from before the command: the hang starts after t0, so no answer can come before t0 + 3 s,
    // however slowly a busy machine starts the CLI (a check from after the command flaked under load).
    const t0 = performance.now();
    const r = await dsmFault('--hang', '--for-seconds', '3');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hang: no answer, (3|2\.\d) s left/);
    const res = await fetch(`${node.url}/health`);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - t0 >= 2950, 'the request should have waited for the hang to expire');
    assert.equal((await dsmFault()).stdout, 'node1: no faults\n');
  });

  it('refuses a change with a wrong token (exit 1), and bad flags (exit 2)', async () => {
    const wrong = await pool.run(['fault', 'node1', '--config', config, '--down'], {
      cwd: tmp.path,
      env: { DSM_TOKEN: 'not-the-token-0123456789' },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^dsm: the token was refused: check DSM_TOKEN/);
    const bad = await dsmFault('--error-rate', '2');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /a share must be a number from 0 to 1/);
    const lonely = await dsmFault('--toxicity', '0.5');
    assert.equal(lonely.code, 2);
    assert.match(lonely.stderr, /--toxicity and --for-seconds apply to the faults set by the same command/);
    assert.equal((await fetch(`${node.url}/health`)).status, 200);
  });
});
