/**
 * Writes a `NodeResponse` to a Node.js `ServerResponse`: the hot path from disk to socket.
 *
 * - Small bodies (≤ 64 KiB) are read with one `read` and sent with one write.
 * - Larger ones stream from the open handle in 1 MiB chunks with back-pressure: measured here, Node's
 *   static servers lose most of their throughput to small chunks (`@fastify/static` reads 16 KiB at a
 *   time and reaches 0.10x nginx on large files; see shared/reference/serving-baseline.md).
 * - The file handle is always closed, whether the response ends, fails, or the client goes away.
 * - Faults: with a body fault (bandwidth, reset) every body goes through `BodyStream`, which asks the
 *   fault chain before each piece; streamed bodies always do, so that a fault set while they run
 *   reaches them too. A body cut by `reset` ends the connection after the bytes it let through.
 */

import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BodyFaults } from '../faults/fault-chain.js';
import { DEFAULTS } from '../shared/defaults.js';
import { BodyStream, type Piece } from './body-stream.js';
import { readFully } from './open-file-cache.js';
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
  /** The node's faults; undefined (or none with a body hook) sends bodies untouched. */
  faults?: BodyFaults;
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
  } catch (err) {
    // The client went away, the disk failed mid-body, or a `reset` fault cut the body: the socket cannot
    // carry a clean error now.
    if (!res.destroyed) res.destroy();
    return { bytes: err instanceof BodyCut ? err.sentBytes : 0, aborted: true };
  }
}

/** A body ended early by a `reset` fault. */
class BodyCut extends Error {
  constructor(readonly sentBytes: number) {
    super('body cut by a reset fault');
  }
}

async function writeBody(res: ServerResponse, body: Body, opts: WriteOptions): Promise<number> {
  const small = opts.smallFileBytes ?? DEFAULTS.smallFileBytes;
  const chunk = opts.readChunkBytes ?? DEFAULTS.readChunkBytes;
  const faults = opts.faults;
  if (faults !== undefined && faults.bodyStages.length !== 0 && body.kind !== 'empty') {
    // Paced or cut: every body, however small, goes piece by piece.
    try {
      return await streamPieces(res, piecesOf(body), chunk, faults);
    } finally {
      discardBody(body);
    }
  }
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
          if ((await readFully(body.file.fd, buf, body.start)) < length)
            throw new Error('file shrank while being read');
          res.end(buf);
          return length;
        }
        return await streamPieces(res, piecesOf(body), chunk, faults);
      } finally {
        body.release();
      }
    }
    case 'multipart':
      try {
        return await streamPieces(res, piecesOf(body), chunk, faults);
      } finally {
        body.release();
      }
  }
}

/** The body as pieces: bytes, or slices of the open file (positional reads on the shared descriptor). */
function piecesOf(body: Body): Piece[] {
  switch (body.kind) {
    case 'empty':
      return [];
    case 'bytes':
      return [body.data];
    case 'file':
      return [
        body.file.data?.subarray(body.start, body.end + 1) ?? {
          fd: body.file.fd,
          start: body.start,
          end: body.end,
        },
      ];
    case 'multipart': {
      const pieces: Piece[] = [];
      for (const part of body.parts) {
        pieces.push(part.head, { fd: body.file.fd, start: part.range.start, end: part.range.end });
      }
      pieces.push(body.tail);
      return pieces;
    }
  }
}

async function streamPieces(
  res: ServerResponse,
  pieces: Piece[],
  chunk: number,
  faults: BodyFaults | undefined,
): Promise<number> {
  const source = new BodyStream(pieces, chunk, faults);
  // After a cut the response ends short of its Content-Length; `res` lets go of the socket at the end,
  // so keep it to close the connection once the bytes let through are out.
  const socket = res.socket;
  await pipeline(source, res);
  if (source.cut) {
    socket?.destroySoon();
    throw new BodyCut(source.sentBytes);
  }
  return source.sentBytes;
}
