/**
 * The fault API of one node (as toxiproxy's `api.go`, for a node instead of a proxy):
 *
 *   GET|HEAD /_dsm/faults            → 200 { node, faults: [{ type, …settings, toxicity, forSeconds?, remainingSeconds? }] }
 *   PUT      /_dsm/faults  (token)   { "faults": [ … ] } replaces the whole list (fault-schema.ts)
 *                                    → 200 { node, faults }  the list now
 *                                    → 400 DSM_BAD_FAULTS | 401 DSM_UNAUTHORIZED | 403 DSM_READ_ONLY
 *
 * A change applies at once: to new requests, to requests waiting in the chain, and (bandwidth, reset)
 * to bodies already streaming. These routes are never faulted themselves (node-server.ts skips the
 * chain for them): a node that is `down` or hangs must stay reachable to be brought back.
 */
import type { FaultChain } from '../faults/fault-chain.js';
import { parseFaultList } from '../faults/fault-schema.js';
import { DsmError, isDsmError } from '../shared/errors.js';
import { bearerMatches } from '../shared/token.js';
import type { HandlerContext, NodeRequest } from './handler.js';
import { errorResponse, jsonResponse, type NodeResponse } from './response.js';
import { writeErrorResponse } from './write-routes.js';

export const FAULTS_PATH = '/_dsm/faults';

/** A faults document is a few hundred bytes; anything past this is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/** `/_dsm/faults`, with or without a query. Checked on every request: fails at the second character for files. */
export function isFaultsTarget(target: string): boolean {
  return (
    target.startsWith(FAULTS_PATH) &&
    (target.length === FAULTS_PATH.length || target[FAULTS_PATH.length] === '?')
  );
}

export async function handleFaults(
  req: NodeRequest,
  ctx: HandlerContext,
  faults: FaultChain,
): Promise<NodeResponse> {
  const { method } = req;
  if (method === 'GET' || method === 'HEAD') {
    return jsonResponse(200, { node: ctx.nodeName, faults: faults.list() });
  }
  if (method !== 'PUT') {
    return errorResponse(new DsmError('DSM_METHOD_NOT_ALLOWED', { method, allowed: 'GET, HEAD, PUT' }), {
      Allow: 'GET, HEAD, PUT',
    });
  }
  try {
    if (ctx.token === undefined) throw new DsmError('DSM_READ_ONLY', { node: ctx.nodeName });
    const auth = req.headers.authorization;
    if (!bearerMatches(Array.isArray(auth) ? auth.join(', ') : auth, ctx.token))
      throw new DsmError('DSM_UNAUTHORIZED');
    const text = await readSmallBody(req);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new DsmError('DSM_BAD_FAULTS', { detail: `not valid JSON (${(err as Error).message})` });
    }
    faults.set(parseFaultList(value));
    return jsonResponse(200, { node: ctx.nodeName, faults: faults.list() });
  } catch (err) {
    if (isDsmError(err)) return writeErrorResponse(err);
    throw err;
  }
}

async function readSmallBody(req: NodeRequest): Promise<string> {
  if (!req.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new DsmError('DSM_BAD_FAULTS', { detail: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
