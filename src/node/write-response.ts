/**
 * Writes a `NodeResponse` to a Node.js `ServerResponse`: the hot path from disk to socket.
 *
 * - Small bodies (≤ 64 KiB) are read with one `read` and sent with one write.
 * - Larger ones stream from the open handle in 1 MiB chunks with back-pressure: measured here, Node's
 *   static servers lose most of their throughput to small chunks (`@fastify/static` reads 16 KiB at a
 *   time and reaches 0.10x nginx on large files; see shared/reference/serving-baseline.md).
 * - The file handle is always closed, whether the response ends, fails, or the client goes away.
 * - Read buffers come from a pool (buffer-pool.ts) and go back once the socket took their bytes.
 * - Headers go to `writeHead` as one flat array (common ones flattened once per node): measured 5–13%
 *   more small-file requests per second than an object merged per request, as node:http then walks
 *   no object of its own (`_storeHeader`, lib/_http_outgoing.js).
 * - Faults: with a body fault (bandwidth, reset) every body goes through `BodyStream`, which asks the
 *   fault chain before each piece; streamed bodies always do, so that a fault set while they run
 *   reaches them too. A body cut by `reset` ends the connection after the bytes it let through.
 */

import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { BodyFaults } from '../faults/fault-chain.js';
import { DEFAULTS } from '../shared/defaults.js';
import { BodyStream, type Piece } from './body-stream.js';
import { type BufferPool, poolOf } from './buffer-pool.js';
import { readFullySync } from './open-file-cache.js';
import { type Body, discardBody, type Headers, isSharedHeaders, type NodeResponse } from './response.js';

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
  /**
   * Body bytes handed to sockets so far, over all responses, counted as they go (a long stream adds
   * piece by piece): `/health` reports it, so the dashboard shows a node's live throughput.
   */
  served?: { bytes: number };
  /**
   * A streamed body whose client takes no byte for this long is cut (the connection closed), as nginx's
   * `send_timeout` (60 s) does; a player that paused reading asks again with a Range when it needs more.
   * Node's own socket timeout does not reliably end a response stalled on back-pressure (measured: a
   * client that stopped reading held its connection twice the timeout). Default DEFAULTS.idleTimeoutMs.
   */
  sendTimeoutMs?: number;
}

/** The common headers as [name, value] pairs, computed once per object. */
const commonPairs = new WeakMap<Headers, Array<[string, string | number]>>();

/**
 * `{ ...common, ...own }` as a flat [name, value, …] list for `writeHead`: a common header the response
 * sets itself (same spelling) is left out, as the spread would override it.
 */
export function headerList(common: Headers, own: Headers): OutgoingHttpHeader[] {
  if (isSharedHeaders(own)) {
    const kept = flatShared.get(own);
    if (kept !== undefined && kept.common === common) return kept.list;
    const list = flatten(common, own);
    flatShared.set(own, { common, list });
    return list;
  }
  return flatten(common, own);
}

/** Flattened lists of shared header objects (node:http only reads the list). */
const flatShared = new WeakMap<Headers, { common: Headers; list: OutgoingHttpHeader[] }>();

function flatten(common: Headers, own: Headers): OutgoingHttpHeader[] {
  let pairs = commonPairs.get(common);
  if (pairs === undefined) {
    pairs = Object.entries(common);
    commonPairs.set(common, pairs);
  }
  const list: OutgoingHttpHeader[] = [];
  for (const [k, v] of pairs) if (!Object.hasOwn(own, k)) list.push(k, v);
  for (const k in own) list.push(k, own[k] as string | number);
  return list;
}

export async function writeResponse(
  res: ServerResponse,
  r: NodeResponse,
  opts: WriteOptions,
): Promise<WriteResult> {
  const headers = headerList(opts.common, r.headers);
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
    return { bytes: err instanceof BodyEnded ? err.sentBytes : 0, aborted: true };
  }
}

/** A streamed body ended early (a `reset` fault, or the client went away), after `sentBytes`. */
class BodyEnded extends Error {
  constructor(
    readonly sentBytes: number,
    why: string,
    cause?: unknown,
  ) {
    super(why, { cause });
  }
}

