/**
 * Nothing outside the root is ever served: one real `dsm node` process, attacked with raw HTTP/1.1
 * request lines over TCP (fetch would normalise `..` and percent-escapes away before sending).
 *
 *   tmp/
 *     secret.txt                 outside the root, holds MARKER
 *     root/                      the node's root
 *       demo.mp4                 known bytes
 *       films/a b.mp4
 *       .secret                  a dotfile, holds HIDDEN
 *       .dsm/…                   the node's internal folder (it creates it)
 *       escape.txt -> ../secret.txt
 *       outdir -> ..
 *       inside-link.mp4 -> demo.mp4          allowed: stays inside
 *       alias-secret -> .secret              a link to a dotfile
 *       alias-internal -> .dsm               a link to the internal folder
 *
 * Then: the node stays up under oversized headers and slowloris clients, and (with a token) no
 * write or delete reaches outside the root either.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from './helpers.js';
import { headerOf, ProcessPool, type RawResponse, rawHttp, type TrackedNode } from './processes.js';

const MARKER = `OUTSIDE-THE-ROOT-${randomUUID()}`;
const HIDDEN = `DOTFILE-CONTENT-${randomUUID()}`;
const TOKEN = `token-${randomUUID()}`;
const DEMO = Buffer.concat([Buffer.from('DEMO-'), randomBytes(3000)]);
const FILM = Buffer.from('a film with a space in its name\n');
const SERVABLE = ['demo.mp4', 'films/a b.mp4', 'inside-link.mp4'];

const pool = new ProcessPool();
let tmp: { path: string; cleanup: () => Promise<void> } | undefined;
let root = '';
let node: TrackedNode;
/** Names of the files the node wrote into root/.dsm/ (found after it started). */
let internalFiles: string[] = [];

function request(method: string, target: string, extra = ''): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}Connection: close\r\n\r\n`;
}

/** Everything every refused request must satisfy. */
function assertRefused(r: RawResponse, what: string): void {
  assert.ok(r.closedByServer, `${what}: no complete answer within the timeout`);
  assert.ok(r.status >= 400 && r.status <= 499, `${what}: expected a 4xx, got ${r.status}\n${r.head}`);
  const text = r.raw.toString('latin1');
  assert.ok(!text.includes(MARKER), `${what}: the response contains the outside file's content`);
  assert.ok(!text.includes(HIDDEN), `${what}: the response contains the dotfile's content`);
  assert.ok(!text.includes(TOKEN), `${what}: the response contains the token`);
  assert.equal(headerOf(r.head, 'X-Served-By'), 'node1', `${what}: no X-Served-By\n${r.head}`);
}

/** Files the node created in its internal folder (its index/manifest is flushed shortly after start). */
async function waitForInternalFiles(dir: string, timeoutMs = 5_000): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const found: string[] = [];
    const walk = async (d: string, prefix: string) => {
      for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
        if (e.isDirectory()) await walk(join(d, e.name), `${prefix}${e.name}/`);
        else if (e.isFile()) found.push(prefix + e.name);
      }
    };
    await walk(dir, '');
    if (found.length > 0 || Date.now() - started > timeoutMs) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  tmp = await tempDir('dsm-security-');
  root = join(tmp.path, 'root');
  await mkdir(join(root, 'films'), { recursive: true });
  await writeFile(join(root, 'demo.mp4'), DEMO);
  await writeFile(join(root, 'films', 'a b.mp4'), FILM);
  await writeFile(join(root, '.secret'), HIDDEN);
  await writeFile(join(tmp.path, 'secret.txt'), MARKER);
  await symlink('../secret.txt', join(root, 'escape.txt'));
  await symlink('..', join(root, 'outdir'));
  await symlink('demo.mp4', join(root, 'inside-link.mp4'));
  await symlink('.secret', join(root, 'alias-secret'));
  await symlink('.dsm', join(root, 'alias-internal'));
  node = await pool.startNode(
    ['node', '--name', 'node1', '--port', '0', '--root', root, '--latency-ms', '0', '--quiet'],
    { env: { DSM_TOKEN: TOKEN } },
  );
  internalFiles = await waitForInternalFiles(join(root, '.dsm'));
});

after(async () => {
  await pool.stopAll();
  await tmp?.cleanup();
});

