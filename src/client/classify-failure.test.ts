import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { classifyFailure, type Failure, NodeHttpError } from './classify-failure.js';

const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
const sysErr = (code: string, message = `connect ${code} 127.0.0.1:8001`) =>
  Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  const table: Array<[string, unknown, Failure]> = [
    ['refused', fetchFailed(sysErr('ECONNREFUSED')), { kind: 'refused', detail: 'ECONNREFUSED' }],
    [
      'refused on every address (Happy Eyeballs)',
      fetchFailed(
        Object.assign(new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')]), {
          code: 'ECONNREFUSED',
        }),
      ),
      { kind: 'refused', detail: 'ECONNREFUSED' },
    ],
    [
      'AbortSignal.timeout',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      { kind: 'timeout', detail: 'no answer in time' },
    ],
    [
      'undici connect timeout',
      fetchFailed(sysErr('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')),
      { kind: 'timeout', detail: 'UND_ERR_CONNECT_TIMEOUT' },
    ],
    ['ETIMEDOUT', fetchFailed(sysErr('ETIMEDOUT')), { kind: 'timeout', detail: 'ETIMEDOUT' }],
    [
      'socket closed',
      fetchFailed(sysErr('UND_ERR_SOCKET', 'other side closed')),
      { kind: 'error', detail: 'UND_ERR_SOCKET: other side closed' },
    ],
    [
      'refused on one address, unreachable on the other',
      fetchFailed(new AggregateError([sysErr('ECONNREFUSED'), sysErr('EHOSTUNREACH')])),
      { kind: 'error', detail: 'EHOSTUNREACH' },
    ],
    ['HTTP status', new NodeHttpError(500, 'GET /health'), { kind: 'error', detail: 'HTTP 500' }],
    [
      'bad JSON',
      new SyntaxError('Unexpected token < in JSON'),
      { kind: 'error', detail: 'Unexpected token < in JSON' },
    ],
    ['not an Error', 'weird', { kind: 'error', detail: 'weird' }],
  ];
  for (const [title, err, expected] of table) {
    it(`${title} → ${expected.kind}`, () => assert.deepEqual(classifyFailure(err), expected));
  }

  it('classifies what fetch really throws for a closed port', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const err = await fetch(`http://127.0.0.1:${port}/health`).catch((e: unknown) => e);
    assert.deepEqual(classifyFailure(err), { kind: 'refused', detail: 'ECONNREFUSED' });
  });

  it('classifies what fetch really throws when a server says nothing', async () => {
    const server = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const err = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(30) }).catch(
      (e: unknown) => e,
    );
    server.close();
    server.unref();
    assert.equal(classifyFailure(err).kind, 'timeout');
  });
});
