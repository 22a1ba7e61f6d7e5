/**
 * Replicas heal themselves, with real processes: three `dsm node --config nodes.json --name nodeN`
 * children on ports picked beforehand, anti-entropy every second, and the CLI (`dsm replicate`, `rm`,
 * `ls`, `pick`) as a user would run it.
 *
 *   tmp/
 *     nodes.json        token, node1..node3 (latency 40 / 0 / 80 ms), antiEntropyIntervalMs 1000
 *     n1/ n2/ n3/       the nodes' roots
 *     files/            the files replicated
 *
 * - node3 down during a replicate (--min-copies 2), then started: same sha256 within 5 s;
 * - one byte changed on disk in node2's copy, size and mtime kept: the scrub finds it, node2 quarantines
 *   it and fetches it again;
 * - a quarantined copy is not served (pick skips it) and shows MISSING in `dsm ls` until repaired;
 * - a file deleted while node3 was down: node3 deletes it too, it never comes back, tombstones go;
 * - two versions written on two sides of a partition (nodes stopped): all converge on the newer.
 *
 * Bit rot changes bytes and nothing else, so the tests put the modification time back to the
 * nanosecond (GNU `touch -d @sec.nsec`; Node's utimes takes a double and loses the last digits): a
 * changed mtime means "edited by hand", which makes a new version instead (see scrubber.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomFile as randomFileIn, sha256, sha256OfFile, smallFile as smallFileIn } from './files.js';
import { freePorts, tempDir } from './helpers.js';
import { ProcessPool, type TrackedNode, type TrackedProcess } from './processes.js';

const TOKEN = `anti-entropy-test-${randomBytes(12).toString('hex')}`;
const NODES = ['node1', 'node2', 'node3'] as const;
type NodeName = (typeof NODES)[number];
const LATENCY: Record<NodeName, number> = { node1: 40, node2: 0, node3: 80 };
const MiB = 1024 * 1024;
/** The convergence target of the issue: a node that comes back holds a 100 MB file within 5 s. */
const TARGET_MS = 5_000;
/**
 * What the test asserts: convergence "at once", not "at the next scan". The 5 s target itself is a
 * benchmark figure (`npm run bench -- --only converge`), since a loaded CI machine can be slower.
 */
const ASSERT_MS = 20_000;
const ENV = { DSM_TOKEN: '' };

const pool = new ProcessPool();
const spawned: TrackedProcess[] = [];
let tmp: { path: string; cleanup: () => Promise<void> } | undefined;
let dir = '';
let config = '';
const ports = new Map<NodeName, number>();
const running = new Map<NodeName, TrackedNode>();

// ---------------------------------------------------------------------------------------------------------
// Helpers

const rootOf = (node: NodeName) => join(dir, `n${node.slice(-1)}`);
const urlOf = (node: NodeName) => `http://127.0.0.1:${ports.get(node)}`;

async function startNode(node: NodeName, extra: string[] = []): Promise<TrackedNode> {
  const p = pool.spawn(['node', '--config', config, '--name', node, '--quiet', ...extra], { env: ENV });
  spawned.push(p);
  await pool.waitFor(p, /listening on http:\/\/\S+:(\d+)/, 15_000);
  const n: TrackedNode = { ...p, port: ports.get(node) as number, url: urlOf(node) };
  running.set(node, n);
  return n;
}

async function stopNode(node: NodeName): Promise<void> {
  const p = running.get(node);
  if (p) await pool.stop(p, 3_000);
  running.delete(node);
}

function logOf(node: NodeName): string {
  const p = running.get(node);
  return p ? p.stdout() + p.stderr() : '';
}

