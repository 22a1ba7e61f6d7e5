/**
 * One node's `GET /_dsm/files` listing, or null when the node does not answer in time. A stopgap
 * for `dsm status` and the demo seeding until the typed node client (src/client) offers the same.
 */
import type { ListedEntry as ListedFile } from '../replication/replica-status.js';

export async function listNodeFiles(
  url: string,
  fetchFn: typeof fetch,
  timeoutMs: number,
): Promise<ListedFile[] | null> {
  try {
    const res = await fetchFn(`${url}/_dsm/files`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    const body: unknown = await res.json();
    if (!Array.isArray(body)) return null;
    return body.filter((f): f is ListedFile => typeof (f as ListedFile | null)?.name === 'string');
  } catch {
    return null;
  }
}
