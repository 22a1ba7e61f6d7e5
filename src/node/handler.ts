/**
 * The storage node as a function from request to response (as Deno std's `file_server.ts`):
 * routing, path checks, preconditions and ranges. It opens files but never writes to a socket;
 * `write-response.ts` does that.
 *
 *   GET|HEAD /health         → 200 {"node","status","latencyMs","uptimeS","files","bytesServed"}
 *   GET|HEAD /_dsm/files     → 200 [{"name","size","sha256","mtime","version"}], tombstones
 *                              {"name","deleted":true,"version"} and quarantined copies {"name","corrupt":true,…}
 *   GET|HEAD|PUT /_dsm/faults → the node's faults (PUT with token)   see fault-routes.ts
 *   GET|HEAD /_dsm/manifest[/digest], POST /_dsm/scrub/<path>   anti-entropy, see sync-routes.ts
 *   GET|HEAD /               → 200 HTML index
 *   GET|HEAD /<path>         → 200 | 206 | 304 | 412 | 416, or 4xx for bad paths
 *   PUT      /<path>         → 201 | 200 stored (token)   see write-routes.ts
 *   DELETE   /<path>         → 200 deleted, tombstone (token)
 *   OPTIONS  *               → 204 CORS preflight
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { contentType as mimeContentType } from 'mime-types';
import type { FaultChain } from '../faults/fault-chain.js';
import { DsmError } from '../shared/errors.js';
import { strongEtag, weakEtag } from '../shared/etag.js';
import { headerValue, quoted } from '../shared/format.js';
import { evaluatePreconditions, rangeApplies, type Validators } from '../shared/preconditions.js';
import { type ByteRange, contentRange, parseRange } from '../shared/range.js';
import { parseTargetPath, type TargetPath } from '../shared/safe-path.js';
import { handleFaults, isFaultsTarget } from './fault-routes.js';
import type { FileStore } from './file-store.js';
import { indexPage } from './index-page.js';
import type { FileEntry } from './manifest.js';
import { multipartLayout, newBoundary } from './multipart.js';
import { errorResponse, type Headers, jsonResponse, type NodeResponse, sharedHeaders } from './response.js';
import { handleSyncPost, handleSyncRead, isScrubTarget } from './sync-routes.js';
import { handleWrite } from './write-routes.js';

export interface NodeRequest {
  method: string;
  /** The raw request target, exactly as received (`req.url`). */
  target: string;
  headers: IncomingHttpHeaders;
  /** The request body (PUT). */
  body?: Readable;
  /** Trailer fields, complete once the body has ended (a `Repr-Digest` may come there). */
  trailers?: () => Record<string, string | undefined>;
}

export interface HandlerContext {
  nodeName: string;
  store: FileStore;
  maxRanges: number;
  /** Current simulated latency, reported by /health. */
  latencyMs: () => number;
  uptimeS: () => number;
  /** Body bytes this node has handed to sockets since it started (live, also mid-stream), for /health. */
  bytesServed?: () => number;
  newBoundary?: () => string;
  /** Token for PUT and DELETE; undefined makes the node read-only. */
  token: string | undefined;
  maxUploadBytes: number;
  /** A new write version (time-based) for writes that do not bring one. */
  newVersion: () => number;
  /** Anti-entropy and scrub (self-heal.ts); absent in tests that do not need them. */
  heal?: { peerSeen(name: string): void; scrubSoon(name: string): boolean };
  /** The node's faults, changed through `/_dsm/faults`; undefined: no such route. */
  faults?: FaultChain;
}

const ALL_METHODS = 'GET, HEAD, PUT, DELETE, OPTIONS';

const typeByExtension = new Map<string, string>();

/** Content-Type from the extension, remembered per extension (the lookup shows in profiles). */
function contentTypeOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot).toLowerCase() : '';
  let type = typeByExtension.get(ext);
  if (type === undefined) {
    type = (ext && mimeContentType(ext)) || 'application/octet-stream';
    if (typeByExtension.size < 1000) typeByExtension.set(ext, type);
  }
  return type;
}

/**
 * What every answer about one open file shares, computed once per open-file cache entry and manifest
 * entry instead of once per request (Last-Modified formatting, the ETag, the content type and the header
 * object showed in CPU profiles of the small-file and range workloads). A new manifest entry (a hash
 * finished, a new version) gives a new memo; a changed file is a new open-file entry anyway.
 */