async function dsm(args: string[], timeoutMs = 60_000) {
  const p = pool.spawn(args, { env: ENV });
  spawned.push(p);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  const code = await Promise.race([p.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timeout') {
    p.child.kill('SIGKILL');
    throw new Error(`dsm ${args.join(' ')}: still running after ${timeoutMs} ms`);
  }
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Polls until `check` gives a value; fails naming `what` after `timeoutMs`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Listed {
  name: string;
  sha256?: string | null;
  version?: number | null;
  deleted?: boolean;
}

async function listing(node: NodeName): Promise<Listed[] | undefined> {
  try {
    const res = await fetch(`${urlOf(node)}/_dsm/files`);
    return (await res.json()) as Listed[];
  } catch {
    return undefined;
  }
}

/** The sha256 a node lists for `name` (undefined: not listed, or the node does not answer). */
async function listedSha(node: NodeName, name: string): Promise<string | undefined> {
  return (await listing(node))?.find((f) => f.name === name && !f.deleted)?.sha256 ?? undefined;
}

const randomFile = (name: string, size: number) => randomFileIn(join(dir, 'files'), name, size);

const smallFile = (name: string, data: Buffer) => smallFileIn(join(dir, 'files'), name, data);

async function replicate(file: string, args: string[] = []) {
  const r = await dsm(['replicate', file, '--config', config, '--json', ...args]);
  return { ...r, json: JSON.parse(r.stdout) as { version: number; sha256: string; missed: string[] } };
}

/** Bit rot: one byte of the file flipped in place; size and modification time (to the ns) as before. */
async function rot(path: string, at: number): Promise<void> {
  const before = await stat(path, { bigint: true });
  const fh = await open(path, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0] = (b[0] ?? 0) ^ 0x20;
  await fh.write(b, 0, 1, at);
  await fh.close();
  const sec = before.mtimeNs / 1_000_000_000n;
  const nsec = String(before.mtimeNs % 1_000_000_000n).padStart(9, '0');
  execFileSync('touch', ['-m', '-d', `@${sec}.${nsec}`, path]);
  const after = await stat(path, { bigint: true });
  assert.equal(after.mtimeNs, before.mtimeNs, 'the modification time could not be put back');
  assert.equal(after.size, before.size);
}

// ---------------------------------------------------------------------------------------------------------

describe('anti-entropy and scrub, real processes', {
  skip: process.platform !== 'linux' && 'needs GNU touch',
}, () => {
  before(async () => {
    tmp = await tempDir('dsm-heal-');
    dir = tmp.path;
    await mkdir(join(dir, 'files'));
    const picked = await freePorts(NODES.length);
    for (const [i, n] of NODES.entries()) ports.set(n, picked[i] as number);
    config = join(dir, 'nodes.json');
    await writeFile(
      config,
      JSON.stringify(
        {
          token: TOKEN,
          antiEntropyIntervalMs: 1000,
          scrubIntervalMs: 0,
          nodes: NODES.map((n) => ({
            name: n,
            port: ports.get(n),
            latencyMs: LATENCY[n],
            root: `n${n.slice(-1)}`,
          })),
        },
        null,
        2,
      ),
    );
    await Promise.all(NODES.map((n) => startNode(n)));
  });

  after(async () => {
    for (const p of spawned)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(spawned.map((p) => p.exited));
    await pool.stopAll();
    await tmp?.cleanup();
  });

  it('node3 down during a replicate (--min-copies 2), then started: it holds the same sha256 within 5 s', async (t) => {
    const file = await randomFile('big.bin', 100 * MiB);
    const sha = await sha256OfFile(file);
    await stopNode('node3');
    const r = await replicate(file, ['--min-copies', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.missed, ['node3']);

    const started = Date.now();
    const node3 = startNode('node3');
    await until('node3 lists big.bin with the right sha256', async () =>
      (await listedSha('node3', 'big.bin')) === sha ? true : undefined,
    );
    const ms = Date.now() - started;
    await node3;
    t.diagnostic(`node3 converged ${ms} ms after it was started (100 MiB; target ${TARGET_MS} ms)`);
    assert.ok(ms < ASSERT_MS, `node3 took ${ms} ms`);
    assert.equal(await sha256OfFile(join(rootOf('node3'), 'big.bin')), sha);
    assert.match(logOf('node3'), /repaired big\.bin v\d+ from node[12] \(100\.0 MB in [\d.]+ m?s\)/);
    const head = await fetch(`${urlOf('node3')}/big.bin`, { method: 'HEAD' });
    assert.equal(head.headers.get('x-dsm-version'), String(r.json.version));
  });

  it('one byte changed on disk in node2 (same size and mtime): the scrub finds it, node2 fetches it again', async (t) => {
    const data = randomBytes(3 * MiB + 17);
    const r = await replicate(await smallFile('rot.bin', data));
    assert.equal(r.code, 0, r.stderr);
    await stopNode('node2');
    await startNode('node2', ['--scrub-interval-ms', '300']);
    const path = join(rootOf('node2'), 'rot.bin');
    const started = Date.now();
    await rot(path, 2 * MiB + 5);
    await until('node2 found and repaired rot.bin', async () =>
      /repaired rot\.bin/.test(logOf('node2')) && (await listedSha('node2', 'rot.bin')) === sha256(data)
        ? true
        : undefined,
    );
    t.diagnostic(`found and repaired ${Date.now() - started} ms after the byte changed (scrub every 300 ms)`);
    assert.match(
      logOf('node2'),
      /found rot\.bin v\d+ corrupt \(sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\), quarantined/,
    );
    assert.ok((await readFile(path)).equals(data), 'node2 does not hold the original bytes again');
    const quarantined = await readdir(join(rootOf('node2'), '.dsm', 'quarantine'));
    assert.ok(
      quarantined.some((f) => f.endsWith('rot.bin')),
      quarantined.join(', '),
    );
    const ls = await dsm(['ls', '--config', config, '--json']);
    const row = (JSON.parse(ls.stdout) as { files: Array<{ name: string; healthy: boolean }> }).files.find(
      (f) => f.name === 'rot.bin',
    );
    assert.equal(row?.healthy, true);
  });

  it('a quarantined copy is not served: pick skips it, dsm ls shows it CORRUPT until it is repaired', async () => {
    const data = randomBytes(MiB);
    assert.equal((await replicate(await smallFile('q.bin', data))).code, 0);
    // node2 (the fastest) scrubs, but does not fetch anything back until it is restarted.
    await stopNode('node2');
    await startNode('node2', ['--scrub-interval-ms', '300', '--anti-entropy-interval-ms', '0']);
    const pickBefore = await dsm(['pick', 'q.bin', '--config', config, '--no-open', '--json']);
    assert.equal((JSON.parse(pickBefore.stdout) as { chosen: { node: string } }).chosen.node, 'node2');

    await rot(join(rootOf('node2'), 'q.bin'), 1000);
    await until('node2 quarantined q.bin', async () =>
      /found q\.bin v\d+ corrupt/.test(logOf('node2')) ? true : undefined,
    );
    assert.equal((await fetch(`${urlOf('node2')}/q.bin`)).status, 404);
    const pick = await dsm(['pick', 'q.bin', '--config', config, '--no-open', '--json']);
    assert.equal(pick.code, 0, pick.stderr);
    assert.equal((JSON.parse(pick.stdout) as { chosen: { node: string } }).chosen.node, 'node1');
    const ls = await dsm(['ls', '--config', config]);
    assert.equal(ls.code, 1, 'a corrupt copy makes dsm ls exit 1');
    // The short sha of a CORRUPT cell is what node2's bytes hashed to, not the version's.
    const short = sha256(data).slice(0, 6);
    const line = ls.stdout.split('\n').find((l) => l.startsWith('q.bin ')) ?? '';
    assert.match(
      line,
      /^q\.bin\s+ok v\S+ [0-9a-f]{6}\s+CORRUPT v\S+ [0-9a-f]{6}\s+ok v\S+ [0-9a-f]{6}\s*$/,
      ls.stdout,
    );
    assert.equal(line.split(/\s+/)[6]?.length, 6, line);
    assert.notEqual(line.split(/\s+/)[6], short, `node2's cell shows the corrupt bytes' sha: ${line}`);

    await stopNode('node2');
    await startNode('node2');
    await until('node2 repaired q.bin', async () =>
      (await listedSha('node2', 'q.bin')) === sha256(data) ? true : undefined,
    );
    const lsAfter = await dsm(['ls', '--config', config]);
    assert.match(
      lsAfter.stdout,
      /^q\.bin\s+ok v\S+ [0-9a-f]{6}\s+ok v\S+ [0-9a-f]{6}\s+ok v\S+ [0-9a-f]{6}\s*$/m,
    );
  });

  it('a file deleted while node3 was down: node3 deletes it too and the file never comes back', async (t) => {
    const data = randomBytes(400_000);
    assert.equal((await replicate(await smallFile('zombie.bin', data))).code, 0);
    await stopNode('node3');
    const rm = await dsm(['rm', 'zombie.bin', '--config', config, '--json']);
    assert.equal(rm.code, 1, 'node3 is down: dsm rm reports it');
    const rmVersion = (JSON.parse(rm.stdout) as { version: number }).version;
    assert.ok(
      (await readFile(join(rootOf('node3'), 'zombie.bin'))).equals(data),
      'node3 kept its copy while down',
    );

    const started = Date.now();
    await startNode('node3');
    await until('node3 deleted zombie.bin', async () =>
      (await listing('node3'))?.some((f) => f.name === 'zombie.bin' && f.deleted) ||
      ((await listing('node3'))?.every((f) => f.name !== 'zombie.bin') ?? false)
        ? true
        : undefined,
    );
    t.diagnostic(`node3 applied the delete ${Date.now() - started} ms after it was started`);
    assert.match(logOf('node3'), new RegExp(`deleted zombie\\.bin v${rmVersion} \\(deleted on node[12]\\)`));
    await assert.rejects(stat(join(rootOf('node3'), 'zombie.bin')), { code: 'ENOENT' });

    // Once every node has seen the delete, the tombstones go; the file stays gone through many rounds.
    await until('every tombstone of zombie.bin forgotten', async () => {
      for (const n of NODES)
        if ((await listing(n))?.some((f) => f.name === 'zombie.bin') !== false) return undefined;
      return true;
    });
    await new Promise((r) => setTimeout(r, 3_000));
    for (const n of NODES) {
      assert.equal((await fetch(`${urlOf(n)}/zombie.bin`)).status, 404, n);
      await assert.rejects(stat(join(rootOf(n), 'zombie.bin')), { code: 'ENOENT' });
    }
    const ls = await dsm(['ls', '--config', config, '--json']);
    assert.ok(
      !(JSON.parse(ls.stdout) as { files: Array<{ name: string }> }).files.some(
        (f) => f.name === 'zombie.bin',
      ),
    );
  });

  it('two versions written on two sides of a partition: all nodes converge on the newer', async (t) => {
    const a1 = randomBytes(300_000);
    const b1 = randomBytes(310_000);
    const a2 = randomBytes(320_000);
    const b2 = randomBytes(330_000);
    // Side B (node3 alone) writes p.bin first; side A (node1, node2) writes p.bin later and q.bin;
    // side B writes q.bin last. Newest: p from side A, q from side B.
    await Promise.all(NODES.map(stopNode));
    await startNode('node3');
    const pB = await replicate(await smallFile('p-b.bin', b1), ['--as', 'p.bin', '--min-copies', '1']);
    assert.equal(pB.code, 0, pB.stderr);
    await stopNode('node3');
    await Promise.all([startNode('node1'), startNode('node2')]);
    const pA = await replicate(await smallFile('p-a.bin', a1), ['--as', 'p.bin', '--min-copies', '1']);
    const qA = await replicate(await smallFile('q-a.bin', a2), ['--as', 'q.bin', '--min-copies', '1']);
    assert.deepEqual([pA.code, qA.code], [0, 0]);
    await Promise.all([stopNode('node1'), stopNode('node2')]);
    await startNode('node3');
    const qB = await replicate(await smallFile('q-b.bin', b2), ['--as', 'q.bin', '--min-copies', '1']);
    assert.equal(qB.code, 0, qB.stderr);
    assert.ok(pA.json.version > pB.json.version && qB.json.version > qA.json.version);

    // The partition heals.
    const started = Date.now();
    await Promise.all([startNode('node1'), startNode('node2')]);
    for (const n of NODES) {
      await until(`${n} holds the newer p.bin and q.bin`, async () =>
        (await listedSha(n, 'p.bin')) === sha256(a1) && (await listedSha(n, 'q.bin')) === sha256(b2)
          ? true
          : undefined,
      );
    }
    t.diagnostic(`all three converged ${Date.now() - started} ms after the partition healed`);
    for (const n of NODES) {
      assert.ok((await readFile(join(rootOf(n), 'p.bin'))).equals(a1), n);
      assert.ok((await readFile(join(rootOf(n), 'q.bin'))).equals(b2), n);
    }
    const ls = await dsm(['ls', '--config', config, '--json']);
    const rows = (JSON.parse(ls.stdout) as { files: Array<{ name: string; healthy: boolean }> }).files;
    assert.ok(rows.filter((f) => f.name === 'p.bin' || f.name === 'q.bin').every((f) => f.healthy));
  });
});
