/**
 * Writes a `NodeResponse` to a Node.js `ServerResponse`: the hot path from disk to socket.
 *
 * - Small bodies (≤ 64 KiB) are read with one `read` and sent with one write.
 * - Larger ones stream from the open handle in 1 MiB chunks with back-pressure: measured here, Node's
 *   static servers lose most of their throughput to small chunks (`@fastify/static` reads 16 KiB at a
 *   time and reaches 0.10x nginx on large files; see shared/reference/serving-baseline.md).
 * - The file handle is always closed, whether the response ends, fails, or the client goes away.
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { DEFAULTS } from '../shared/defaults.js';
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
    await discardBody(r.body);
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
      if (length <= small) {
        const buf = Buffer.allocUnsafe(length);
        try {
          await readFully(body, buf);
        } finally {
          await body.handle.close();
        }
        res.end(buf);
        return length;
      }
      const stream = body.handle.createReadStream({
        start: body.start,
        end: body.end,
        highWaterMark: chunk,
        autoClose: true,
      });
      await pipeline(stream, res);
      return length;
    }
    case 'multipart': {
      let sent = 0;
      try {
        for (const part of body.parts) {
          await writeChunk(res, part.head);
          sent += part.head.length;
          const stream = body.handle.createReadStream({
            start: part.range.start,
            end: part.range.end,
            highWaterMark: chunk,
            autoClose: false,
          });
          await pipeline(stream, res, { end: false });
          sent += part.range.end - part.range.start + 1;
        }
      } finally {
        await body.handle.close();
      }
      res.end(body.tail);
      return sent + body.tail.length;
    }
  }
}

async function readFully(
  body: { handle: import('node:fs/promises').FileHandle; start: number },
  buf: Buffer,
) {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await body.handle.read(buf, off, buf.length - off, body.start + off);
    if (bytesRead === 0) throw new Error('file shrank while being read');
    off += bytesRead;
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
