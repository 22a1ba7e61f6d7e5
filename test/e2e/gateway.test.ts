/**
 * The gateway with real `dsm node` processes and a real `dsm gateway`: the node serving a download is
 * SIGKILLed (or SIGSTOPped) mid-stream, and the client must still receive a byte-exact file.
 *
 * The client pauses reading once some MiB have arrived, the serving node (X-Served-By) is killed or
 * stopped, and the client reads on: whatever the node had sent is counted, the rest comes from the
 * other node with `Range: bytes=<next>-` and `If-Match`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot, tempDir } from './helpers.js';
import { ProcessPool, type TrackedNode, type TrackedProcess } from './processes.js';

const SIZE = 64 * 1024 * 1024;
const FILE = randomBytes(SIZE);
const SHA = createHash('sha256').update(FILE).digest('hex');
const MTIME = new Date('2026-01-01T00:00:00Z');
const PAUSE_AT_BYTES = 8 * 1024 * 1024;

const pool = new ProcessPool();
let dir: { path: string; cleanup: () => Promise<void> };
const nodes = new Map<string, TrackedNode>();

async function hashed(url: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${url}/big.bin`, { method: 'HEAD' });
    if (res.headers.get('etag') === `"sha256-${SHA}"`) return;
    if (Date.now() - started > 20_000) throw new Error(`${url} never hashed big.bin`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startCluster(): Promise<TrackedProcess & { url: string }> {
  for (const n of nodes.values()) await pool.stop(n, 2_000);
  nodes.clear();
  for (const name of ['node1', 'node2']) {
    const root = join(dir.path, name);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'big.bin'), FILE);
    await utimes(join(root, 'big.bin'), MTIME, MTIME);
    const node = await pool.startNode([
      'node',
      '--name',
      name,
      '--port',
      '0',
      '--root',
      root,
      '--scrub-interval-ms',
      '0',
    ]);
    nodes.set(name, node);
    await hashed(node.url);
  }
  const config = join(dir.path, `nodes-${Date.now()}.json`);
  await writeFile(
    config,
    JSON.stringify({
      nodes: [...nodes].map(([name, n]) => ({ name, port: n.port, root: join(dir.path, name) })),
    }),
  );
  const gw = pool.spawn(['gateway', '--config', config, '--port', '0', '--stall-timeout-ms', '1000']);
  const m = await pool.waitFor(gw, /listening on (http:\/\/\S+)/);
  return { ...gw, url: m[1] as string };
}

interface Download {
  status: number;
  servedBy: string;
  sha256: string;
  bytes: number;
  /** Longest wait between two chunks once the client read on, ms. */
  longestGapMs: number;
}

/** Downloads through the gateway; pauses at PAUSE_AT_BYTES and calls `fault(servedBy)` before reading on. */
function download(url: string, fault: (servedBy: string) => void): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const hash = createHash('sha256');
      const servedBy = String(res.headers['x-served-by']);
      let bytes = 0;
      let paused = false;
      let last = 0;
      let longestGapMs = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        const now = performance.now();
        if (last > 0) longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
        if (!paused && bytes >= PAUSE_AT_BYTES) {
          paused = true;
          res.pause();
          setTimeout(() => {
            fault(servedBy);
            setTimeout(() => {
              last = performance.now();
              res.resume();
            }, 100);
          }, 100);
        }
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, servedBy, sha256: hash.digest('hex'), bytes, longestGapMs }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dsm gateway with real nodes', { timeout: 120_000 }, () => {
  before(async () => {
    dir = await tempDir('dsm-gateway-');
  });
  after(async () => {
    for (const n of nodes.values()) if (n.child.signalCode === null) n.child.kill('SIGCONT');
    await pool.stopAll();
    await dir.cleanup();
  });

  it('keeps a download byte-exact when the serving node is SIGKILLed mid-stream', async () => {
    const gw = await startCluster();
    const r = await download(`${gw.url}/stream/big.bin`, (servedBy) =>
      nodes.get(servedBy)?.child.kill('SIGKILL'),
    );
    assert.equal(r.status, 200);
    assert.ok(nodes.has(r.servedBy), `X-Served-By names a node: ${r.servedBy}`);
    assert.equal(r.bytes, SIZE);
    assert.equal(r.sha256, SHA);
    assert.match(
      gw.stdout(),
      new RegExp(`stream big.bin: ${r.servedBy} failed at byte \\d+ \\(reset\\), continuing from node`),
    );
    assert.ok(r.longestGapMs < 1000, `longest gap ${Math.round(r.longestGapMs)} ms`);
    await pool.stop(gw, 2_000);
  });

  it('is mounted by dsm cluster at /stream/<name>', async () => {
    const folder = join(dir.path, 'cluster');
    await mkdir(folder, { recursive: true });
    const config = join(folder, 'nodes.json');
    const names = ['node1', 'node2'];
    await writeFile(config, JSON.stringify({ nodes: names.map((name) => ({ name, port: 0, root: name })) }));
    const cluster = pool.spawn(['cluster', '--config', config, '--port', '0', '--no-open'], { cwd: folder });
    const m = await pool.waitFor(cluster, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await pool.waitFor(cluster, /Cluster ready: 2 of 2 nodes up/, 30_000);
    const res = await fetch(`${m[1]}/stream/demo.mp4`);
    const body = Buffer.from(await res.arrayBuffer());
    const sample = await readFile(join(projectRoot, 'samples', 'demo.mp4'));
    assert.equal(res.status, 200);
    assert.ok(names.includes(res.headers.get('x-served-by') ?? ''));
    assert.equal(
      createHash('sha256').update(body).digest('hex'),
      createHash('sha256').update(sample).digest('hex'),
    );
    const bad = await fetch(`${m[1]}/stream/a%5c..%5cnodes.json`);
    assert.equal(bad.status, 400);
    await pool.stop(cluster, 8_000);
  });

  it('keeps a download byte-exact when the serving node is SIGSTOPped mid-stream', async () => {
    const gw = await startCluster();
    let stopped: TrackedNode | undefined;
    const r = await download(`${gw.url}/stream/big.bin`, (servedBy) => {
      stopped = nodes.get(servedBy);
      stopped?.child.kill('SIGSTOP');
    });
    stopped?.child.kill('SIGCONT');
    assert.equal(r.status, 200);
    assert.equal(r.bytes, SIZE);
    assert.equal(r.sha256, SHA);
    assert.match(
      gw.stdout(),
      new RegExp(`stream big.bin: ${r.servedBy} failed at byte \\d+ \\(stalled\\), continuing from node`),
    );
    assert.ok(r.longestGapMs < 1500, `longest gap ${Math.round(r.longestGapMs)} ms`);
    await pool.stop(gw, 2_000);
  });
});
