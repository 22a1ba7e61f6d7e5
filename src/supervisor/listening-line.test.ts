import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseListeningLine } from './listening-line.js';

describe('parseListeningLine', () => {
  it('reads the port and URL of the line dsm node prints when ready', () => {
    assert.deepEqual(
      parseListeningLine('node1  listening on http://127.0.0.1:50123 · root /x · latency 50 ms · 0 files'),
      { port: 50123, url: 'http://127.0.0.1:50123' },
    );
  });

  it('keeps IPv6 brackets', () => {
    assert.deepEqual(parseListeningLine('node1  listening on http://[::1]:8001 · root /x'), {
      port: 8001,
      url: 'http://[::1]:8001',
    });
  });

  it('turns an every-interface address into loopback, which this machine can reach', () => {
    assert.equal(
      parseListeningLine('n  listening on http://0.0.0.0:8001 · root /x')?.url,
      'http://127.0.0.1:8001',
    );
    assert.equal(parseListeningLine('n  listening on http://[::]:8001 · root /x')?.url, 'http://[::1]:8001');
  });

  it('ignores every other line', () => {
    assert.equal(parseListeningLine('node1  GET /health 200 27 B (latency 0 ms, total 1 ms)'), undefined);
    assert.equal(parseListeningLine('node1  warning: listening on http://1.2.3.4:5 is a lie'), undefined);
    assert.equal(parseListeningLine('node1  listening on http://127.0.0.1:99999 · x'), undefined);
    assert.equal(parseListeningLine(''), undefined);
  });
});
