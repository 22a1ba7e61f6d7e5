/**
 * A node under `dsm cluster` hands its request records to the supervisor over the IPC channel the
 * supervisor opened (node-process.ts), for the dashboard's live log and request rates. Parsing the
 * text lines instead would tie the dashboard to their wording and lose fields.
 *
 *   node: log.request(r) ─► RequestFeed.push(r) ─(every flushIntervalMs, ≤ maxBatch)─► process.send
 *   supervisor: child.on('message') ─► isRequestBatch(m) ─► SupervisorEvent 'requests'
 *
 * Records are batched, so that a node under a benchmark's load sends a few messages a second, not one
 * per request; past `maxBatch` per period they are counted as dropped rather than queued without bound.
 */
import type { RequestLog } from './logger.js';

export interface RequestBatch {
  type: 'dsm-requests';
  /** Each record with the node's wall-clock time it was logged at, ms since the epoch. */
  requests: Array<RequestLog & { atMs: number }>;
  /** Records left out of this period because it had more than the batch can hold. */
  dropped: number;
}

export function isRequestBatch(m: unknown): m is RequestBatch {
  const b = m as Partial<RequestBatch> | null;
  return typeof b === 'object' && b !== null && b.type === 'dsm-requests' && Array.isArray(b.requests);
}

export interface RequestFeed {
  push(r: RequestLog): void;
  /** Sends what is waiting and stops the timer. */
  close(): void;
}

export function createRequestFeed(o: {
  send: (batch: RequestBatch) => void;
  wallMs: () => number;
  flushIntervalMs: number;
  maxBatch: number;
}): RequestFeed {
  let pending: RequestBatch['requests'] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.length === 0 && dropped === 0) return;
    const batch: RequestBatch = { type: 'dsm-requests', requests: pending, dropped };
    pending = [];
    dropped = 0;
    o.send(batch);
  };
  return {
    push(r) {
      if (pending.length >= o.maxBatch) dropped++;
      else pending.push({ ...r, atMs: o.wallMs() });
      // One timer per period, not per request; unref'd, so it never keeps a stopping node alive.
      if (timer === undefined) timer = setTimeout(flush, o.flushIntervalMs).unref();
    },
    close() {
      if (timer !== undefined) clearTimeout(timer);
      flush();
    },
  };
}