interface FileMemo {
  entry: FileEntryLike | undefined;
  etag: string;
  lastModified: string;
  validators: Validators;
  type: string;
  /** Content-Type, Accept-Ranges, ETag, Last-Modified and X-Dsm-Version. */
  headers: Headers;
  /** The same plus Content-Length: a whole-file 200 (shared: see sharedHeaders). */
  full: Headers;
}
type FileEntryLike = Pick<FileEntry, 'sha256' | 'version'>;
const memos = new WeakMap<object, FileMemo>();

function memoOf(
  file: { stats: { size: number; mtimeMs: number; mtime: Date } },
  entry: FileEntryLike | undefined,
  name: string,
): FileMemo {
  const m = memos.get(file);
  if (m !== undefined && m.entry === entry) return m;
  const { size, mtimeMs } = file.stats;
  const etag = entry?.sha256 ? strongEtag(entry.sha256) : weakEtag(size, mtimeMs);
  const type = contentTypeOf(name);
  const lastModified = file.stats.mtime.toUTCString();
  const headers: Headers = {
    'Content-Type': type,
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': lastModified,
  };
  if (entry) headers['X-Dsm-Version'] = entry.version;
  const memo: FileMemo = {
    entry,
    etag,
    lastModified,
    validators: { etag, lastModifiedMs: mtimeMs },
    type,
    headers,
    full: sharedHeaders({ ...headers, 'Content-Length': size }),
  };
  memos.set(file, memo);
  return memo;
}

/**
 * A single range's 206 headers: the memo's, then Content-Range and Content-Length, as an object literal
 * of one fixed shape per case. (A spread of the memo's header object made V8 migrate object maps and
 * take megamorphic property paths on every request: profile of the range workload.)
 */
function singleRangeHeaders(m: FileMemo, r: ByteRange, size: number): Headers {
  const range = contentRange(r, size);
  const length = r.end - r.start + 1;
  return m.entry === undefined
    ? {
        'Content-Type': m.type,
        'Accept-Ranges': 'bytes',
        ETag: m.etag,
        'Last-Modified': m.lastModified,
        'Content-Range': range,
        'Content-Length': length,
      }
    : {
        'Content-Type': m.type,
        'Accept-Ranges': 'bytes',
        ETag: m.etag,
        'Last-Modified': m.lastModified,
        'X-Dsm-Version': m.entry.version,
        'Content-Range': range,
        'Content-Length': length,
      };
}

type ReadTarget = Exclude<TargetPath, { kind: 'bad' }> & { name: string };

/** Parsed targets remembered, per raw target; at most TARGETS_KEPT, then forgotten all at once. */
const targets = new Map<string, Readonly<ReadTarget>>();
const TARGETS_KEPT = 1000;

/**
 * `parseTargetPath` plus the file's name, remembered per raw target: a node answers the same few names
 * over and over, and decoding, splitting and joining them showed in profiles of the range workload.
 * Pure, so a remembered answer is the answer; frozen, as many requests share it. Bad targets are not
 * kept (an attacker's garbage would only push the good ones out).
 */
function readTarget(raw: string): Readonly<ReadTarget> | Extract<TargetPath, { kind: 'bad' }> {
  const known = targets.get(raw);
  if (known !== undefined) return known;
  const t = parseTargetPath(raw);
  if (t.kind === 'bad') return t;
  Object.freeze(t.segments);
  const read = Object.freeze({ ...t, name: t.segments.join('/') });
  if (targets.size >= TARGETS_KEPT) targets.clear();
  targets.set(raw, read);
  return read;
}

