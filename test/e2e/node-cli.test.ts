/**
 * `dsm node` as a user meets it: real `dsm` processes, their exit codes and what they print.
 *
 * - help lists every flag with its default;
 * - a mistake (bad flag, bad nodes.json, busy port, a file as root) ends with exit code 2 and one
 *   clear line, never a stack trace;
 * - settings come from nodes.json, with roots relative to the file's folder, and flags override them;
 * - one log line per request (text or JSON), none with --quiet, a warning for 0.0.0.0;
 * - Ctrl+C / SIGTERM let running responses finish, then exit 0 promptly.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot, tempDir } from './helpers.js';
import { headerOf, ProcessPool, type TrackedNode } from './processes.js';

const pool = new ProcessPool();
let tmp: { path: string; cleanup: () => Promise<void> } | undefined;
/** A root with demo.mp4 (4 KiB) in it. */
let demoRoot = '';
const DEMO = randomBytes(4096);

before(async () => {
  tmp = await tempDir('dsm-cli-');
  demoRoot = join(tmp.path, 'demo-root');
  await mkdir(demoRoot, { recursive: true });
  await writeFile(join(demoRoot, 'demo.mp4'), DEMO);
});

after(async () => {
  await pool.stopAll();
  await tmp?.cleanup();
});

/** A fresh folder inside the test's temp folder. */
async function folder(name: string): Promise<string> {
  const dir = join(tmp?.path ?? '', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Exit code 2, one line saying what is wrong, no stack trace, and no server started. */
function assertUsageError(
  r: { code: number | string; stdout: string; stderr: string },
  mentions: RegExp,
): void {
  const all = `${r.stdout}${r.stderr}`;
  assert.equal(r.code, 2, `exit code ${r.code}, expected 2\n${all}`);
  assert.ok(!/^ {4}at /m.test(all), `a stack trace was printed:\n${all}`);
  assert.ok(!/listening on/.test(all), `a server was started:\n${all}`);
  const message = lines(r.stderr);
  assert.equal(message.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(message[0] ?? '', mentions);
  assert.equal(r.stdout, '', `unexpected output on stdout:\n${r.stdout}`);
}

/** `--flag …` entries of the "Options:" section of a help text, each on one line. */
function optionEntries(help: string): Map<string, string> {
  const all = help.split('\n');
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of all.slice(all.findIndex((l) => l.trim() === 'Options:') + 1)) {
    if (line.trim() === '' || /^\S/.test(line)) break;
    const m = /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line);
    if (m?.[1]) {
      current = m[1];
      out.set(current, line.trim());
    } else if (current) {
      out.set(current, `${out.get(current)} ${line.trim()}`);
    }
  }
  return out;
}

/** Starts `dsm node` on port 0 serving `root` (more flags appended). */
function startNode(root: string, args: string[] = [], cwd?: string): Promise<TrackedNode> {
  return pool.startNode(['node', '--port', '0', '--root', root, ...args], { cwd: cwd ?? tmp?.path });
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

describe('help', { concurrency: true }, () => {
  it('dsm --help exits 0 and lists the node command and every flag', async () => {
    const r = await pool.run(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: dsm /m);
    assert.match(r.stdout, /^ {2}node \[options\] /m);
    const opts = optionEntries(r.stdout);
    assert.deepEqual([...opts.keys()].sort(), ['--help', '--lang', '--version']);
    assert.match(opts.get('--lang') ?? '', /\(default: from LANG\)/);
  });

  it('dsm --version prints the version of package.json', async () => {
    const r = await pool.run(['--version']);
    assert.equal(r.code, 0, r.stderr);
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('dsm node --help exits 0 and lists every flag with its default', async () => {
    const r = await pool.run(['node', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: dsm node /m);
    const opts = optionEntries(r.stdout);
    const expected: Record<string, string> = {
      '--name': '(default: "node1")',
      '--config': '(default: nodes.json if present)',
      '--port': '(default: 8001)',
      '--host': '(default: "127.0.0.1")',
      '--latency-ms': '(default: 0)',
      '--jitter-ms': '(default: 0)',
      '--root': '(default: <name>/storage)',
      '--log': 'default: "text")',
    };
    for (const [flag, text] of Object.entries(expected)) {
      assert.ok(opts.get(flag)?.includes(text), `${flag} should show ${text}: ${opts.get(flag)}`);
    }
    assert.ok(opts.has('--quiet'), 'no --quiet');
    // Every flag that takes a value says what happens without it.
    for (const [flag, entry] of opts) {
      if (/^(?:-\w, )?--[\w-]+ </.test(entry))
        assert.match(entry, /default/, `${flag} shows no default: ${entry}`);
    }
  });
});

describe('bad flags end with exit code 2 and one clear line', { concurrency: true }, () => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port.*abc/],
    [['--port', '70000'], /--port.*70000/],
    [['--latency-ms', '-5'], /--latency-ms.*-5/],
    [['--jitter-ms', '1.5'], /--jitter-ms.*1\.5/],
    [['--log', 'xml'], /--log.*xml/],
    [['--seed', 'abc'], /--seed.*abc/],
    [['--name', 'bad/name'], /--name/],
    [['--bogus'], /--bogus/],
  ];
  for (const [args, mentions] of cases) {
    it(`dsm node ${args.join(' ')}`, async () => {
      const root = join(tmp?.path ?? '', `never-created-${args.join('-').replace(/\W+/g, '')}`);
      const withPort = args[0] === '--port' ? [] : ['--port', '0'];
      const r = await pool.run(['node', ...withPort, '--root', root, ...args], {
        cwd: tmp?.path,
        failOn: /listening on/,
      });
      assertUsageError(r, mentions);
      assert.ok(!existsSync(root), 'the root folder was created');
    });
  }
});

describe('a bad nodes.json ends with exit code 2, naming the field', { concurrency: true }, () => {
  const cases: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"nodes": [ {"name": "node1", ', /bad-json\.json.*not valid JSON/],
    [
      'port as a string',
      JSON.stringify({ nodes: [{ name: 'node1', port: '8001', root: 's' }] }),
      /nodes\[0\]\.port/,
    ],
    [
      'an unknown field',
      JSON.stringify({ nodes: [{ name: 'node1', port: 8001, latencyms: 5, root: 's' }] }),
      /nodes\[0\].*"latencyms"/,
    ],
    [
      'duplicate names',
      JSON.stringify({
        nodes: [
          { name: 'node1', port: 0, root: 'a' },
          { name: 'node1', port: 0, root: 'b' },
        ],
      }),
      /nodes\[1\]\.name.*node1/,
    ],
    ['no nodes', JSON.stringify({ nodes: [] }), /nodes.*at least one/],
  ];
  for (const [what, text, mentions] of cases) {
    it(what, async () => {
      const dir = await folder(`config-${what.replace(/\W+/g, '-')}`);
      const file = join(dir, what === 'invalid JSON' ? 'bad-json.json' : 'nodes.json');
      await writeFile(file, text);
      const r = await pool.run(['node', '--config', file, '--name', 'node1'], {
        cwd: dir,
        failOn: /listening on/,
      });
      assertUsageError(r, mentions);
      assert.match(r.stderr, /^dsm: /);
    });
  }

  it('a missing nodes.json', async () => {
    const dir = await folder('config-missing');
    const r = await pool.run(['node', '--config', join(dir, 'nodes.json'), '--name', 'node1'], {
      cwd: dir,
      failOn: /listening on/,
    });
    assertUsageError(r, /nodes\.json.*no such file/);
  });

  it('a --name that is not in nodes.json: the message names the nodes it has', async () => {
    const dir = await folder('config-no-such-node');
    const file = join(dir, 'nodes.json');
    await writeFile(
      file,
      JSON.stringify({
        nodes: [
          { name: 'node1', port: 0, root: 'a' },
          { name: 'node3', port: 0, root: 'b' },
        ],
      }),
    );
    const r = await pool.run(['node', '--config', file, '--name', 'node2'], {
      cwd: dir,
      failOn: /listening on/,
    });
    assertUsageError(r, /"node2".*node1, node3/);
  });
});

describe('start-up problems end with exit code 2 and one clear line', () => {
  it('a port already in use', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const r = await pool.run(['node', '--port', String(port), '--root', join(tmp?.path ?? '', 'busy')], {
        cwd: tmp?.path,
        failOn: /listening on/,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.deepEqual(lines(r.stderr), [`dsm: port ${port} is already in use: is node1 already running?`]);
      assert.equal(r.stdout, '');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('a --root that is an existing file', async () => {
    const file = join(await folder('root-is-a-file'), 'not-a-folder');
    await writeFile(file, 'x');
    const r = await pool.run(['node', '--port', '0', '--root', file], {
      cwd: tmp?.path,
      failOn: /listening on/,
    });
    assertUsageError(r, /^dsm: Cannot use folder .*not-a-folder.*: it is a file, not a folder$/);
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });
});

describe('settings from nodes.json', () => {
  let cfgDir = '';
  let elsewhere = '';

  before(async () => {
    cfgDir = await folder('cfg');
    elsewhere = await folder('elsewhere');
    await writeFile(
      join(cfgDir, 'nodes.json'),
      JSON.stringify({
        nodes: [
          { name: 'node1', port: 0, latencyMs: 0, root: 'data/node1' },
          { name: 'node2', port: 0, latencyMs: 120, root: 'data/node2' },
        ],
      }),
    );
  });

  it('--config nodes.json --name node2 takes port, latency and root (relative to the file) from it', async () => {
    const node = await pool.startNode(['node', '--config', '../cfg/nodes.json', '--name', 'node2'], {
      cwd: elsewhere,
    });
    const t0 = performance.now();
    const res = await fetch(`${node.url}/health`);
    const elapsed = performance.now() - t0;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-served-by'), 'node2');
    const health = (await res.json()) as Record<string, unknown>;
    assert.equal(health.node, 'node2');
    assert.equal(health.latencyMs, 120);
    assert.ok(elapsed >= 110, `the answer came after ${elapsed.toFixed(0)} ms, before the 120 ms latency`);
    const root = join(cfgDir, 'data', 'node2');
    assert.ok(statSync(root).isDirectory(), 'the root was not created beside nodes.json');
    assert.ok(!existsSync(join(elsewhere, 'data')), 'the root was created relative to the current folder');
    assert.ok(node.stdout().includes(`root ${root}`), node.stdout());
  });

  it('flags override nodes.json', async () => {
    const node = await pool.startNode(
      ['node', '--config', join(cfgDir, 'nodes.json'), '--name', 'node2', '--latency-ms', '5'],
      { cwd: elsewhere },
    );
    assert.equal((await getJson(`${node.url}/health`)).latencyMs, 5);
  });

  it('nodes.json in the current folder is used without --config', async () => {
    const node = await pool.startNode(['node', '--name', 'node2'], { cwd: cfgDir });
    const health = await getJson(`${node.url}/health`);
    assert.equal(health.node, 'node2');
    assert.equal(health.latencyMs, 120);
  });
});

describe('logs', () => {
  const REQUEST_LINE = /^node1 {2}GET \/demo\.mp4 206 bytes=0-99 100 B \(latency 0 ms, total \d+ ms\)$/m;

  it('one text line per request on stdout: method, path, status, range, size, latency and total', async () => {
    const node = await startNode(demoRoot);
    const res = await fetch(`${node.url}/demo.mp4`, { headers: { Range: 'bytes=0-99' } });
    assert.equal(res.status, 206);
    assert.equal((await res.arrayBuffer()).byteLength, 100);
    assert.equal((await fetch(`${node.url}/nope.mp4`)).status, 404);
    await pool.waitFor(node, /GET \/nope\.mp4/);
    assert.match(node.stdout(), REQUEST_LINE);
    assert.match(node.stdout(), /^node1 {2}GET \/nope\.mp4 404 \d+ B \(latency 0 ms, total \d+ ms\)$/m);
    assert.ok(!/GET \//.test(node.stderr()), `request lines on stderr:\n${node.stderr()}`);
    assert.ok(!/every network interface/.test(node.stderr()), 'a 0.0.0.0 warning for 127.0.0.1');
  });

  it('the listening line says where, which root, which latency and how many files', async () => {
    const node = await startNode(demoRoot, ['--latency-ms', '7']);
    const escaped = demoRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(
      node.stdout(),
      new RegExp(
        `^node1 {2}listening on http://127\\.0\\.0\\.1:${node.port} · root ${escaped} · latency 7 ms · 1 file$`,
        'm',
      ),
    );
  });

  it('--lang pt-BR: request lines and messages in Portuguese; the listening line stays (dsm cluster reads it)', async () => {
    const node = await pool.startNode(['--lang', 'pt-BR', 'node', '--port', '0', '--root', demoRoot], {
      cwd: tmp?.path,
    });
    assert.match(node.stdout(), /^node1 {2}listening on http:\/\/127\.0\.0\.1:\d+ · /m);
    assert.equal((await fetch(`${node.url}/nope.mp4`)).status, 404);
    await pool.waitFor(node, /GET \/nope\.mp4/);
    assert.match(node.stdout(), /^node1 {2}GET \/nope\.mp4 404 \d+ B \(latência 0 ms, total \d+ ms\)$/m);
    node.child.kill('SIGTERM');
    assert.equal(await node.exited, 0);
    assert.match(node.stdout(), /^node1 {2}parando: terminando as respostas em andamento…$/m);
    assert.match(node.stdout(), /^node1 {2}parado$/m);
  });

  it('--log json prints one JSON object per line, the request with method, path, status and bytes', async () => {
    const node = await startNode(demoRoot, ['--log', 'json']);
    const res = await fetch(`${node.url}/demo.mp4`, { headers: { Range: 'bytes=0-99' } });
    assert.equal(res.status, 206);
    await res.arrayBuffer();
    await pool.waitFor(node, /"method":"GET"/);
    const objects = lines(node.stdout()).map((l) => JSON.parse(l) as Record<string, unknown>);
    const request = objects.find((o) => o.method === 'GET');
    assert.ok(request, node.stdout());
    assert.equal(request.status, 206);
    assert.equal(request.path, '/demo.mp4');
    assert.equal(request.bytes, 100);
    assert.equal(request.node, 'node1');
    assert.ok(!REQUEST_LINE.test(node.stdout()), 'a text request line in JSON mode');
  });

  it('--quiet prints no request line', async () => {
    const node = await startNode(demoRoot, ['--quiet']);
    assert.equal((await fetch(`${node.url}/demo.mp4`)).status, 200);
    assert.equal((await fetch(`${node.url}/nope.mp4`)).status, 404);
    // Stopping flushes everything the node had to print.
    assert.equal(await pool.stop(node), 0);
    assert.match(node.stdout(), /listening on/);
    assert.match(node.stdout(), /stopped/);
    assert.ok(
      !/GET \//.test(node.stdout() + node.stderr()),
      `a request line with --quiet:\n${node.stdout()}`,
    );
  });

  it('--host 0.0.0.0 warns that the whole network can read the files', async () => {
    // Safe here: the test only talks to 127.0.0.1 and stops the node at once.
    const node = await startNode(demoRoot, ['--host', '0.0.0.0', '--quiet']);
    try {
      assert.match(node.stderr(), /warning: .*0\.0\.0\.0.*network/);
      assert.equal((await getJson(`${node.url}/health`)).status, 'ok');
    } finally {
      await pool.stop(node);
    }
  });
});

describe('stopping', () => {
  const BIG = randomBytes(16 * 1024 * 1024);
  let bigRoot = '';

  before(async () => {
    bigRoot = await folder('big-root');
    await writeFile(join(bigRoot, 'big.bin'), BIG);
    await writeFile(join(bigRoot, 'demo.mp4'), DEMO);
  });

  /** A raw HTTP/1.1 GET whose reading the test controls; `done` resolves when the whole response is in. */
  function slowGet(port: number, path: string, keepAlive: boolean) {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let received = 0;
    let head: string | undefined;
    let bodyStart = 0;
    let length = Number.POSITIVE_INFINITY;
    let firstByte: () => void = () => undefined;
    const firstData = new Promise<void>((resolve) => {
      firstByte = resolve;
    });
    const done = new Promise<{ head: string; body: Buffer; at: number }>((resolve, reject) => {
      const complete = () => {
        if (head === undefined || received - bodyStart < length) return false;
        const body = Buffer.concat(chunks).subarray(bodyStart, bodyStart + length);
        resolve({ head, body, at: Date.now() });
        return true;
      };
      socket.on('data', (d: Buffer) => {
        chunks.push(d);
        received += d.length;
        firstByte();
        if (head === undefined) {
          const raw = Buffer.concat(chunks);
          const end = raw.indexOf('\r\n\r\n');
          if (end >= 0) {
            head = raw.subarray(0, end).toString('latin1');
            bodyStart = end + 4;
            length = Number(headerOf(head, 'Content-Length'));
          }
        }
        complete();
      });
      socket.on('close', () => {
        if (!complete()) reject(new Error(`connection closed after ${received} bytes`));
      });
      socket.on('error', () => undefined);
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${keepAlive ? '' : 'Connection: close\r\n'}\r\n`,
    );
    return { socket, firstData, done, received: () => received };
  }

  function refused(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
  }

  it('SIGTERM during a slow download: the download completes, then the node exits 0', async () => {
    const node = await startNode(bigRoot);
    const get = slowGet(node.port, '/big.bin', false);
    await get.firstData;
    get.socket.pause();
    node.child.kill('SIGTERM');
    await pool.waitFor(node, /stopping/);
    assert.ok(get.received() < BIG.length, 'the download was over before the signal');
    assert.ok(await refused(node.port), 'a stopping node still accepts new connections');
    await new Promise((r) => setTimeout(r, 500));
    get.socket.resume();
    const { head, body, at } = await get.done;
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.equal(body.length, BIG.length);
    assert.equal(
      createHash('sha256').update(body).digest('hex'),
      createHash('sha256').update(BIG).digest('hex'),
    );
    assert.equal(await node.exited, 0, node.stdout() + node.stderr());
    const after = (node.exitedAt() ?? 0) - at;
    assert.ok(after < 1_000, `exited ${after} ms after the response ended`);
    assert.match(node.stdout(), /^node1 {2}GET \/big\.bin 200 16\.0 MB \(latency 0 ms, total \d+ ms\)$/m);
    assert.match(node.stdout(), /^node1 {2}stopped$/m);
  });

  it('SIGINT while a request waits out its latency: the response comes, then the node exits 0', async () => {
    const node = await startNode(bigRoot, ['--latency-ms', '1000']);
    const get = slowGet(node.port, '/demo.mp4', false);
    await new Promise((r) => setTimeout(r, 300));
    node.child.kill('SIGINT');
    const { head, body, at } = await get.done;
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.deepEqual(body, DEMO);
    assert.equal(await node.exited, 0, node.stdout() + node.stderr());
    const after = (node.exitedAt() ?? 0) - at;
    assert.ok(after < 1_000, `exited ${after} ms after the response ended`);
    assert.match(node.stdout(), /^node1 {2}stopping/m);
  });

  it('a keep-alive client (as browsers and fetch are) does not hold up the exit after its response', async () => {
    const node = await startNode(bigRoot, ['--latency-ms', '1000']);
    const get = slowGet(node.port, '/demo.mp4', true);
    await new Promise((r) => setTimeout(r, 300));
    node.child.kill('SIGTERM');
    const { head, body, at } = await get.done;
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.deepEqual(body, DEMO);
    assert.equal(await node.exited, 0, node.stdout() + node.stderr());
    get.socket.destroy();
    const after = (node.exitedAt() ?? 0) - at;
    assert.ok(after < 1_000, `exited ${after} ms after the response ended`);
  });

  it('a second Ctrl+C exits at once, with code 130', async () => {
    const node = await startNode(bigRoot, ['--latency-ms', '5000']);
    const get = slowGet(node.port, '/demo.mp4', false);
    get.done.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    node.child.kill('SIGINT');
    await pool.waitFor(node, /stopping/);
    const t0 = Date.now();
    node.child.kill('SIGINT');
    assert.equal(await node.exited, 130);
    assert.ok((node.exitedAt() ?? 0) - t0 < 1_000, 'the second Ctrl+C did not exit at once');
    get.socket.destroy();
  });
});
