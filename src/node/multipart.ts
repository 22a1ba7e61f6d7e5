/**
 * `multipart/byteranges` bodies (RFC 9110 §14.6): one part per range, each with its own
 * `Content-Type` and `Content-Range`, so the total length is known before the first byte
 * (nginx and Caddy answer multi-range requests this way; `send` answers 200 with the whole file).
 *
 * | ranges of a 10-byte text/plain file, boundary B | body                                         |
 * |-------------------------------------------------|----------------------------------------------|
 * | [0-1], [4-5]                                    | `\r\n--B\r\nContent-Type: text/plain\r\n`    |
 * |                                                 | `Content-Range: bytes 0-1/10\r\n\r\n` + 2 B  |
 * |                                                 | `\r\n--B\r\n…bytes 4-5/10\r\n\r\n` + 2 B     |
 * |                                                 | `\r\n--B--\r\n`                              |
 */
import { randomBytes } from 'node:crypto';
import { type ByteRange, contentRange } from '../shared/range.js';

export interface MultipartLayout {
  boundary: string;
  parts: Array<{ head: Buffer; range: ByteRange }>;
  tail: Buffer;
  length: number;
}

export function newBoundary(): string {
  return `dsm-${randomBytes(12).toString('hex')}`;
}

export function multipartLayout(
  ranges: ByteRange[],
  size: number,
  contentType: string,
  boundary: string,
): MultipartLayout {
  let length = 0;
  const parts = ranges.map((range) => {
    const head = Buffer.from(
      `\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: ${contentRange(range, size)}\r\n\r\n`,
    );
    length += head.length + range.end - range.start + 1;
    return { head, range };
  });
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { boundary, parts, tail, length: length + tail.length };
}
