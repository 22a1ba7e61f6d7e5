/**
 * The supervisor's HTTP API as the page calls it (paths and answers in ../protocol.ts). Every write
 * carries the page's token; a failed call throws ApiError with the server's own message, which is
 * already in the cluster's language.
 */
import {
  type ActionAnswer,
  type ErrorAnswer,
  type Fault,
  type FaultsAnswer,
  FILES_PATH,
  NODES_PATH,
  PICK_PATH,
  type PickAnswer,
  type UploadAnswer,
} from '../protocol.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface Api {
  stop(node: string): Promise<ActionAnswer>;
  start(node: string): Promise<ActionAnswer>;
  setFaults(node: string, faults: Fault[]): Promise<FaultsAnswer>;
  pick(name: string, exclude?: string[]): Promise<PickAnswer>;
  upload(name: string, body: Blob, id: string): Promise<UploadAnswer>;
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (res.ok) return body as T;
  const err = (body as Partial<ErrorAnswer> | null)?.error;
  throw new ApiError(err?.message ?? `HTTP ${res.status}`, res.status, err?.code ?? null);
}

export function makeApi(token: string, fetchFn: typeof fetch = (...a) => fetch(...a)): Api {
  const auth = { Authorization: `Bearer ${token}` };
  const nodePath = (node: string, what: string) => `${NODES_PATH}${encodeURIComponent(node)}/${what}`;
  return {
    stop: async (node) => answer(await fetchFn(nodePath(node, 'stop'), { method: 'POST', headers: auth })),
    start: async (node) => answer(await fetchFn(nodePath(node, 'start'), { method: 'POST', headers: auth })),
    setFaults: async (node, faults) =>
      answer(
        await fetchFn(nodePath(node, 'faults'), {
          method: 'PUT',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ faults }),
        }),
      ),
    pick: async (name, exclude = []) => {
      const query = exclude.length > 0 ? `?exclude=${exclude.map(encodeURIComponent).join(',')}` : '';
      // A pick that finds no node is still an answer (node: null), whatever its status.
      const res = await fetchFn(`${PICK_PATH}${encodeURIComponent(name)}${query}`, { cache: 'no-store' });
      if (!res.ok && res.headers.get('content-type')?.includes('json')) {
        const body = (await res.clone().json()) as Partial<PickAnswer>;
        if (body && 'node' in body && 'reason' in body) return body as PickAnswer;
      }
      return answer(res);
    },
    upload: async (name, body, id) =>
      answer(
        await fetchFn(`${FILES_PATH}${encodeURIComponent(name)}?upload=${encodeURIComponent(id)}`, {
          method: 'PUT',
          body,
          headers: auth,
        }),
      ),
  };
}
