/**
 * `dsm replicate`, `dsm rm` and `dsm ls` against real processes: three `dsm node --config nodes.json
 * --name nodeN` children on ports picked beforehand (the CLI reads them from nodes.json), one token
 * in nodes.json, and every failure the write path promises to survive:
 *
 *   tmp/
 *     nodes.json            token + node1..node3 on fixed free ports, roots n1/ n2/ n3/
 *     n1/ n2/ n3/           the nodes' roots (each with .dsm/tmp/ for uploads in progress)
 *     files/                the files replicated
 *
 * - a multi-MB file reaches every node byte-identical, with the same ETag and version;
 * - a node down: exit 1 naming it, exit 0 with --min-copies 2; later `dsm ls` shows its copy STALE;
 * - a wrong digest, a missing or wrong token, a file over a node's limit: refused, nothing changed;
 * - the CLI or a node SIGKILLed mid-upload: no partial file ever visible, temp files cleaned up;
 * - two writers racing: every node ends up with the newer version's bytes;
 * - `dsm rm`: gone everywhere, tombstones listed;
 * - a re-replicated file has a new ETag, so a browser's conditional GET gets the new bytes (200).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { type ClientRequest, type IncomingHttpHeaders, request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { reprDigest } from '../../src/shared/checksum.js';
import { randomFile as randomFileIn, sha256, sha256OfFile, smallFile as smallFileIn } from './files.js';
import { freePorts, tempDir } from './helpers.js';
import { ProcessPool, rawHttp, type TrackedNode, type TrackedProcess } from './processes.js';

const TOKEN = `replicate-test-${randomBytes(12).toString('hex')}`;
const NODES = ['node1', 'node2', 'node3'] as const;
type NodeName = (typeof NODES)[number];
const MiB = 1024 * 1024;
/** Every `dsm` process reads the token from nodes.json: an inherited DSM_TOKEN must not override it. */
const ENV = { DSM_TOKEN: '' };

const pool = new ProcessPool();
/** Every process started here, so that `after` can SIGKILL whatever is left. */
const spawned: TrackedProcess[] = [];
let tmp: { path: string; cleanup: () => Promise<void> } | undefined;
let dir = '';
let config = '';
const ports = new Map<NodeName, number>();
const running = new Map<NodeName, TrackedNode>();
/**
 * Flags that switch off a node's background repair (anti-entropy between the nodes of nodes.json, the
 * periodic scrub) when this build has it: this file tests what `dsm replicate`, `rm` and `ls` do by
 * themselves, e.g. that a restarted node still holds its old copy, which anti-entropy would soon replace.
 */
const nodeFlags: string[] = [];

// ---------------------------------------------------------------------------------------------------------
// Helpers

