/**
 * A small typed client for one storage node. `fetch` is passed in (as h3's proxy takes your own), so
 * that tests can answer without sockets and callers can add their own agent or timeouts.
 *
 *   health(signal)      GET  /health   → { node, status: 'ok', latencyMs, uptimeS, files }
 *   stat(name, signal)  HEAD /<name>   → { present: true, version, etag, size } | { present: false, version }
 *                       (+ GET /_dsm/files on a 404: the version of the file's deletion, 0 if none)
 *
 * Versions come from `X-Dsm-Version` (an integer that only grows; higher is newer). A node that does
 * not send it holds version 0. On a 404 the node's listing (`GET /_dsm/files`, one more round trip)
 * tells whether the file was deleted, and at which version: a deletion newer than every copy means no
 * node may serve it. (A 404 that carries `X-Dsm-Version` is taken as that deletion's version directly.)
 * Failures are thrown as they come (`fetch` errors, NodeHttpError, SyntaxError); `classifyFailure`
 * turns them into refused / timeout / error.
 */
import { parseVersion } from '../shared/version.js';
import { NodeHttpError } from './classify-failure.js';
import { fileUrl } from './node-url.js';

/** The part of a fetch `Response` this client reads (so the global fetch fits, and so does http-fetch.ts). */
export interface HttpResponse {
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  body?: { cancel(): Promise<void> } | null;
}

export interface FetchInit {
  method?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export type FetchLike = (url: string, init?: FetchInit) => Promise<HttpResponse>;

export interface NodeHealth {
  node: string;
  status: 'ok';
  latencyMs: number;
  uptimeS: number;
  files: number;
  /** Body bytes the node has served since it started, live (older nodes leave it out). */
  bytesServed?: number;
}

export type FileStat =
  | { present: true; version: number; etag: string | undefined; size: number | undefined }
  | { present: false; version: number };

export interface NodeClient {
  /** `http://host:port`, no trailing slash. */
  readonly baseUrl: string;
  /**
   * `routine`: a periodic check (the gateway's active probe) that the node need not log, so that the
   * class watching the cluster's terminal sees requests, not a line per node every second.
   */
  health(signal?: AbortSignal, opts?: { routine?: boolean }): Promise<NodeHealth>;
  stat(name: string, signal?: AbortSignal): Promise<FileStat>;
}

export const VERSION_HEADER = 'X-Dsm-Version';
/** Marks a periodic health check; nodes do not log it (see node-server.ts). */
export const ROUTINE_PROBE_HEADER = 'X-Dsm-Probe';

/** One entry of `GET /_dsm/files`: a stored file, or the tombstone of a deleted one. */
interface ListedFile {
  name: string;
  version: number | null;
  deleted?: true;
}

function isHealth(v: unknown): v is NodeHealth {
  const h = v as Partial<NodeHealth> | null;
  return typeof h === 'object' && h !== null && h.status === 'ok' && typeof h.node === 'string';
}

export function createNodeClient(baseUrl: string, fetch: FetchLike): NodeClient {
  const base = baseUrl.replace(/\/+$/, '');
  /** The version of the file's deletion, from the node's listing of files and tombstones; 0 if none. */
  async function deletedVersion(name: string, signal: AbortSignal | undefined): Promise<number> {
    const res = await fetch(`${base}/_dsm/files`, { signal, headers: { Accept: 'application/json' } });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new NodeHttpError(res.status, 'GET /_dsm/files');
    }
    const list: unknown = await res.json();
    const entry = Array.isArray(list)
      ? (list as Array<Partial<ListedFile>>).find((f) => f?.name === name && f.deleted === true)
      : undefined;
    return typeof entry?.version === 'number' && Number.isSafeInteger(entry.version) ? entry.version : 0;
  }

  return {
    baseUrl: base,
    async health(signal, opts) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (opts?.routine) headers[ROUTINE_PROBE_HEADER] = '1';
      const res = await fetch(`${base}/health`, { signal, headers });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new NodeHttpError(res.status, 'GET /health');
      }
      const body: unknown = await res.json();
      if (!isHealth(body)) throw new Error('GET /health: not a health report');
      return body;
    },
    async stat(name, signal) {
      const res = await fetch(fileUrl(base, name), { method: 'HEAD', signal });
      await res.body?.cancel();
      const header = res.headers.get(VERSION_HEADER);
      const version = header === null ? 0 : parseVersion(header);
      if (version === undefined) {
        throw new Error(`HEAD /${name}: bad ${VERSION_HEADER} ${JSON.stringify(header)}`);
      }
      if (res.status === 404) {
        return { present: false, version: header === null ? await deletedVersion(name, signal) : version };
      }
      if (res.status !== 200) throw new NodeHttpError(res.status, `HEAD /${name}`);
      const length = res.headers.get('Content-Length');
      return {
        present: true,
        version,
        etag: res.headers.get('ETag') ?? undefined,
        size: length !== null && /^\d+$/.test(length) ? Number(length) : undefined,
      };
    },
  };
}
