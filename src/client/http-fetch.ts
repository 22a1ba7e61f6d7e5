/**
 * A `FetchLike` over node:http with a keep-alive agent, for timing round trips.
 *
 * Why not the global `fetch`: undici loads and compiles its HTTP parser (WebAssembly) on the first
 * request of a process, and on a busy classroom laptop its round trips wander. Measured here, against a
 * server that answers after 50 ms: the first request took 79-130 ms with `fetch` and 61-78 ms with
 * node:http; the next ones 55-111 ms and 51-61 ms. `dsm pick` ranks nodes by those numbers.
 *
 * Only what the node client reads is provided: status, headers, `json()`, and `body.cancel()`.
 * Errors are node:http's own: `ECONNREFUSED` as is, an aborted signal as an AbortError whose cause is
 * the signal's reason (a TimeoutError for `AbortSignal.timeout`), which `classifyFailure` understands.
 */
import { Agent, type IncomingMessage, request } from 'node:http';
import type { FetchLike, HttpResponse } from './node-client.js';

export interface HttpFetch {
  fetch: FetchLike;
  /** Closes the kept-alive sockets. */
  close(): void;
}

function answer(res: IncomingMessage): HttpResponse {
  return {
    status: res.statusCode ?? 0,
    headers: {
      get(name: string) {
        const v = res.headers[name.toLowerCase()];
        if (v === undefined) return null;
        return Array.isArray(v) ? v.join(', ') : v;
      },
    },
    json: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    },
    body: {
      cancel: async () => {
        res.resume();
      },
    },
  };
}

export function createHttpFetch(): HttpFetch {
  const agent = new Agent({ keepAlive: true });
  const fetch: FetchLike = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(init.headers ?? {})) headers[k] = String(v);
      const req = request(
        url,
        { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined },
        (res) => resolve(answer(res)),
      );
      req.once('error', reject);
      req.end();
    });
  return { fetch, close: () => agent.destroy() };
}