// Raw request targets that must never reach a file outside the root, a dotfile or the internal folder.
const ATTACKS = [
  '/../secret.txt',
  '/..%2fsecret.txt',
  '/..%2Fsecret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E%2Fsecret.txt',
  '/%2e%2e%2f%2e%2e%2fsecret.txt',
  '/.%2e/secret.txt',
  '/..%5csecret.txt',
  '/..\\secret.txt',
  '/%252e%252e/secret.txt',
  '/..%255csecret.txt',
  '/demo.mp4%00.txt',
  '/escape.txt%00.mp4',
  '/C:/Windows/win.ini',
  '/c:%5cwindows',
  '/demo.mp4::$DATA',
  '//etc/passwd',
  '//../secret.txt',
  'http://127.0.0.1/../secret.txt',
  'http://127.0.0.1/escape.txt',
  '/escape.txt',
  '/escape.txt/',
  '/escape.txt?download=1',
  '/outdir',
  '/outdir/',
  '/outdir/secret.txt',
  '/outdir/root/.secret',
  '/outdir/root/../secret.txt',
  '/.secret',
  '/%2esecret',
  '/alias-secret',
  '/films/../.secret',
  '/.dsm/index.json',
  '/.dsm/manifest.json',
  '/.dsm',
  '/.dsm/',
  '/%2edsm/manifest.json',
  '/films/../../secret.txt',
  '/films/..%2f..%2fsecret.txt',
  '/films%2f..%2f..%2fsecret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/%c0%ae%c0%ae%c0%afsecret.txt',
  '/..%c0%afsecret.txt',
  '/%e0%80%ae%e0%80%ae/secret.txt',
  '/%u002e%u002e/secret.txt',
  '/%ef%bc%8e%ef%bc%8e/secret.txt',
  '/..;/secret.txt',
  '/secret.txt',
  '/.. /secret.txt',
];

describe('raw request targets that lead outside the root are refused', () => {
  for (const target of ATTACKS) {
    for (const method of ['GET', 'HEAD']) {
      it(`${method} ${JSON.stringify(target)} → 4xx, no outside bytes, X-Served-By`, async () => {
        assertRefused(await rawHttp(node.port, request(method, target)), `${method} ${target}`);
      });
    }
  }

  it('a Range request on an escaping symlink is refused too', async () => {
    assertRefused(await rawHttp(node.port, request('GET', '/escape.txt', 'Range: bytes=0-5\r\n')), 'Range');
    assertRefused(
      await rawHttp(node.port, request('GET', '/outdir/secret.txt', 'Range: bytes=0-5,7-9\r\n')),
      'multi-range',
    );
  });

  it('an HTTP/1.0 request without Host is refused the same way', async () => {
    const r = await rawHttp(node.port, 'GET /../secret.txt HTTP/1.0\r\n\r\n');
    assertRefused(r, 'HTTP/1.0');
  });

  it("nothing in the node's internal folder is served, whatever its name or way in", async () => {
    assert.ok(internalFiles.length > 0, 'the node created no file in root/.dsm/');
    for (const f of internalFiles) {
      const url = f.split('/').map(encodeURIComponent).join('/');
      for (const target of [`/.dsm/${url}`, `/alias-internal/${url}`, `/outdir/root/.dsm/${url}`]) {
        for (const method of ['GET', 'HEAD']) {
          assertRefused(await rawHttp(node.port, request(method, target)), `${method} ${target}`);
        }
      }
    }
  });
});

describe('what is inside the root is served', () => {
  it('GET /inside-link.mp4 (a symlink that stays inside) → 200 with the bytes of demo.mp4', async () => {
    const r = await rawHttp(node.port, request('GET', '/inside-link.mp4'));
    assert.equal(r.status, 200, r.head);
    assert.deepEqual(r.body, DEMO);
    assert.equal(headerOf(r.head, 'X-Served-By'), 'node1');
  });

  it('GET /demo.mp4 → 200 with its bytes', async () => {
    const r = await rawHttp(node.port, request('GET', '/demo.mp4'));
    assert.equal(r.status, 200, r.head);
    assert.deepEqual(r.body, DEMO);
  });

  it('GET /films/a%20b.mp4 → 200 with its bytes', async () => {
    const r = await rawHttp(node.port, request('GET', '/films/a%20b.mp4'));
    assert.equal(r.status, 200, r.head);
    assert.deepEqual(r.body, FILM);
  });
});