async function writeBody(res: ServerResponse, body: Body, opts: WriteOptions): Promise<number> {
  const small = opts.smallFileBytes ?? DEFAULTS.smallFileBytes;
  const chunk = opts.readChunkBytes ?? DEFAULTS.readChunkBytes;
  const faults = opts.faults;
  const served = opts.served ?? { bytes: 0 };
  const sendTimeout = opts.sendTimeoutMs ?? DEFAULTS.idleTimeoutMs;
  if (faults !== undefined && faults.bodyStages.length !== 0 && body.kind !== 'empty') {
    // Paced or cut: every body, however small, goes piece by piece.
    try {
      return await streamPieces(res, piecesOf(body), chunk, faults, served, sendTimeout);
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
      served.bytes += body.data.length;
      return body.data.length;
    case 'file': {
      const length = body.end - body.start + 1;
      try {
        const cached = body.file.data;
        if (cached) {
          res.end(cached.subarray(body.start, body.end + 1));
          served.bytes += length;
          return length;
        }
        if (length <= small) {
          const pool = poolOf(small);
          const mem = pool.take();
          const buf = mem.subarray(0, length);
          if (readFullySync(body.file.fd, buf, body.start) < length) {
            pool.give(mem);
            throw new Error('file shrank while being read');
          }
          // 'finish': the socket has every byte, the buffer may serve the next read.
          res.end(buf, () => pool.give(mem));
          served.bytes += length;
          return length;
        }
        return await streamPieces(res, piecesOf(body), chunk, faults, served, sendTimeout);
      } finally {
        body.release();
      }
    }
    case 'multipart':
      try {
        return await streamPieces(res, piecesOf(body), chunk, faults, served, sendTimeout);
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
  served: { bytes: number },
  sendTimeoutMs: number,
): Promise<number> {
  const pool = poolOf(chunk);
  const source = new BodyStream(pieces, chunk, faults, pool);
  // After a cut the response ends short of its Content-Length; `res` lets go of the socket at the end,
  // so keep it to close the connection once the bytes let through are out.
  const socket = res.socket;
  try {
    await pipeInto(source, res, pool, served, sendTimeoutMs);
  } catch (err) {
    // The log line says how far the body got before the client left (not 0).
    throw new BodyEnded(source.sentBytes, 'the response ended early', err);
  }
  if (source.cut) {
    socket?.destroySoon();
    throw new BodyEnded(source.sentBytes, 'body cut by a reset fault');
  }
  return source.sentBytes;
}

/**
 * `pipeline(source, res)`, with each chunk's buffer given back to `pool` once the socket has taken it
 * (a write's callback; pipeline does not say when a chunk is written). Resolves on the response's
 * 'finish'; rejects, destroying the source, if either side fails, the response closes first, or the
 * client takes nothing for `sendTimeoutMs` while the response waits for it (back-pressure, or the
 * last bytes after the end).
 */
function pipeInto(
  source: BodyStream,
  res: ServerResponse,
  pool: BufferPool,
  served: { bytes: number },
  sendTimeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let waitingForDrain = false;
    let stall: NodeJS.Timeout | undefined;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(stall);
      source.off('data', onData);
      res.off('drain', onDrain);
      res.off('finish', onFinish);
      res.off('close', onClose);
      if (err) {
        source.destroy();
        reject(err);
      } else resolve();
    };
    /** Starts the clock on the client while the response waits for it. */
    const waitForClient = () => {
      if (stall !== undefined || sendTimeoutMs <= 0) return;
      stall = setTimeout(() => {
        settle(new Error(`the client took no data for ${sendTimeoutMs / 1000} s`));
        res.destroy();
      }, sendTimeoutMs);
      stall.unref();
    };
    const onDrain = () => {
      waitingForDrain = false;
      clearTimeout(stall);
      stall = undefined;
      source.resume();
    };
    const onData = (chunk: Buffer) => {
      served.bytes += chunk.length;
      const more = res.write(chunk, (err) => {
        if (!err) pool.give(chunk);
      });
      if (!more && !waitingForDrain) {
        waitingForDrain = true;
        source.pause();
        res.once('drain', onDrain);
        waitForClient();
      }
    };
    const onFinish = () => settle();
    const onClose = () => {
      if (!res.writableFinished) settle(new Error('the response closed before its end'));
    };
    if (res.destroyed) {
      settle(new Error('the response closed before its end'));
      return;
    }
    source.on('data', onData);
    source.once('end', () => {
      res.end();
      if (!res.writableFinished) waitForClient();
    });
    source.once('error', (err) => settle(err));
    res.once('finish', onFinish);
    res.once('close', onClose);
    res.once('error', (err) => settle(err));
  });
}
