/**
 * The gateway's upstream client against raw-socket servers that send exactly the bytes of each case
 * (heads split anywhere, chunked bodies, interim answers, resets, malformed heads).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createUpstreamClient, parseHead, type UpstreamResponse } from './upstream-http.js';

/** A server that runs `script` on each connection once it has read the request head. */
async function rawServer(
  script: (s: Socket, requestHead: string) => void,
): Promise<{ server: Server; origin: string }> {
  const server = createServer((s) => {
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end >= 0 && !got.startsWith('done')) {
        const head = got.slice(0, end);
        got = 'done';
        script(s, head);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Writes the pieces one by one, a few milliseconds apart, so that each arrives in its own read. */
function dribble(s: Socket, pieces: Array<string | Buffer>, then?: () => void) {
  const next = (i: number) => {
    if (i === pieces.length) {
      then?.();
      return;
    }
    s.write(pieces[i] as string | Buffer, () => setTimeout(() => next(i + 1), 5));
  };
  next(0);
}

/** The whole body, and whether it ended complete; releases each piece late to check that none is reused early. */
function readAll(r: UpstreamResponse): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const pieces: Buffer[] = [];
    const releases: Array<() => void> = [];
    r.read({
      data: (chunk, release) => {
        pieces.push(Buffer.from(chunk));
        releases.push(release);
        if (releases.length > 3) releases.shift()?.();
      },
      end: (complete) => {
        for (const rel of releases) rel();
        resolve({ body: Buffer.concat(pieces), complete });
      },
    });
  });
}

const client = createUpstreamClient();
const servers: Server[] = [];
after(() => {
  client.close();
  for (const s of servers) s.close();
});

async function serve(script: (s: Socket, requestHead: string) => void) {
  const { server, origin } = await rawServer(script);
  servers.push(server);
  return origin;
}

const req = (origin: string, extra: Partial<Parameters<typeof client.request>[0]> = {}) =>
  client.request({ origin, method: 'GET', path: '/f', headers: {}, headersTimeoutMs: 2000, ...extra });

describe('parseHead', () => {
  it('reads the status and lowercased headers, joining repeated ones', () => {
    const h = parseHead('HTTP/1.1 206 Partial Content\r\nETag: "x"\r\nVary: a\r\nvary:  b \r\nX-Empty:');
    assert.deepEqual(h, { status: 206, headers: { etag: '"x"', vary: 'a, b', 'x-empty': '' } });
    assert.equal(parseHead('HTTP/1.0 200').status, 200);
  });
  it('rejects what llhttp rejects', () => {
    for (const bad of [
      'HTTP/2 200 OK',
      'HTTP/1.1 20 OK',
      'HTTP/1.1 200 OK\r\nBad Name: x',
      'HTTP/1.1 200 OK\r\n folded: x',
      'HTTP/1.1 200 OK\r\nX: a\x00b',
      'HTTP/1.1 200 OK\r\nX: a\nY: b',
      'HTTP/1.1 200 OK\r\nnocolon',
    ])
      assert.throws(() => parseHead(bad), /invalid/, JSON.stringify(bad));
  });
});

