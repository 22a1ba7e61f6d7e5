/**
 * Why a request to a node failed, in the three words a user acts on: nothing listens there (`refused`:
 * the node is stopped), nothing came back in time (`timeout`: hung, or overloaded), or anything else
 * (`error`: a reset, a bad answer, an HTTP error status).
 *
 * `fetch` (undici) wraps the socket error in `TypeError: fetch failed` with the real one in `cause`;
 * node:http throws it as is. With Happy Eyeballs (`autoSelectFamily`) it can be an AggregateError of one
 * error per address.
 *
 * | error thrown                                                   | result                              |
 * |----------------------------------------------------------------|-------------------------------------|
 * | TypeError, cause { code: 'ECONNREFUSED' }                      | refused 'ECONNREFUSED'              |
 * | TypeError, cause AggregateError [ECONNREFUSED, ECONNREFUSED]   | refused 'ECONNREFUSED'              |
 * | DOMException 'TimeoutError' (AbortSignal.timeout)              | timeout 'no answer in time'         |
 * | AbortError, cause DOMException 'TimeoutError' (node:http)      | timeout 'no answer in time'         |
 * | Error { code: 'ECONNREFUSED' } (node:http)                     | refused 'ECONNREFUSED'              |
 * | TypeError, cause { code: 'UND_ERR_CONNECT_TIMEOUT' }           | timeout 'UND_ERR_CONNECT_TIMEOUT'   |
 * | TypeError, cause { code: 'ETIMEDOUT' }                         | timeout 'ETIMEDOUT'                 |
 * | TypeError, cause { code: 'UND_ERR_SOCKET', 'other side closed' } | error 'UND_ERR_SOCKET: other side closed' |
 * | TypeError, cause AggregateError [ECONNREFUSED, EHOSTUNREACH]   | error 'EHOSTUNREACH'                |
 * | NodeHttpError 500                                              | error 'HTTP 500'                    |
 * | SyntaxError 'Unexpected token'                                 | error 'Unexpected token'            |
 *
 * A request we aborted ourselves (AbortError) is not a failure of the node: callers check their own
 * signal before calling this.
 */

export type FailureKind = 'refused' | 'timeout' | 'error';

export interface Failure {
  kind: FailureKind;
  /** Short technical detail for the table and JSON: an error code, `HTTP 500`, a message. */
  detail: string;
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** An answer with an unexpected HTTP status. */
export class NodeHttpError extends Error {
  override name = 'NodeHttpError';
  readonly status: number;

  constructor(status: number, what: string) {
    super(`HTTP ${status} from ${what}`);
    this.status = status;
  }
}

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

export function classifyFailure(err: unknown): Failure {
  const e = asErrorLike(err);
  if (err instanceof NodeHttpError) return { kind: 'error', detail: `HTTP ${err.status}` };
  // fetch rejects with the signal's reason itself; node:http with an AbortError that has it as cause.
  if (e?.name === 'TimeoutError' || asErrorLike(e?.cause)?.name === 'TimeoutError') {
    return { kind: 'timeout', detail: 'no answer in time' };
  }
  // The innermost error says what happened on the socket; `fetch failed` says nothing.
  const cause = asErrorLike(e?.cause) ?? e;
  const codes = Array.isArray(cause?.errors)
    ? cause.errors.map((x) => asErrorLike(x)?.code).filter((c): c is string => typeof c === 'string')
    : [];
  if (codes.length === 0 && typeof cause?.code === 'string') codes.push(cause.code);
  if (codes.length > 0 && codes.every((c) => c === 'ECONNREFUSED'))
    return { kind: 'refused', detail: 'ECONNREFUSED' };
  if (codes.length > 0 && codes.every((c) => TIMEOUT_CODES.has(c)))
    return { kind: 'timeout', detail: codes[0] as string };
  const other = codes.find((c) => c !== 'ECONNREFUSED');
  if (other !== undefined) {
    const message = cause?.message && !cause.message.includes(other) ? `: ${cause.message}` : '';
    return { kind: 'error', detail: `${other}${codes.length > 1 ? '' : message}` };
  }
  return { kind: 'error', detail: cause?.message || e?.message || String(err) };
}
