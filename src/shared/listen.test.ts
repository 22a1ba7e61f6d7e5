import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { listen, listenError } from './listen.js';

describe('listenError', () => {
  const table: Array<[string, string, RegExp]> = [
    ['EADDRINUSE', 'DSM_PORT_IN_USE', /^port 8001 is already in use: is node1 already running\?$/],
    ['EACCES', 'DSM_LISTEN_FAILED', /permission denied \(ports below 1024/],
    ['EADDRNOTAVAIL', 'DSM_LISTEN_FAILED', /no such address on this machine/],
    ['EOTHER', 'DSM_LISTEN_FAILED', /: boom$/],
  ];
  for (const [code, expected, message] of table) {
    it(`${code} → ${expected}`, () => {
      const err = Object.assign(new Error('boom'), { code });
      const e = listenError(err, '127.0.0.1', 8001, 'node1');
      assert.equal(e.code, expected);
      assert.match(e.message, message);
    });
  }
});

describe('listen', () => {
  it('listens, and reports a port already taken', async () => {
    const a = createServer();
    await listen(a, '127.0.0.1', 0, 'a');
    const port = (a.address() as { port: number }).port;
    const b = createServer();
    await assert.rejects(listen(b, '127.0.0.1', port, 'node9'), { code: 'DSM_PORT_IN_USE' });
    a.close();
  });
});
