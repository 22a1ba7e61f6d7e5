/**
 * Writes a `NodeResponse` to a Node.js `ServerResponse`: the hot path from disk to socket.
 *
 * - Small bodies (≤ 64 KiB) are read with one `read` and sent with one write.
 * - Larger ones stream from the open handle in 1 MiB chunks with back-pressure: measured here, Node's
 *   static servers lose most of their throughput to small chunks (`@fastify/static` reads 16 KiB at a
 *   time and reaches 0.10x nginx on large files; see shared/reference/serving-baseline.md).
 * - The file handle is always closed, whether the response ends, fails, or the client goes away.
 */

import { createReadStream, open as fsOpen, read as fsRead } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DEFAULTS } from '../shared/defaults.js';
import { readAt } from './open-file-cache.js';
import { type Body, discardBody, type Headers, type NodeResponse } from './response.js';

export interface WriteResult {
  /** Body bytes handed to the socket. */
  bytes: number;
  /** The client went away, or the response failed, before the body was complete. */
  aborted: boolean;
}

export interface WriteOptions {
  /** Headers added to every response (X-Served-By, CORS, caching). */
  common: Headers;
  headOnly: boolean;
  readChunkBytes?: number;
  smallFileBytes?: number;
}

export async function writeResponse(
  res: ServerResponse,
  r: NodeResponse,
  opts: WriteOptions,
): Promise<WriteResult> {
  const headers = { ...opts.common, ...r.headers };
  if (opts.headOnly || r.status === 304 || r.status === 204) {
    discardBody(r.body);
    res.writeHead(r.status, headers);
    res.end();
    return { bytes: 0, aborted: false };
  }
  res.writeHead(r.status, headers);
  try {
    const bytes = await writeBody(res, r.body, opts);
    return { bytes, aborted: false };
  } catch {
    // The client went away, or the disk failed mid-body: the socket cannot carry a clean error now.
    if (!res.destroyed) res.destroy();
    return { bytes: 0, aborted: true };
  }
}

async function writeBody(res: ServerResponse, body: Body, opts: WriteOptions): Promise<number> {
  const small = opts.smallFileBytes ?? DEFAULTS.smallFileBytes;
  const chunk = opts.readChunkBytes ?? DEFAULTS.readChunkBytes;
  switch (body.kind) {
    case 'empty':
      res.end();
      return 0;
    case 'bytes':
      res.end(body.data);
      return body.data.length;
    case 'file': {
      const length = body.end - body.start + 1;
      try {
        const cached = body.file.data;
        if (cached) {
          res.end(cached.subarray(body.start, body.end + 1));
          return length;
        }
        if (length <= small) {
          const buf = Buffer.allocUnsafe(length);
          await readFully(body.file.fd, buf, body.start);
          res.end(buf);
          return length;
        }
        await pipeline(fileStream(body.file.fd, body.start, body.end, chunk), res);
        return length;
      } finally {
        body.release();
      }
    }
    case 'multipart': {
      let sent = 0;
      try {
        for (const part of body.parts) {
          await writeChunk(res, part.head);
          sent += part.head.length;
          await pipeline(fileStream(body.file.fd, part.range.start, part.range.end, chunk), res, {
            end: false,
          });
          sent += part.range.end - part.range.start + 1;
        }
      } finally {
        body.release();
      }
      res.end(body.tail);
      return sent + body.tail.length;
    }
  }
}

/**
 * A stream of bytes start..end of a shared descriptor: positional reads, and the descriptor stays
 * open afterwards (it belongs to the open-file cache).
 */
function fileStream(fd: number, start: number, end: number, highWaterMark: number) {
  // `autoClose: false` alone is not enough: a destroyed ReadStream (client gone) still closes its fd
  // (Node 20, lib/internal/fs/streams.js `close`), which would pull it from under other responses.
  return createReadStream('', {
    fd,
    fs: KEEP_OPEN,
    start,
    end,
    highWaterMark,
    autoClose: false,
    emitClose: false,
  });
}

const KEEP_OPEN = { open: fsOpen, read: fsRead, close: (_fd: number, cb: (err: null) => void) => cb(null) };

async function readFully(fd: number, buf: Buffer, start: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const n = await readAt(fd, buf, off, buf.length - off, start + off);
    if (n === 0) throw new Error('file shrank while being read');
    off += n;
  }
}

function writeChunk(res: ServerResponse, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('response closed'));
    if (res.write(data)) return resolve();
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(new Error('response closed'));
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
