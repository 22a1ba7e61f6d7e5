/**
 * `dsm cluster`, `dsm status`, `dsm stop`, `dsm start` with real processes: a supervisor on port 0 and
 * its nodes on port 0 (learnt from their "listening on" lines), so that tests never collide on ports.
 * Above all: no node outlives its supervisor, whether it is stopped with SIGTERM or killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CLUSTER } from '../../src/shared/config-schema.js';
import { type DsmProcess, runDsm, spawnDsm, stopDsm, tempDir, waitForOutput } from './helpers.js';

interface NodeRow {
  name: string;
  state: string;
  pid: number | null;
  port: number | null;
  url: string | null;
  latencyMs: number;
  rttMs: number | null;
  restarts: number;
  signal: string | null;
}
interface StatusJson {
  supervisor: { pid: number; url: string };
  nodes: NodeRow[];
  files: Array<{ name: string }>;
}

/** Tests must not pick up a token from the environment they run in. */
const ENV = { DSM_TOKEN: '' };

interface Cluster extends DsmProcess {
  dir: string;
  file: string;
  port: number;
  /** `dsm <args> --config <file> --port <port>` against this cluster. */
  dsm: (...args: string[]) => ReturnType<typeof runDsm>;
  status: () => Promise<StatusJson>;
  cleanup: () => Promise<void>;
}