describe('upstream client', () => {
  it('sends the method, path, Host, Connection: close and the given headers', async () => {
    let seen = '';
    const origin = await serve((s, head) => {
      seen = head;
      s.end('HTTP/1.1 204 No Content\r\n\r\n');
    });
    const r = await req(origin, { method: 'HEAD', headers: { Range: 'bytes=1-2', 'If-Match': '"e"' } });
    assert.equal(r.statusCode, 204);
    assert.deepEqual((await readAll(r)).complete, true);
    const port = new URL(origin).port;
    assert.equal(
      seen,
      `HEAD /f HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nRange: bytes=1-2\r\nIf-Match: "e"`,
    );
  });

  it('refuses header values that could split a line', async () => {
    const origin = await serve((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    await assert.rejects(req(origin, { headers: { Range: 'bytes=1-\r\nX: y' } }), /invalid header/);
  });

  it('reads a Content-Length body split anywhere, head included, byte-exact', async () => {
    const body = randomBytes(300_000);
    const wire = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`),
      body,
    ]);
    const origin = await serve((s) =>
      dribble(s, [
        wire.subarray(0, 10),
        wire.subarray(10, 40),
        wire.subarray(40, 100_000),
        wire.subarray(100_000),
      ]),
    );
    const r = await req(origin);
    assert.equal(r.headers['content-length'], String(body.length));
    const got = await readAll(r);
    assert.equal(got.complete, true);
    assert.ok(got.body.equals(body));
  });

  it('keeps concurrent bodies apart while pieces are held (pooled buffers)', async () => {
    const bodies = [randomBytes(2_000_000), randomBytes(2_000_000)];
    const origins = await Promise.all(
      bodies.map((b) =>
        serve((s) => {
          s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${b.length}\r\n\r\n`);
          s.end(b);
        }),
      ),
    );
    const got = await Promise.all(origins.map(async (o) => readAll(await req(o))));
    got.forEach((g, i) => {
      assert.equal(g.complete, true);
      assert.ok(g.body.equals(bodies[i] as Buffer));
    });
  });

  it('decodes a chunked body with extensions and trailers, split across reads', async () => {
    const origin = await serve((s) =>
      dribble(s, [
        'HTTP/1.1 412 Precondition Failed\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhel',
        'lo\r\n',
        '6\r',
        '\n world\r\n0\r\nX-T: 1\r\n\r\n',
      ]),
    );
    const r = await req(origin);
    assert.equal(r.statusCode, 412);
    const got = await readAll(r);
    assert.deepEqual(
      { body: got.body.toString(), complete: got.complete },
      { body: 'hello world', complete: true },
    );
  });

  it('skips interim answers and reads a body that ends with the connection', async () => {
    const origin = await serve((s) =>
      dribble(
        s,
        [
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n',
          'HTTP/1.1 200 OK\r\n\r\nab',
          'cd',
        ],
        () => s.end(),
      ),
    );
    const r = await req(origin);
    assert.equal(r.statusCode, 200);
    const got = await readAll(r);
    assert.deepEqual({ body: got.body.toString(), complete: got.complete }, { body: 'abcd', complete: true });
  });

  it('reports a body cut before its length as incomplete', async () => {
    const origin = await serve((s) =>
      dribble(s, ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], () => s.destroy()),
    );
    const got = await readAll(await req(origin));
    assert.deepEqual({ body: got.body.toString(), complete: got.complete }, { body: 'abc', complete: false });
  });

  it('has no body for HEAD, 204 and 304 whatever the length says', async () => {
    const origin = await serve((s) => s.end('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n'));
    const got = await readAll(await req(origin));
    assert.deepEqual({ n: got.body.length, complete: got.complete }, { n: 0, complete: true });
  });

  it('rejects malformed framing and heads, refused connections and slow heads', async () => {
    const cases = [
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
      `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
      'garbage\r\n\r\n',
    ];
    for (const wire of cases) {
      const origin = await serve((s) => s.end(wire));
      await assert.rejects(req(origin), (e: Error) => e.message.length > 0, wire.slice(0, 60));
    }
    const silent = await serve(() => undefined);
    await assert.rejects(req(silent, { headersTimeoutMs: 100 }), { code: 'ETIMEDOUT' });
    const closed = await serve((s) => s.destroy());
    await assert.rejects(req(closed), { code: 'ECONNRESET' });
    const { server, origin } = await rawServer(() => undefined);
    await new Promise((r) => server.close(r));
    await assert.rejects(req(origin), { code: 'ECONNREFUSED' });
  });

  it('stops at destroy and at close() of the client', async () => {
    const origin = await serve((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab'));
    const r = await req(origin);
    const ended = readAll(r);
    r.destroy();
    assert.equal((await ended).complete, false);
    const r2 = await req(origin);
    const ended2 = readAll(r2);
    client.close();
    assert.equal((await ended2).complete, false);
  });
});