describe('listings show only what may be served', () => {
  const NEVER_LISTED = [
    '.secret',
    '.dsm',
    'escape.txt',
    'outdir',
    'secret.txt',
    'alias-secret',
    'alias-internal',
    MARKER,
    HIDDEN,
  ];

  it('the HTML index at / links exactly the servable files', async () => {
    const r = await rawHttp(node.port, request('GET', '/'));
    assert.equal(r.status, 200, r.head);
    const html = r.body.toString('utf8');
    const links = [...html.matchAll(/href="([^"]*)"/g)]
      .map((m) => m[1])
      .filter((h) => h !== '/health' && h !== '/_dsm/files')
      .sort();
    assert.deepEqual(links, ['/demo.mp4', '/films/a%20b.mp4', '/inside-link.mp4']);
    for (const s of NEVER_LISTED) assert.ok(!html.includes(s), `the index mentions ${s}`);
  });

  it('GET /_dsm/files lists exactly the servable files', async () => {
    const r = await rawHttp(node.port, request('GET', '/_dsm/files'));
    assert.equal(r.status, 200, r.head);
    const text = r.body.toString('utf8');
    const entries = JSON.parse(text) as Array<{ name: string; deleted?: boolean }>;
    const names = entries
      .filter((e) => !e.deleted)
      .map((e) => e.name)
      .sort();
    assert.deepEqual(names, SERVABLE);
    for (const s of NEVER_LISTED) assert.ok(!text.includes(s), `/_dsm/files mentions ${s}`);
  });

  it('GET /health counts only the servable files', async () => {
    const r = await rawHttp(node.port, request('GET', '/health'));
    assert.equal(r.status, 200, r.head);
    assert.equal((JSON.parse(r.body.toString('utf8')) as { files: number }).files, SERVABLE.length);
  });
});

describe('the server stays up', () => {
  it('a header block over 16 KiB gets 431, and the next request is served', async () => {
    const big = await rawHttp(node.port, request('GET', '/demo.mp4', `X-Big: ${'a'.repeat(17 * 1024)}\r\n`));
    assert.equal(big.status, 431, big.head);
    assert.equal(headerOf(big.head, 'X-Served-By'), 'node1');
    // Just under the limit is fine.
    const fits = await rawHttp(node.port, request('GET', '/demo.mp4', `X-Big: ${'a'.repeat(12 * 1024)}\r\n`));
    assert.equal(fits.status, 200, fits.head);
    const next = await rawHttp(node.port, request('GET', '/demo.mp4'));
    assert.equal(next.status, 200, next.head);
    assert.deepEqual(next.body, DEMO);
  });

  it('slowloris clients are cut off after the 10 s headers timeout, others are served meanwhile', async () => {
    // Three slow clients: part of the headers then silence; one header byte every 500 ms; nothing at all.
    const kinds = ['partial headers', 'trickle', 'silent'] as const;
    const started = Date.now();
    const slow = kinds.map((kind) => {
      const socket = connect(node.port, '127.0.0.1');
      let received = '';
      let trickle: NodeJS.Timeout | undefined;
      socket.on('connect', () => {
        if (kind === 'partial headers')
          socket.write('GET /demo.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1');
        if (kind === 'trickle') {
          socket.write('GET /demo.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
          trickle = setInterval(() => socket.write('a'), 500);
        }
      });
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
      });
      socket.on('error', () => undefined);
      const closed = new Promise<number>((resolve) => {
        socket.on('close', () => {
          clearInterval(trickle);
          resolve(Date.now() - started);
        });
      });
      return { kind, socket, closed, received: () => received };
    });
    // Our own limit, so that a node that never closes them fails the test instead of hanging it.
    const giveUp = setTimeout(() => {
      for (const s of slow) s.socket.destroy();
    }, 14_000);

    let allClosed = false;
    const closedMs = Promise.all(slow.map((s) => s.closed)).then((ms) => {
      allClosed = true;
      return ms;
    });
    let served = 0;
    while (!allClosed) {
      const r = await rawHttp(node.port, request('GET', '/demo.mp4'));
      assert.equal(r.status, 200, `a normal request failed while slow clients held sockets:\n${r.head}`);
      assert.deepEqual(r.body, DEMO);
      served++;
      await Promise.race([closedMs, new Promise((res) => setTimeout(res, 250))]);
    }
    clearTimeout(giveUp);
    const ms = await closedMs;
    const report = kinds.map((k, i) => `${k}: ${ms[i]} ms`).join(', ');
    console.log(`# slowloris sockets closed after ${report}; ${served} normal requests served meanwhile`);
    for (const [i, s] of slow.entries()) {
      const t = ms[i] ?? 0;
      assert.ok(t >= 9_500 && t <= 12_500, `${s.kind}: socket closed after ${t} ms, expected 10-12 s`);
      // Closed by the node, with a 408 at most: never a file's bytes.
      assert.ok(
        s.received() === '' || s.received().startsWith('HTTP/1.1 408 '),
        `${s.kind} got ${JSON.stringify(s.received())}`,
      );
    }
    assert.ok(served >= 20, `only ${served} requests served in ${Math.max(...ms)} ms`);
  });
});