async function startCluster(nodeCount: number, args: string[] = []): Promise<Cluster> {
  const tmp = await tempDir('dsm-cluster-');
  const file = join(tmp.path, 'nodes.json');
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({
    name: `node${i + 1}`,
    port: 0,
    latencyMs: 10 * (i + 1),
    root: `node${i + 1}/storage`,
  }));
  await writeFile(file, JSON.stringify({ nodes }));
  const p = spawnDsm(['cluster', '--config', file, '--port', '0', '--no-open', ...args], {
    cwd: tmp.path,
    env: ENV,
  });
  const m = await waitForOutput(p, /cluster\s*│ listening on http:\/\/127\.0\.0\.1:(\d+)/);
  const port = Number(m[1]);
  await waitForOutput(p, /Cluster ready: \d+ of \d+ nodes up/, 20_000);
  const dsm = (...a: string[]) =>
    runDsm([...a, '--config', file, '--port', String(port)], { cwd: tmp.path, env: ENV });
  return {
    ...p,
    dir: tmp.path,
    file,
    port,
    dsm,
    status: async () => {
      const r = await dsm('status', '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as StatusJson;
    },
    cleanup: async () => {
      // Stop the nodes before removing their folders (they write there until they end).
      await stopDsm(p);
      await rm(tmp.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}

/**
 * True while the process runs. A zombie counts as gone: an orphan that has ended stays a zombie when
 * its new parent never reaps it, as PID 1 of some containers (this one included) does not.
 */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return true;
    throw err;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
) {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pidsOf = (s: StatusJson) => s.nodes.flatMap((n) => (n.pid === null ? [] : [n.pid]));
const byName = (s: StatusJson, name: string) => s.nodes.find((n) => n.name === name);

describe('dsm cluster', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(3);
  });
  after(() => c.cleanup());

  it('starts every node as its own process, each answering /health', async () => {
    const s = await c.status();
    assert.deepEqual(
      s.nodes.map((n) => [n.name, n.state, n.latencyMs]),
      [
        ['node1', 'up', 10],
        ['node2', 'up', 20],
        ['node3', 'up', 30],
      ],
    );
    const pids = pidsOf(s);
    assert.equal(new Set([...pids, s.supervisor.pid, c.child.pid]).size, 4, 'one process per node');
    assert.equal(s.supervisor.pid, c.child.pid);
    for (const pid of pids) assert.ok(running(pid));
    for (const n of s.nodes) {
      assert.ok(n.port && n.port > 0 && n.url === `http://127.0.0.1:${n.port}`);
      assert.equal(typeof n.rttMs, 'number');
      const res = await fetch(`${n.url}/health`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { node: string }).node, n.name);
    }
  });

  it("prefixes each node's log lines with its name", () => {
    for (const name of ['node1', 'node2', 'node3']) {
      assert.match(c.output(), new RegExp(`^${name}\\s*│ listening on http://127\\.0\\.0\\.1:\\d+`, 'm'));
    }
  });

  it('prints the node URLs and what to do next', () => {
    const out = c.output();
    assert.match(out, /Dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    assert.match(out, /dsm pick demo\.mp4/);
    assert.match(out, /dsm replicate <file>/);
    assert.match(out, /dsm status/);
    assert.match(out, /^ {2}node1\s+http:\/\/127\.0\.0\.1:\d+$/m);
  });

  it('seeds the demo video on nodes without videos: every node serves the same bytes', async () => {
    await waitUntil('the demo video is replicated', async () =>
      /replicated samples\/demo\.mp4 to node1, node2, node3/.test(c.output()) ? true : undefined,
    );
    const status = JSON.parse((await c.dsm('status', '--json')).stdout) as { nodes: Array<{ url: string }> };
    const etags = await Promise.all(
      status.nodes.map(async (n) =>
        (await fetch(`${n.url}/demo.mp4`, { method: 'HEAD' })).headers.get('etag'),
      ),
    );
    assert.equal(new Set(etags).size, 1);
    assert.match(etags[0] ?? '', /^"sha256-[0-9a-f]{64}"$/);
  });

  it('dsm status prints the nodes and the replica matrix', async () => {
    await writeFile(join(c.dir, 'node3', 'storage', 'nums.txt'), '123456789');
    // The node hashes the file in the background: wait until the listing has its sha256.
    const s = await waitUntil('node3 has hashed nums.txt', async () => {
      const r = await c.dsm('status');
      return /ok v\d\d:\d\d:\d\d 15e2b0/.test(r.stdout) ? r : undefined;
    });
    assert.equal(s.code, 0);
    assert.match(s.stdout, /^node1\s+up\s+\d+\s+\d+\s+10 ms\s+\d+ ms\s+http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(s.stdout, /^nums\.txt\s+MISSING\s+MISSING\s+ok v\d\d:\d\d:\d\d 15e2b0$/m);
    const json = await c.status();
    assert.deepEqual(
      json.files.map((f) => f.name),
      ['demo.mp4', 'nums.txt'],
    );
  });

  it('dsm status of a hung node (SIGSTOP) says it does not answer, beside a (down) matrix column', async () => {
    const pid = byName(await c.status(), 'node3')?.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await c.dsm('status');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^node3\s+up, no answer in 2 s\s+\d+/m, r.stdout);
      assert.match(r.stdout, /^node1\s+up\s+\d+/m, r.stdout);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });

  it('refuses stop and start without the token: 401', async () => {
    const url = `http://127.0.0.1:${c.port}/_dsm/cluster/nodes/node3/stop`;
    const res = await fetch(url, { method: 'POST' });
    assert.equal(res.status, 401);
    const wrong = await fetch(url, {
      method: 'POST',
      headers: { Authorization: 'Bearer not-the-token-at-all' },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.equal(byName(await c.status(), 'node3')?.state, 'up');
  });

  it('dsm stop ends the node process; dsm start brings it back', async () => {
    const pid = byName(await c.status(), 'node1')?.pid;
    assert.ok(pid);
    const stopped = await c.dsm('stop', 'node1');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, /node1 stopped/);
    assert.equal(running(pid), false, 'the process is gone');
    const down = byName(await c.status(), 'node1');
    assert.deepEqual([down?.state, down?.pid], ['down', null]);

    const started = await c.dsm('start', 'node1');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /node1 is up: http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/);
    const up = byName(await c.status(), 'node1');
    assert.equal(up?.state, 'up');
    assert.ok(up?.pid && up.pid !== pid && running(up.pid));
    assert.equal((await fetch(`${up.url}/health`)).status, 200);
  });

  it('dsm stop of an unknown node is bad usage (exit 2)', async () => {
    const r = await c.dsm('stop', 'nodeX');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No node named "nodeX"/);
    // Several names: all are checked first, so a typo stops nothing.
    const both = await c.dsm('stop', 'node1', 'nodeX');
    assert.equal(both.code, 2, both.stdout + both.stderr);
    assert.match(both.stderr, /No node named "nodeX"/);
    assert.equal(byName(await c.status(), 'node1')?.state, 'up');
  });

  it('reports a node killed from outside as crashed, and does not restart it', async () => {
    const pid = byName(await c.status(), 'node2')?.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await waitUntil('node2 is crashed', async () => byName(await c.status(), 'node2')?.state === 'crashed');
    await waitForOutput(c, /node2 crashed \(signal SIGKILL\); not restarted/);
    await new Promise((r) => setTimeout(r, 1500));
    const n = byName(await c.status(), 'node2');
    assert.deepEqual([n?.state, n?.pid, n?.restarts, n?.signal], ['crashed', null, 0, 'SIGKILL']);
  });

  // Windows has no SIGTERM: child.kill('SIGTERM') terminates the supervisor outright (that case is the
  // SIGKILL test below).
  it('stops every node on SIGTERM and exits 0, leaving no process behind', {
    skip: process.platform === 'win32',
  }, async () => {
    const s = await c.status();
    const pids = pidsOf(s);
    assert.equal(pids.length, 2, 'node1 and node3 are up');
    c.child.kill('SIGTERM');
    assert.equal(await c.exited, 0);
    for (const pid of pids) assert.equal(running(pid), false, `node pid ${pid} is gone`);
    assert.match(c.output(), /stopped: every node has ended/);
  });
});