function alive(p: TrackedProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** Ports that were free a moment ago: bind port 0 (all at once, so they differ), read, close. */
function rootOf(node: NodeName): string {
  return join(dir, `n${node.slice(-1)}`);
}

function urlOf(node: NodeName): string {
  return `http://127.0.0.1:${ports.get(node)}`;
}

async function startNode(node: NodeName, extra: string[] = []): Promise<TrackedNode> {
  const p = pool.spawn(['node', '--config', config, '--name', node, '--quiet', ...nodeFlags, ...extra], {
    env: ENV,
  });
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

/** Starts `dsm <args>` in the background (for the runs that get killed or race each other). */
function spawnDsm(args: string[], env: NodeJS.ProcessEnv = {}): TrackedProcess {
  const p = pool.spawn(args, { env: { ...ENV, ...env } });
  spawned.push(p);
  return p;
}

/** The exit code of `p`; SIGKILLs it and throws if it is still running after `timeoutMs`. */
async function ended(p: TrackedProcess, timeoutMs = 30_000): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  const code = await Promise.race([p.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timeout') {
    p.child.kill('SIGKILL');
    await p.exited;
    const args = p.child.spawnargs.slice(2).join(' ');
    throw new Error(`dsm ${args}: still running after ${timeoutMs} ms (killed)\n${p.stdout()}${p.stderr()}`);
  }
  return code;
}

/** Runs `dsm <args>` to its end. */
async function dsm(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = spawnDsm(args, opts.env);
  const code = await ended(p, opts.timeoutMs);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

interface ReplicateJson {
  name: string;
  size: number;
  sha256: string;
  version: number;
  ok: boolean;
  minCopies: number;
  missed: string[];
  outcomes: Array<
    | { node: string; kind: 'stored'; result: string; verified: boolean; bytes: number }
    | { node: string; kind: 'failed'; reason: string; detail: string; bytes: number }
  >;
}

function parseJson<T>(stdout: string, what: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`${what}: stdout is not JSON:\n${stdout}`);
  }
}

async function replicateJson(
  file: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | string; json: ReplicateJson; stderr: string }> {
  const r = await dsm(['replicate', file, '--config', config, '--json', ...args], { env });
  return { code: r.code, json: parseJson<ReplicateJson>(r.stdout, 'dsm replicate --json'), stderr: r.stderr };
}

const randomFile = (name: string, size: number) => randomFileIn(join(dir, 'files'), name, size);

const smallFile = (name: string, data: Buffer) => smallFileIn(join(dir, 'files'), name, data);

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request with node:http (trailers and exact headers, which fetch cannot send). */
function http(
  node: NodeName,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: Buffer; trailers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${urlOf(node)}${path}`, { method, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    if (opts.trailers) req.addTrailers(opts.trailers);
    req.end();
  });
}

function errorCode(a: HttpAnswer): string | undefined {
  try {
    return (JSON.parse(a.body.toString('utf8')) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** A PUT with the token and a Content-Length, as a script or another client would send it. */
function put(node: NodeName, name: string, data: Buffer, headers: Record<string, string> = {}) {
  return http(node, 'PUT', `/${name}`, {
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Length': String(data.length), ...headers },
    body: data,
  });
}

async function tmpFiles(node: NodeName): Promise<string[]> {
  return readdir(join(rootOf(node), '.dsm', 'tmp')).catch(() => []);
}

/** Polls until `check` returns a value (not undefined); fails with `what` after `timeoutMs`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves when every node in `nodes` has a `.part` file of at least `bytes` in .dsm/tmp/. */
function partsReach(nodes: readonly NodeName[], bytes: number, timeoutMs: number, cli: TrackedProcess) {
  return until(
    `a .part file of ${bytes} bytes on ${nodes.join(', ')}`,
    async () => {
      if (!alive(cli))
        throw new Error(`the CLI ended before the upload was under way:\n${cli.stdout()}${cli.stderr()}`);
      for (const node of nodes) {
        const parts = (await tmpFiles(node)).filter((f) => f.endsWith('.part'));
        const sizes = await Promise.all(
          parts.map((f) =>
            stat(join(rootOf(node), '.dsm', 'tmp', f)).then(
              (s) => s.size,
              () => 0,
            ),
          ),
        );
        if (!sizes.some((s) => s >= bytes)) return undefined;
      }
      return true;
    },
    timeoutMs,
  );
}

async function assertTmpEmptied(nodes: readonly NodeName[], timeoutMs = 5_000): Promise<void> {
  for (const node of nodes) {
    await until(
      `${node}'s .dsm/tmp emptied`,
      async () => ((await tmpFiles(node)).length === 0 ? true : undefined),
      timeoutMs,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('dsm replicate / rm / ls, real processes', () => {
  before(async () => {
    tmp = await tempDir('dsm-replicate-');
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
          // These tests look at what each write leaves on each node (a STALE copy, a node at 404): no
          // anti-entropy filling the gaps in between (test/e2e/anti-entropy.test.ts covers that).
          antiEntropyIntervalMs: 0,
          nodes: NODES.map((n) => ({ name: n, port: ports.get(n), root: `n${n.slice(-1)}` })),
        },
        null,
        2,
      ),
    );
    const help = (await dsm(['node', '--help'])).stdout;
    for (const flag of ['--anti-entropy-interval-ms', '--scrub-interval-ms']) {
      if (help.includes(flag)) nodeFlags.push(flag, '0');
    }
    await Promise.all(NODES.map((n) => startNode(n)));
  });

  after(async () => {
    for (const p of spawned) if (alive(p)) p.child.kill('SIGKILL');
    await Promise.all(spawned.map((p) => p.exited));
    await pool.stopAll();
    await tmp?.cleanup();
  });

  it('replicates a multi-MB file to 3 nodes: identical bytes, sha256, ETag and version everywhere', async () => {
    const data = randomBytes(6 * MiB + 12_345);
    const file = await smallFile('multi.bin', data);
    const { code, json, stderr } = await replicateJson(file);
    assert.equal(code, 0, stderr);
    assert.equal(json.ok, true);
    assert.deepEqual(json.missed, []);
    assert.equal(json.name, 'multi.bin');
    assert.equal(json.size, data.length);
    assert.equal(json.sha256, sha256(data));
    assert.deepEqual(json.outcomes.map((o) => o.node).sort(), [...NODES]);
    for (const o of json.outcomes) {
      assert.equal(o.kind, 'stored', JSON.stringify(o));
      if (o.kind === 'stored') {
        assert.equal(o.result, 'created');
        assert.equal(o.verified, true);
        assert.equal(o.bytes, data.length);
      }
    }
    for (const node of NODES) {
      const onDisk = await readFile(join(rootOf(node), 'multi.bin'));
      assert.ok(onDisk.equals(data), `${node}: the copy on disk differs`);
      const res = await http(node, 'GET', '/multi.bin');
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(data), `${node}: GET returned other bytes`);
      assert.equal(res.headers.etag, `"sha256-${json.sha256}"`, node);
      assert.equal(res.headers['x-dsm-version'], String(json.version), node);
      assert.equal(res.headers['x-served-by'], node);
      assert.deepEqual(await tmpFiles(node), [], `${node}: a temp file was left`);
    }
  });

  it('refuses a PUT whose Repr-Digest does not match (header or trailer): 400, the old version intact', async () => {
    const old = randomBytes(200_000);
    const first = await put('node1', 'digest.bin', old);
    assert.equal(first.status, 201, first.body.toString());
    const version = first.headers['x-dsm-version'];

    const next = randomBytes(300_000);
    const wrong = reprDigest(sha256(Buffer.concat([next, Buffer.from('x')])));
    const inHeader = await put('node1', 'digest.bin', next, { 'Repr-Digest': wrong });
    assert.equal(inHeader.status, 400, inHeader.body.toString());
    assert.equal(errorCode(inHeader), 'DSM_DIGEST_MISMATCH');

    const inTrailer = await http('node1', 'PUT', '/digest.bin', {
      headers: { Authorization: `Bearer ${TOKEN}`, 'Transfer-Encoding': 'chunked', Trailer: 'Repr-Digest' },
      body: next,
      trailers: { 'Repr-Digest': wrong },
    });
    assert.equal(inTrailer.status, 400, inTrailer.body.toString());
    assert.equal(errorCode(inTrailer), 'DSM_DIGEST_MISMATCH');

    const res = await http('node1', 'GET', '/digest.bin');
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(old), 'the previous version is no longer served intact');
    assert.equal(res.headers.etag, `"sha256-${sha256(old)}"`);
    assert.equal(res.headers['x-dsm-version'], version);
    assert.ok((await readFile(join(rootOf('node1'), 'digest.bin'))).equals(old));
    await assertTmpEmptied(['node1']);
  });

  it('refuses writes without the token or with a wrong one (401), also from dsm replicate', async () => {
    // Small bodies: the node answers 401 without reading them, and a large unread body would make its
    // close a reset that can beat the answer to this client.
    const data = randomBytes(1000);
    const none = await http('node2', 'PUT', '/secret.bin', {
      headers: { 'Content-Length': String(data.length) },
      body: data,
    });
    assert.equal(none.status, 401);
    assert.equal(errorCode(none), 'DSM_UNAUTHORIZED');
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    const wrong = await put('node2', 'secret.bin', data, {
      Authorization: `Bearer ${TOKEN.replace(/.$/, '_')}`,
    });
    assert.equal(wrong.status, 401);
    assert.equal(errorCode(wrong), 'DSM_UNAUTHORIZED');
    const del = await http('node2', 'DELETE', '/multi.bin', { headers: { Authorization: 'Bearer nope' } });
    assert.equal(del.status, 401);

    const file = await smallFile('secret.bin', data);
    const r = await dsm(['replicate', file, '--config', config], {
      env: { DSM_TOKEN: 'wrong-token-0123456789' },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    for (const node of NODES) {
      assert.match(r.stdout, new RegExp(`${node}\\s+failed: token rejected`), r.stdout);
    }
    assert.match(r.stderr, /missed: node1, node2, node3/);
    for (const node of NODES) {
      assert.equal((await http(node, 'GET', '/secret.bin')).status, 404, node);
      assert.equal((await http(node, 'GET', '/multi.bin')).status, 200, `${node}: the DELETE went through`);
    }
  });

  it('re-replicating a changed file gives a new ETag: a conditional GET with the old one gets the new bytes', async () => {
    const v1 = randomBytes(400_000);
    const file = await smallFile('page.bin', v1);
    const first = await replicateJson(file);
    assert.equal(first.code, 0, first.stderr);
    const before = await http('node1', 'GET', '/page.bin');
    const oldEtag = String(before.headers.etag);
    assert.equal(oldEtag, `"sha256-${sha256(v1)}"`);
    // What makes a browser revalidate on a plain reload instead of using its cache.
    assert.match(String(before.headers['cache-control']), /no-cache/);
    const same = await http('node1', 'GET', '/page.bin', { headers: { 'If-None-Match': oldEtag } });
    assert.equal(same.status, 304, 'an unchanged file revalidates to 304');

    const v2 = randomBytes(400_000);
    await writeFile(file, v2);
    const second = await replicateJson(file);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(second.json.version > first.json.version);
    for (const node of NODES) {
      // A browser's reload: the validators of what it has cached.
      const res = await http(node, 'GET', '/page.bin', {
        headers: { 'If-None-Match': oldEtag, 'If-Modified-Since': String(before.headers['last-modified']) },
      });
      assert.equal(res.status, 200, `${node}: the changed file was answered ${res.status}`);
      assert.ok(res.body.equals(v2), `${node}: not the new bytes`);
      assert.equal(res.headers.etag, `"sha256-${sha256(v2)}"`);
      assert.notEqual(res.headers.etag, oldEtag);
      assert.equal(res.headers['x-dsm-version'], String(second.json.version));
    }
  });

  it('two writers racing to the same name: every node ends with the newer version', async (t) => {
    // Sizes alternate, so that in some rounds the older write is the longer one: it passes the header
    // check (nothing newer is stored yet) and must then be refused when it commits after the newer one.
    const refusedAtCommit: number[] = [];
    for (let round = 0; round < 4; round++) {
      const [sizeA, sizeB] = round % 2 === 0 ? [12 * MiB, MiB] : [MiB, 12 * MiB];
      const a = randomBytes(sizeA);
      const b = randomBytes(sizeB);
      const fa = await smallFile(`race-a-${round}.bin`, a);
      const fb = await smallFile(`race-b-${round}.bin`, b);
      const args = (f: string) => ['replicate', f, '--as', 'race.bin', '--config', config, '--json'];
      const pa = spawnDsm(args(fa));
      const pb = spawnDsm(args(fb));
      const [ca, cb] = await Promise.all([ended(pa), ended(pb)]);
      const ja = parseJson<ReplicateJson>(pa.stdout(), 'run a');
      const jb = parseJson<ReplicateJson>(pb.stdout(), 'run b');
      assert.notEqual(ja.version, jb.version);
      const [newer, older, newerCode, newerData] =
        ja.version > jb.version ? [ja, jb, ca, a] : [jb, ja, cb, b];
      assert.equal(newerCode, 0, `round ${round}: the newer run failed:\n${JSON.stringify(newer, null, 2)}`);
      for (const o of older.outcomes) {
        // The older write lands first and is replaced, or arrives second and is refused as stale.
        if (o.kind === 'failed') assert.equal(o.reason, 'stale', `round ${round}: ${JSON.stringify(o)}`);
        if (o.kind === 'failed' && o.bytes === older.size) refusedAtCommit.push(round);
      }
      for (const node of NODES) {
        const onDisk = await readFile(join(rootOf(node), 'race.bin'));
        assert.ok(
          onDisk.equals(newerData),
          `round ${round}: ${node} holds other bytes than the newer version`,
        );
        const res = await http(node, 'HEAD', '/race.bin');
        assert.equal(res.headers['x-dsm-version'], String(newer.version), `round ${round}: ${node}`);
        assert.equal(res.headers.etag, `"sha256-${newer.sha256}"`, `round ${round}: ${node}`);
      }
      assert.deepEqual((await Promise.all(NODES.map(tmpFiles))).flat(), []);
    }
    // Timing decides how often the commit-time check is reached; reported, not required.
    t.diagnostic(
      `older write refused at commit (whole body sent) in rounds [${[...new Set(refusedAtCommit)]}]`,
    );
  });

  it('an older write still uploading when a newer one is stored is refused at commit (409)', async () => {
    // The race above, made deterministic: a raw PUT holds its body half-sent across a whole
    // `dsm replicate` run, so it passes the header check and then must lose at commit time.
    const older = randomBytes(2 * MiB);
    const version = Date.now() * 1024; // newer than anything stored so far, older than the run below
    const held = NODES.map((node) => {
      let req: ClientRequest | undefined;
      const answer = new Promise<HttpAnswer>((resolve, reject) => {
        req = request(`${urlOf(node)}/race.bin`, {
          method: 'PUT',
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            'X-Dsm-Version': String(version),
            'Content-Length': String(older.length),
          },
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        });
        req.on('error', reject);
      });
      (req as ClientRequest).write(older.subarray(0, MiB));
      return { node, req: req as ClientRequest, answer };
    });
    await until('the held uploads under way', async () => {
      const tmp = await Promise.all(NODES.map(tmpFiles));
      return tmp.every((files) => files.length > 0) ? true : undefined;
    });
    const newer = randomBytes(MiB);
    const run = await replicateJson(await smallFile('race-newer.bin', newer), ['--as', 'race.bin']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.json.version > version);
    for (const h of held) h.req.end(older.subarray(MiB));
    for (const h of held) {
      const a = await h.answer;
      assert.equal(a.status, 409, `${h.node}: ${a.body.toString()}`);
      assert.equal(errorCode(a), 'DSM_STALE_VERSION');
      assert.ok((await readFile(join(rootOf(h.node), 'race.bin'))).equals(newer), h.node);
    }
    await assertTmpEmptied(NODES);
  });

  it('the CLI killed mid-upload: no partial file under the name on any node, temp files removed', async () => {
    const big = await randomFile('big.bin', 300 * MiB);
    // The old version is on node1 and node2 only: they must keep serving it, node3 must stay at 404.
    const old = randomBytes(100_000);
    for (const node of ['node1', 'node2'] as const) {
      assert.equal((await put(node, 'killed-client.bin', old)).status, 201);
    }
    const cli = spawnDsm(['replicate', big, '--as', 'killed-client.bin', '--config', config]);
    await partsReach(NODES, 8 * MiB, 20_000, cli);
    cli.child.kill('SIGKILL');
    assert.equal(await ended(cli, 5_000), 'SIGKILL');

    await assertTmpEmptied(NODES);
    for (const node of ['node1', 'node2'] as const) {
      const res = await http(node, 'GET', '/killed-client.bin');
      assert.equal(res.status, 200, node);
      assert.ok(res.body.equals(old), `${node}: not the old version's bytes`);
      assert.equal(res.headers.etag, `"sha256-${sha256(old)}"`);
      assert.ok((await readFile(join(rootOf(node), 'killed-client.bin'))).equals(old));
    }
    assert.equal((await http('node3', 'GET', '/killed-client.bin')).status, 404);
    await assert.rejects(stat(join(rootOf('node3'), 'killed-client.bin')), { code: 'ENOENT' });
    const listed = JSON.parse((await http('node3', 'GET', '/_dsm/files')).body.toString()) as Array<{
      name: string;
    }>;
    assert.ok(!listed.some((f) => f.name === 'killed-client.bin'));
  });

  it('a node SIGKILLed mid-upload: the others get the new version; restarted, it sweeps tmp and serves the old one', async () => {
    const old = randomBytes(150_000);
    const oldFile = await smallFile('killed-node-old.bin', old);
    const first = await replicateJson(oldFile, ['--as', 'killed-node.bin']);
    assert.equal(first.code, 0, first.stderr);

    const next = await randomFile('killed-node-new.bin', 64 * MiB);
    const nextSha = await sha256OfFile(next);
    const cli = spawnDsm(['replicate', next, '--as', 'killed-node.bin', '--config', config, '--json']);
    await partsReach(['node3'], 2 * MiB, 20_000, cli);
    const node3 = running.get('node3') as TrackedNode;
    node3.child.kill('SIGKILL');
    await node3.exited;
    running.delete('node3');
    // Killed half-way: its temp file is left behind (nothing ran to remove it).
    assert.ok(
      (await tmpFiles('node3')).some((f) => f.endsWith('.part')),
      'node3 was not killed mid-upload',
    );

    const code = await ended(cli);
    const json = parseJson<ReplicateJson>(cli.stdout(), 'dsm replicate --json');
    assert.equal(code, 1, cli.stdout() + cli.stderr());
    assert.equal(json.ok, false);
    assert.deepEqual(json.missed, ['node3']);
    assert.equal(json.sha256, nextSha);
    for (const o of json.outcomes) {
      if (o.node === 'node3') assert.equal(o.kind, 'failed');
      else assert.ok(o.kind === 'stored' && o.verified, JSON.stringify(o));
    }

    await startNode('node3');
    assert.deepEqual(await tmpFiles('node3'), [], 'the leftover temp file was not swept at start');
    const res3 = await http('node3', 'GET', '/killed-node.bin');
    assert.equal(res3.status, 200);
    assert.ok(res3.body.equals(old), 'node3 does not serve the old version intact');
    assert.equal(res3.headers['x-dsm-version'], String(first.json.version));
    for (const node of ['node1', 'node2'] as const) {
      assert.equal(await sha256OfFile(join(rootOf(node), 'killed-node.bin')), nextSha, node);
      const head = await http(node, 'HEAD', '/killed-node.bin');
      assert.equal(head.headers.etag, `"sha256-${nextSha}"`);
      assert.equal(head.headers['x-dsm-version'], String(json.version));
    }
    await assertTmpEmptied(NODES);
  });

  it('dsm rm deletes everywhere and leaves tombstones; dsm ls no longer lists the file', async () => {
    const file = await smallFile('gone.bin', randomBytes(80_000));
    assert.equal((await replicateJson(file)).code, 0);
    const rm = await dsm(['rm', 'gone.bin', '--config', config, '--json']);
    assert.equal(rm.code, 0, rm.stdout + rm.stderr);
    const rmJson = parseJson<{
      version: number;
      ok: boolean;
      outcomes: Array<{ kind: string; existed: boolean }>;
    }>(rm.stdout, 'dsm rm --json');
    assert.equal(rmJson.ok, true);
    assert.ok(rmJson.outcomes.every((o) => o.kind === 'deleted' && o.existed));

    const ls = await dsm(['ls', '--config', config, '--json']);
    const lsJson = parseJson<{ nodes: Array<{ up: boolean }>; files: Array<{ name: string }> }>(
      ls.stdout,
      'ls',
    );
    assert.ok(lsJson.nodes.every((n) => n.up));
    assert.ok(!lsJson.files.some((f) => f.name === 'gone.bin'), 'dsm ls still lists the deleted file');
    for (const node of NODES) {
      assert.equal((await http(node, 'GET', '/gone.bin')).status, 404, node);
      await assert.rejects(stat(join(rootOf(node), 'gone.bin')), { code: 'ENOENT' });
      const listed = JSON.parse((await http(node, 'GET', '/_dsm/files')).body.toString()) as Array<{
        name: string;
        deleted?: boolean;
        version?: number;
      }>;
      const entries = listed.filter((f) => f.name === 'gone.bin');
      assert.deepEqual(
        entries.map((e) => ({ deleted: e.deleted, version: e.version })),
        [{ deleted: true, version: rmJson.version }],
        `${node}: ${JSON.stringify(entries)}`,
      );
    }
  });

  it('bad names are refused before any node is asked (exit 2, in words); ../x is not quietly turned into x', async () => {
    const file = await smallFile('named.bin', randomBytes(1000));
    for (const [args, words] of [
      [['replicate', file, '--as', '../x.bin'], '"." and ".." cannot be parts of a name'],
      [['replicate', file, '--as', 'films/'], 'a name cannot end with "/"'],
      [['replicate', file, '--as', 'health'], '"health" is reserved'],
      [['rm', '../etc/passwd'], '"." and ".." cannot be parts of a name'],
      [['rm', 'a\\b'], 'a backslash cannot be part of a name'],
    ] as const) {
      const r = await dsm([...args, '--config', config]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.includes(words), `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    for (const node of NODES) {
      const listed = JSON.parse((await http(node, 'GET', '/_dsm/files')).body.toString()) as Array<{
        name: string;
      }>;
      assert.ok(!listed.some((f) => f.name === 'etc/passwd' || f.name === 'x.bin'), JSON.stringify(listed));
    }
  });

  it("a delete removes the folders it leaves empty, so a file may take the folder's name", async () => {
    const inside = await smallFile('v.bin', randomBytes(5000));
    assert.equal((await replicateJson(inside, ['--as', 'shelf/v.bin'])).code, 0);
    assert.equal((await dsm(['rm', 'shelf/v.bin', '--config', config])).code, 0);
    for (const node of NODES) await assert.rejects(stat(join(rootOf(node), 'shelf')), { code: 'ENOENT' });
    const flat = await smallFile('shelf.bin', randomBytes(3000));
    const r = await replicateJson(flat, ['--as', 'shelf']);
    assert.equal(r.code, 0, JSON.stringify(r.json) + r.stderr);
  });

  it('dsm ls with no node up says so and exits 1 (not "no files yet")', async () => {
    const lonely = join(dir, 'nobody.json');
    const [port] = await freePorts(1);
    await writeFile(
      lonely,
      JSON.stringify({ token: TOKEN, nodes: [{ name: 'ghost', port, root: 'ghost' }] }),
    );
    const r = await dsm(['ls', '--config', lonely]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /no node answered \(ghost\)/);
    assert.doesNotMatch(r.stdout, /No files yet/);
  });

  it('one node down: exit 1 naming it, exit 0 with --min-copies 2; restarted, dsm ls shows its copy STALE', async () => {
    const v0 = randomBytes(120_000);
    const file = await smallFile('stale.bin', v0);
    const first = await replicateJson(file);
    assert.equal(first.code, 0, first.stderr);

    await stopNode('node3');
    const v1 = randomBytes(130_000);
    await writeFile(file, v1);
    const plain = await dsm(['replicate', file, '--config', config]);
    assert.equal(plain.code, 1, plain.stdout + plain.stderr);
    assert.match(plain.stderr, /missed: node3\n/);
    assert.match(plain.stdout, /node3\s+failed: connection refused: is node3 running\?/);
    assert.match(plain.stdout, /node1\s+stored \(replaced\)/);
    assert.match(plain.stdout, /node2\s+stored \(replaced\)/);

    const relaxed = await replicateJson(file, ['--min-copies', '2']);
    assert.equal(relaxed.code, 0, relaxed.stderr);
    assert.equal(relaxed.json.ok, true);
    assert.deepEqual(relaxed.json.missed, ['node3']);
    const failed = relaxed.json.outcomes.find((o) => o.node === 'node3');
    assert.equal(failed?.kind === 'failed' && failed.reason, 'refused');
    for (const node of ['node1', 'node2'] as const) {
      assert.ok((await readFile(join(rootOf(node), 'stale.bin'))).equals(v1), node);
    }

    await startNode('node3');
    assert.ok((await readFile(join(rootOf('node3'), 'stale.bin'))).equals(v0));
    const ls = await dsm(['ls', '--config', config]);
    assert.equal(ls.code, 1, 'a stale copy makes dsm ls exit 1');
    const line = ls.stdout.split('\n').find((l) => l.startsWith('stale.bin '));
    assert.match(
      String(line),
      /^stale\.bin\s+ok v\S+ [0-9a-f]{6}\s+ok v\S+ [0-9a-f]{6}\s+STALE v\S+ [0-9a-f]{6}\s*$/,
      ls.stdout,
    );
    const lsJson = await dsm(['ls', '--config', config, '--json']);
    const row = parseJson<{
      files: Array<{ name: string; cells: Array<{ node: string; state: string; version: number }> }>;
    }>(lsJson.stdout, 'ls --json').files.find((f) => f.name === 'stale.bin');
    assert.deepEqual(
      row?.cells.map((c) => [c.node, c.state, c.version]),
      [
        ['node1', 'ok', relaxed.json.version],
        ['node2', 'ok', relaxed.json.version],
        ['node3', 'stale', first.json.version],
      ],
    );
  });

  it('a file over a node\'s --max-upload-mib: that node answers 413 ("too large"), the others store it', async () => {
    await stopNode('node3');
    await startNode('node3', ['--max-upload-mib', '1']);
    const data = randomBytes(2 * MiB);
    const file = await smallFile('over.bin', data);
    const r = await dsm(['replicate', file, '--config', config]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /node3\s+failed: too large for node3/);
    assert.match(r.stdout, /node1\s+stored \(created\)/);
    assert.match(r.stderr, /missed: node3\n/);
    assert.equal((await http('node3', 'GET', '/over.bin')).status, 404);
    // Refused from the headers alone, before a byte of body (sent as raw bytes: the body never follows).
    const raw = await rawHttp(
      ports.get('node3') as number,
      `PUT /over.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Length: ${data.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(raw.status, 413, raw.head);
    assert.match(raw.body.toString(), /DSM_TOO_LARGE/);
    for (const node of ['node1', 'node2'] as const) {
      assert.ok((await readFile(join(rootOf(node), 'over.bin'))).equals(data), node);
    }
    await assertTmpEmptied(NODES);
  });
});