describe('writes cannot reach outside the root either, even with the token', () => {
  const auth = `Authorization: Bearer ${TOKEN}\r\n`;
  const put = (target: string) =>
    `PUT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Length: 5\r\nConnection: close\r\n\r\nPWNED`;

  /** What is outside the root, with each file's content: must not change. */
  async function outside(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const walk = async (dir: string, prefix: string) => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const rel = prefix + e.name;
        if (rel === 'root') continue;
        if (e.isDirectory()) {
          out[`${rel}/`] = '(folder)';
          await walk(join(dir, e.name), `${rel}/`);
        } else out[rel] = await readFile(join(dir, e.name), 'utf8');
      }
    };
    await walk(tmp?.path ?? '', '');
    return out;
  }

  it('PUT and DELETE with traversal or hidden targets are refused', async () => {
    for (const target of [
      '/../pwned.txt',
      '/..%2fpwned.txt',
      '/%2e%2e/pwned.txt',
      '/films/../../pwned.txt',
      '/.secret',
      '/.dsm/manifest.json',
    ]) {
      assertRefused(await rawHttp(node.port, put(target)), `PUT ${target}`);
      assertRefused(await rawHttp(node.port, request('DELETE', target, auth)), `DELETE ${target}`);
    }
    assert.equal(await readFile(join(root, '.secret'), 'utf8'), HIDDEN);
    assert.deepEqual(await outside(), { 'secret.txt': MARKER });
  });

  for (const target of ['/outdir/pwned.txt', '/outdir/newdir/pwned.txt', '/outdir/a/b/pwned.txt']) {
    it(`PUT ${target} (through a folder link that leads outside) is refused and creates nothing outside`, async () => {
      const before = await outside();
      const r = await rawHttp(node.port, put(target));
      assertRefused(r, `PUT ${target}`);
      assert.deepEqual(await outside(), before, 'the PUT created something outside the root');
    });
  }

  it('DELETE through a folder link that leads outside deletes nothing outside', async () => {
    const before = await outside();
    for (const target of ['/outdir/secret.txt', '/outdir/pwned.txt']) {
      const r = await rawHttp(node.port, request('DELETE', target, auth));
      assert.ok(r.status > 0 && r.status < 500, `DELETE ${target}: ${r.head}`);
      assert.equal(headerOf(r.head, 'X-Served-By'), 'node1');
      assert.ok(!r.raw.toString('latin1').includes(MARKER));
    }
    assert.deepEqual(await outside(), before);
  });

  it('PUT or DELETE on a symlink that leads outside (or to a dotfile) never touches its target', async () => {
    const before = await outside();
    for (const [link, target, content] of [
      ['escape.txt', join(tmp?.path ?? '', 'secret.txt'), MARKER],
      ['alias-secret', join(root, '.secret'), HIDDEN],
    ] as const) {
      const del = await rawHttp(node.port, request('DELETE', `/${link}`, auth));
      assert.equal(headerOf(del.head, 'X-Served-By'), 'node1', `DELETE /${link}: ${del.head}`);
      assert.equal(await readFile(target, 'utf8'), content, `DELETE /${link} changed its target`);
      const r = await rawHttp(node.port, put(`/${link}`));
      assert.equal(headerOf(r.head, 'X-Served-By'), 'node1', `PUT /${link}: ${r.head}`);
      assert.ok(!r.raw.toString('latin1').includes(content), `PUT /${link} answered with its target`);
      assert.equal(await readFile(target, 'utf8'), content, `PUT /${link} wrote through the link`);
      // Replacing the link itself with a regular file is fine; writing through it is not.
      const st = await lstat(join(root, link)).catch(() => undefined);
      if (st?.isFile()) assert.equal(await readFile(join(root, link), 'utf8'), 'PWNED');
    }
    assert.deepEqual(await outside(), before);
  });
});
