import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multipartLayout } from './multipart.js';

describe('multipartLayout', () => {
  it('lays out parts and counts the exact length', () => {
    const content = Buffer.from('0123456789');
    const m = multipartLayout(
      [
        { start: 0, end: 1 },
        { start: 4, end: 5 },
      ],
      10,
      'text/plain',
      'B',
    );
    const body = Buffer.concat([
      ...m.parts.flatMap((p) => [p.head, content.subarray(p.range.start, p.range.end + 1)]),
      m.tail,
    ]);
    assert.equal(
      body.toString(),
      '\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01' +
        '\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 4-5/10\r\n\r\n45' +
        '\r\n--B--\r\n',
    );
    assert.equal(m.length, body.length);
  });
});