export async function handleRequest(req: NodeRequest, ctx: HandlerContext): Promise<NodeResponse> {
  const { method } = req;
  if (method === 'OPTIONS') {
    return {
      status: 204,
      headers: {
        'Access-Control-Allow-Methods': ALL_METHODS,
        'Access-Control-Allow-Headers':
          'Range, If-Match, If-None-Match, If-Modified-Since, If-Range, Authorization',
        'Access-Control-Max-Age': 86400,
        'Content-Length': 0,
      },
      body: { kind: 'empty' },
    };
  }
  if (method === 'POST') {
    const t = parseTargetPath(req.target);
    if (t.kind === 'ok' && isScrubTarget(t.segments)) return handleSyncPost(t.segments, req, ctx);
  }
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT' && method !== 'DELETE') {
    return errorResponse(new DsmError('DSM_METHOD_NOT_ALLOWED', { method, allowed: ALL_METHODS }), {
      Allow: ALL_METHODS,
    });
  }
  if (ctx.faults && isFaultsTarget(req.target)) return handleFaults(req, ctx, ctx.faults);
  if (method === 'PUT' || method === 'DELETE') return handleWrite(req, ctx);

  const target = readTarget(req.target);
  if (target.kind === 'bad') {
    return errorResponse(new DsmError('DSM_BAD_PATH', { path: quoted(req.target), reason: target.reason }));
  }
  const { segments, name } = target;
  if (target.kind === 'hidden') return errorResponse(new DsmError('DSM_NOT_FOUND', { name }));

  if (segments.length === 0) {
    const html = Buffer.from(indexPage(ctx.nodeName, await ctx.store.list()));
    return {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': html.length },
      body: { kind: 'bytes', data: html },
    };
  }
  if (name === 'health') {
    return jsonResponse(200, {
      node: ctx.nodeName,
      status: 'ok',
      latencyMs: ctx.latencyMs(),
      uptimeS: Math.round(ctx.uptimeS()),
      files: await ctx.store.fileCount(),
      bytesServed: ctx.bytesServed?.() ?? 0,
    });
  }
  if (segments[0] === '_dsm') {
    if (name === '_dsm/files')
      return jsonResponse(200, [
        ...(await ctx.store.list()),
        ...ctx.store.tombstones(),
        ...ctx.store.corrupted(),
      ]);
    return handleSyncRead(name, req, ctx) ?? errorResponse(new DsmError('DSM_NOT_FOUND', { name }));
  }
  return serveFile(req, segments, name, ctx);
}

async function serveFile(
  req: NodeRequest,
  segments: string[],
  name: string,
  ctx: HandlerContext,
): Promise<NodeResponse> {
  const opened = ctx.store.openCached(name) ?? (await ctx.store.openFile(segments));
  if (opened.kind === 'missing') return errorResponse(new DsmError('DSM_NOT_FOUND', { name }));
  // A symlink that leads out of the root answers like a missing file: a 403 would tell an attacker
  // that the target exists outside.
  if (opened.kind === 'outside') return errorResponse(new DsmError('DSM_NOT_FOUND', { name }));

  const { file, stats, entry, release } = opened;
  const size = stats.size;
  const memo = memoOf(file, entry, name);
  const { etag, validators, type, headers } = memo;
  const h = req.headers;
  const pre = evaluatePreconditions(
    req.method,
    {
      ifMatch: h['if-match'],
      ifNoneMatch: h['if-none-match'],
      ifModifiedSince: h['if-modified-since'],
      ifUnmodifiedSince: h['if-unmodified-since'],
    },
    validators,
  );
  if (pre !== 'proceed') {
    release();
    if (pre === 'not-modified') {
      // RFC 9110 §15.4.5: a 304 carries the validators, no content headers.
      return {
        status: 304,
        headers: { ETag: etag, 'Last-Modified': memo.lastModified },
        body: { kind: 'empty' },
      };
    }
    return errorResponse(new DsmError('DSM_PRECONDITION_FAILED', { name, etag }), { ETag: etag });
  }

  const rangeHeader = h.range;
  const decision =
    rangeHeader !== undefined && rangeApplies(headerValue(h['if-range']), validators)
      ? parseRange(rangeHeader, size, ctx.maxRanges)
      : ({ kind: 'none' } as const);

  if (decision.kind === 'unsatisfiable') {
    release();
    return errorResponse(
      new DsmError('DSM_RANGE_NOT_SATISFIABLE', { range: quoted(rangeHeader ?? ''), name, size }),
      {
        'Content-Range': `bytes */${size}`,
        ETag: etag,
      },
    );
  }
  if (decision.kind === 'ranges' && decision.ranges.length === 1) {
    const r = decision.ranges[0] as { start: number; end: number };
    return {
      status: 206,
      headers: singleRangeHeaders(memo, r, size),
      body: { kind: 'file', file, start: r.start, end: r.end, release },
    };
  }
  if (decision.kind === 'ranges') {
    const layout = multipartLayout(decision.ranges, size, type, (ctx.newBoundary ?? newBoundary)());
    return {
      status: 206,
      headers: {
        ...headers,
        'Content-Type': `multipart/byteranges; boundary=${layout.boundary}`,
        'Content-Length': layout.length,
      },
      body: { kind: 'multipart', file, parts: layout.parts, tail: layout.tail, release },
    };
  }
  // No Range, or one that is ignored (malformed, another unit, too many, overlapping): the whole file.
  if (size === 0) {
    release();
    return { status: 200, headers: { ...headers, 'Content-Length': 0 }, body: { kind: 'empty' } };
  }
  return {
    status: 200,
    headers: memo.full,
    body: { kind: 'file', file, start: 0, end: size - 1, release },
  };
}
