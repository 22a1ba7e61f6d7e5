/**
 * What a handler returns: a status, headers and a description of the body. The server writes it
 * (`write-response.ts`); tests can inspect it without a socket (as Fastify's `inject()`).
 */

import { type DsmError, errorBody } from '../shared/errors.js';
import type { ByteRange } from '../shared/range.js';
import type { OpenFile } from './open-file-cache.js';

export type Headers = Record<string, string | number>;

export type Body =
  | { kind: 'empty' }
  | { kind: 'bytes'; data: Buffer }
  /** Bytes start..end (inclusive) of an open file; the writer calls `release` when done. */
  | { kind: 'file'; file: OpenFile; start: number; end: number; release: () => void }
  /** `multipart/byteranges`: each part's header bytes, then the range; then the closing delimiter. */
  | {
      kind: 'multipart';
      file: OpenFile;
      parts: Array<{ head: Buffer; range: ByteRange }>;
      tail: Buffer;
      release: () => void;
    };

/** Header objects reused by many responses (see sharedHeaders). */
const shared = new WeakSet<Headers>();

/**
 * Marks a header object that many responses share (one per open file): it is frozen, so that nobody
 * changes it for one response (copy it instead), and the writer may keep its flattened form.
 */
export function sharedHeaders(h: Headers): Headers {
  Object.freeze(h);
  shared.add(h);
  return h;
}

export function isSharedHeaders(h: Headers): boolean {
  return shared.has(h);
}

export interface NodeResponse {
  status: number;
  headers: Headers;
  body: Body;
}

/** Lets go of the file behind a body that will not be sent (HEAD, errors). */
export function discardBody(body: Body): void {
  if (body.kind === 'file' || body.kind === 'multipart') body.release();
}

export function jsonResponse(status: number, value: unknown, headers: Headers = {}): NodeResponse {
  const data = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, ...headers },
    body: { kind: 'bytes', data },
  };
}

export function errorResponse(err: DsmError, headers: Headers = {}): NodeResponse {
  const data = Buffer.from(errorBody(err));
  return {
    status: err.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, ...headers },
    body: { kind: 'bytes', data },
  };
}