describe('dsm cluster --restart', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(2, ['--restart']);
  });
  after(() => c.cleanup());

  it('restarts a node killed from outside', async () => {
    const pid = byName(await c.status(), 'node1')?.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await waitForOutput(c, /node1 crashed \(signal SIGKILL\): restarting in 0\.5 s \(attempt 1\)/);
    const n = await waitUntil('node1 is up again', async () => {
      const row = byName(await c.status(), 'node1');
      return row?.state === 'up' ? row : undefined;
    });
    assert.ok(n.pid && n.pid !== pid && running(n.pid));
    assert.equal(n.restarts, 1);
    assert.equal((await fetch(`${n.url}/health`)).status, 200);
  });
});

describe('supervisor killed with SIGKILL', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(2);
  });
  after(() => c.cleanup());

  it('its nodes notice (IPC channel closed) and exit by themselves within a few seconds', async () => {
    const pids = pidsOf(await c.status());
    assert.equal(pids.length, 2);
    c.child.kill('SIGKILL');
    await c.exited;
    await waitUntil('every node has exited', () => pids.every((pid) => !running(pid)) || undefined, 5000);
  });
});

describe('dsm cluster without nodes.json', () => {
  // Stopped with SIGTERM, as above: not on Windows.
  it("writes the original's 3-node nodes.json where --config points", {
    skip: process.platform === 'win32',
  }, async () => {
    const tmp = await tempDir('dsm-cluster-new-');
    try {
      const file = join(tmp.path, 'lab', 'nodes.json');
      // Its nodes want ports 8001-8003, which may be taken here: stop as soon as the file is written.
      const p = spawnDsm(['cluster', '--config', file, '--port', '0', '--no-open'], {
        cwd: tmp.path,
        env: ENV,
      });
      await waitForOutput(p, /no cluster file: wrote .*nodes\.json with the original 3 nodes/);
      await waitForOutput(p, /cluster\s*│ listening on/);
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0);
      assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), DEFAULT_CLUSTER);
      assert.ok((await readFile(join(tmp.path, 'lab', '.dsm', 'token'), 'utf8')).trim().length >= 16);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('dsm status, stop, start without a cluster', () => {
  it('say that no cluster is running, and exit 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const tmp = await tempDir();
    try {
      for (const cmd of [['status'], ['stop', 'node1'], ['start', 'node1']]) {
        const r = await runDsm([...cmd, '--port', String(port)], { cwd: tmp.path, env: ENV });
        assert.equal(r.code, 1);
        assert.equal(
          r.stderr,
          `dsm: no cluster is running on 127.0.0.1:${port}: start one with "dsm cluster"\n`,
        );
      }
    } finally {
      await tmp.cleanup();
    }
  });
});
