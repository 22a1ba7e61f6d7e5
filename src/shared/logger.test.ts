import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, formatRequestLine } from './logger.js';

describe('formatRequestLine', () => {
  it('reads like the original, richer', () => {
    assert.equal(
      formatRequestLine('node1', {
        method: 'GET',
        path: '/demo.mp4',
        status: 206,
        range: 'bytes=0-1048575',
        bytes: 1048576,
        latencyMs: 50,
        totalMs: 53.2,
      }),
      'node1  GET /demo.mp4 206 bytes=0-1048575 1.0 MB (latency 50 ms, total 53 ms)',
    );
  });
});

describe('createLogger', () => {
  it('writes JSON lines with --log json and drops request lines with --quiet', () => {
    const lines: string[] = [];
    const log = createLogger({ name: 'node1', format: 'json', quiet: false, write: (l) => lines.push(l) });
    log.request({ method: 'GET', path: '/a', status: 200, bytes: 1, latencyMs: 0, totalMs: 1 });
    const obj = JSON.parse(lines[0] ?? '');
    assert.equal(obj.node, 'node1');
    assert.equal(obj.status, 200);
    const quiet: string[] = [];
    const q = createLogger({ name: 'node1', format: 'text', quiet: true, write: (l) => quiet.push(l) });
    q.request({ method: 'GET', path: '/a', status: 200, bytes: 1, latencyMs: 0, totalMs: 1 });
    q.warn('careful');
    assert.deepEqual(quiet, ['node1  warning: careful']);
    assert.equal(q.logsRequests, false, '--quiet: a server may skip building request records');
    assert.equal(log.logsRequests, true);
  });
});

describe('a logger in Brazilian Portuguese', () => {
  const r = {
    method: 'GET',
    path: '/demo.mp4',
    status: 206,
    bytes: 10,
    latencyMs: 50,
    totalMs: 53,
    aborted: true,
  };
  const msg = { en: 'stopped', 'pt-BR': 'parado' };

  /** A pt-BR logger of `format` and the lines it writes. */
  const ptLogger = (format: 'text' | 'json') => {
    const lines: string[] = [];
    const log = createLogger({
      name: 'node1',
      format,
      quiet: false,
      lang: 'pt-BR',
      write: (l) => lines.push(l),
    });
    return { log, lines };
  };

  it('writes text lines, warnings and request lines in its language', () => {
    const { log, lines } = ptLogger('text');
    log.info(msg);
    log.warn({ en: 'careful', 'pt-BR': 'cuidado' });
    log.request(r);
    assert.deepEqual(lines, [
      'node1  parado',
      'node1  aviso: cuidado',
      'node1  GET /demo.mp4 206 10 B interrompido (latência 50 ms, total 53 ms)',
    ]);
  });

  it('keeps JSON lines in English, so that they parse the same everywhere', () => {
    const { log, lines } = ptLogger('json');
    log.info(msg);
    assert.equal(JSON.parse(lines[0] ?? '').msg, 'stopped');
  });
});
