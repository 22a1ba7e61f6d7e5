/**
 * The routes nodes use to heal each other (see anti-entropy.ts and scrubber.ts):
 *
 *   GET|HEAD /_dsm/manifest/digest  → 200 { node, digest }
 *   GET|HEAD /_dsm/manifest         → 200 { node, digest, entries: [{ name, version, sha256, size } |
 *                                                                  { name, version, deleted: true }], pending }
 *   POST     /_dsm/scrub/<name>     → 202 { name, queued: true }: re-hash that copy now (token)
 *                                    → 401 | 403 read-only | 404 no such file here
 *
 * The two reads need no token: they tell no more than `GET /_dsm/files` already does. A request that
 * says which node sends it (`X-Dsm-Node`) tells anti-entropy that this peer is reachable again.
 */

import { DsmError } from '../shared/errors.js';
import { headerValue } from '../shared/format.js';
import { bearerMatches } from '../shared/token.js';
import type { HandlerContext, NodeRequest } from './handler.js';
import { errorResponse, jsonResponse, type NodeResponse } from './response.js';

/**
 * A peer's routine digest question, answered 200: not worth a log line (each node asks each peer every
 * few seconds, which would bury the lines that matter). Anything else about anti-entropy is logged.
 */
export function isRoutineSync(method: string, target: string, from: unknown, status: number): boolean {
  return method === 'GET' && status === 200 && target === '/_dsm/manifest/digest' && from !== undefined;
}

/** `name` is the route without its leading slash; undefined when it is not one of these routes. */
export function handleSyncRead(
  name: string,
  req: NodeRequest,
  ctx: HandlerContext,
): NodeResponse | undefined {
  if (name !== '_dsm/manifest' && name !== '_dsm/manifest/digest') return undefined;
  const from = headerValue(req.headers['x-dsm-node']);
  if (from) ctx.heal?.peerSeen(from);
  const digest = ctx.store.manifestDigest();
  if (name === '_dsm/manifest/digest') return jsonResponse(200, { node: ctx.nodeName, digest });
  return jsonResponse(200, {
    node: ctx.nodeName,
    digest,
    entries: ctx.store.manifestEntries(),
    pending: ctx.store.pendingFiles(),
  });
}

/** `/_dsm/scrub/<name>`, from the decoded path segments. */
export function isScrubTarget(segments: readonly string[]): boolean {
  return segments.length >= 3 && segments[0] === '_dsm' && segments[1] === 'scrub';
}

/** `POST /_dsm/scrub/<name>` (see `isScrubTarget`); `segments` are the decoded path segments. */
export function handleSyncPost(segments: string[], req: NodeRequest, ctx: HandlerContext): NodeResponse {
  if (ctx.token === undefined) return errorResponse(new DsmError('DSM_READ_ONLY', { node: ctx.nodeName }));
  if (!bearerMatches(headerValue(req.headers.authorization), ctx.token)) {
    return errorResponse(new DsmError('DSM_UNAUTHORIZED'), { 'WWW-Authenticate': 'Bearer realm="dsm"' });
  }
  const name = segments.slice(2).join('/');
  if (!ctx.heal?.scrubSoon(name)) return errorResponse(new DsmError('DSM_NOT_FOUND', { name }));
  return jsonResponse(202, { name, queued: true });
}
