/**
 * PUT and DELETE of a stored file: check the token, the name, the version and the declared size and
 * digest, then hand the body to the store. Thin on purpose: the store owns the atomic write.
 *
 *   PUT /<name>     Authorization: Bearer <token>
 *                   X-Dsm-Version: <n>            optional; the node assigns one (time-based) if absent
 *                   Content-Length | Upload-Length optional; checked (413 above the node's limit)
 *                   Repr-Digest: sha-256=:<b64>:  optional, as a header or a trailer (RFC 9530); checked
 *                 → 201 created | 200 replaced or unchanged, JSON { name, size, sha256, version, updatedAt, result }
 *                 → 401 | 403 read-only | 400 bad name/digest/length | 409 older version | 413 | 507
 *   DELETE /<name> → 200 { name, version, deleted: true, existed }, leaving a versioned tombstone
 */
import { parseReprDigest, reprDigest } from '../shared/checksum.js';
import { DsmError, isDsmError } from '../shared/errors.js';
import { strongEtag } from '../shared/etag.js';
import { formatBytes, headerValue, quoted } from '../shared/format.js';
import { storableName, urlPathOf } from '../shared/safe-path.js';
import { bearerMatches } from '../shared/token.js';
import { parseVersion } from '../shared/version.js';
import type { HandlerContext, NodeRequest } from './handler.js';
import { errorResponse, type Headers, jsonResponse, type NodeResponse } from './response.js';

/** A rejected write closes the connection, so the rest of a large body is not read for nothing. */
const CLOSE = { Connection: 'close' };

function parseLength(value: string | undefined, header: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim()))
    throw new DsmError('DSM_BAD_HEADER', { header, detail: 'not a byte count' });
  return Number(value);
}

function parseDigestValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = parseReprDigest(value);
  if (d.kind === 'sha-256') return d.hex;
  throw new DsmError('DSM_BAD_HEADER', {
    header: 'Repr-Digest',
    detail: d.kind === 'unsupported' ? 'only sha-256 is supported' : 'expected sha-256=:<base64>:',
  });
}

interface CheckedWrite {
  name: string;
  version: number;
  expectedLength: number | undefined;
  headerDigest: string | undefined;
}

/**
 * Everything about a write that the headers alone decide: token, name, version, declared size and
 * digest. Run before the body is read — also on `Expect: 100-continue` (RFC 9110 §10.1.1), so a
 * refused upload is refused before its client sends a single byte of body.
 */
export function checkWrite(
  req: Pick<NodeRequest, 'method' | 'target' | 'headers'>,
  ctx: HandlerContext,
): CheckedWrite {
  if (ctx.token === undefined) throw new DsmError('DSM_READ_ONLY', { node: ctx.nodeName });
  if (!bearerMatches(headerValue(req.headers.authorization), ctx.token))
    throw new DsmError('DSM_UNAUTHORIZED');
  const target = storableName(req.target);
  if (target.kind === 'bad')
    throw new DsmError('DSM_BAD_NAME', { name: quoted(req.target), reason: target.reason });
  const { name } = target;
  const versionHeader = headerValue(req.headers['x-dsm-version']);
  const version = versionHeader === undefined ? ctx.newVersion() : parseVersion(versionHeader);
  if (version === undefined) {
    throw new DsmError('DSM_BAD_HEADER', {
      header: 'X-Dsm-Version',
      detail: 'expected a positive whole number',
    });
  }
  const held = ctx.store.manifest.heldVersion(name);
  if (held >= version && req.method === 'DELETE') {
    throw new DsmError('DSM_STALE_VERSION', { name, version, held, node: ctx.nodeName });
  }
  if (held > version) throw new DsmError('DSM_STALE_VERSION', { name, version, held, node: ctx.nodeName });
  const expectedLength =
    parseLength(headerValue(req.headers['content-length']), 'Content-Length') ??
    parseLength(headerValue(req.headers['upload-length']), 'Upload-Length');
  if (req.method === 'PUT' && expectedLength !== undefined && expectedLength > ctx.maxUploadBytes) {
    throw new DsmError('DSM_TOO_LARGE', { name, limit: formatBytes(ctx.maxUploadBytes) });
  }
  const headerDigest = parseDigestValue(headerValue(req.headers['repr-digest']));
  return { name, version, expectedLength, headerDigest };
}

/** The response for a refused write. */
export function writeErrorResponse(err: DsmError): NodeResponse {
  const headers: Headers = { ...CLOSE };
  if (err.code === 'DSM_UNAUTHORIZED') headers['WWW-Authenticate'] = 'Bearer realm="dsm"';
  return errorResponse(err, headers);
}

export async function handleWrite(req: NodeRequest, ctx: HandlerContext): Promise<NodeResponse> {
  try {
    const { name, version, expectedLength, headerDigest } = checkWrite(req, ctx);
    if (req.method === 'DELETE') {
      const { existed } = await ctx.store.remove(name, version, ctx.nodeName);
      return jsonResponse(200, { name, version, deleted: true, existed }, { 'X-Dsm-Version': version });
    }
    if (!req.body) throw new DsmError('DSM_BAD_HEADER', { header: 'body', detail: 'a PUT needs a body' });
    const result = await ctx.store.put(name, req.body, {
      version,
      expectedLength,
      expectedSha256: () => headerDigest ?? parseDigestValue(req.trailers?.()['repr-digest']),
      maxBytes: ctx.maxUploadBytes,
      nodeName: ctx.nodeName,
    });
    const e = result.entry;
    const status = result.kind === 'stored' && result.created ? 201 : 200;
    return jsonResponse(
      status,
      {
        name,
        size: e.size,
        sha256: e.sha256,
        version: e.version,
        updatedAt: e.updatedAt,
        result: result.kind === 'unchanged' ? 'unchanged' : result.created ? 'created' : 'replaced',
      },
      {
        ETag: strongEtag(e.sha256),
        'X-Dsm-Version': e.version,
        'Repr-Digest': reprDigest(e.sha256),
        ...(status === 201 ? { Location: urlPathOf(name) } : {}),
      },
    );
  } catch (err) {
    if (isDsmError(err)) return writeErrorResponse(err);
    throw err;
  }
}
