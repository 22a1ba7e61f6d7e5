/**
 * One node's `GET /_dsm/files` listing, or null when the node does not answer in time (`dsm status`,
 * `dsm ls`, the demo seeding and the dashboard's replica matrix).
 */
import { ROUTINE_PROBE_HEADER } from './node-client.js';

/**
 * One entry of a node's listing: a stored file, a tombstone (`deleted`), or a copy the node found
 * corrupt and quarantined until a peer repairs it (`corrupt`, with what its bytes hashed to).
 */
export interface ListedEntry {
  name: string;
  size?: number;
  sha256?: string | null;
  version?: number | null;
  deleted?: boolean;
  corrupt?: boolean;
  actualSha256?: string;
}

export async function listNodeFiles(
  url: string,
  fetchFn: typeof fetch,
  timeoutMs: number,
  /** `routine`: a periodic poll (the dashboard's matrix) that the node need not log. */
  opts: { routine?: boolean } = {},
): Promise<ListedEntry[] | null> {
  try {
    const res = await fetchFn(`${url}/_dsm/files`, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: opts.routine ? { [ROUTINE_PROBE_HEADER]: '1' } : {},
    });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const body: unknown = await res.json();
    if (!Array.isArray(body)) return null;
    return body.filter((f): f is ListedEntry => typeof (f as ListedEntry | null)?.name === 'string');
  } catch {
    return null;
  }
}
