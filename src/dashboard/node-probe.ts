/**
 * How the dashboard hub asks a node about itself (dashboard-hub.ts `NodeProbe`), over real HTTP:
 * `GET /health` timed for the latency sparkline, `GET /_dsm/faults` and `GET /_dsm/files`, all marked
 * routine (X-Dsm-Probe), so that the node does not log a line per poll.
 */

import { listNodeFiles } from '../client/list-node-files.js';
import { createNodeClient, type FetchLike, ROUTINE_PROBE_HEADER } from '../client/node-client.js';
import type { Clock } from '../shared/random.js';
import type { NodeProbe } from './dashboard-hub.js';
import type { ListedFault } from './protocol.js';

export function createNodeProbe(o: {
  probeFetch: FetchLike;
  fetch: typeof fetch;
  clock: Clock;
  timeoutMs: number;
}): NodeProbe {
  return {
    async health(url) {
      const t0 = o.clock.now();
      try {
        const h = await createNodeClient(url, o.probeFetch).health(AbortSignal.timeout(o.timeoutMs), {
          routine: true,
        });
        return {
          rttMs: Math.round(o.clock.now() - t0),
          bytesServed: typeof h.bytesServed === 'number' ? h.bytesServed : undefined,
        };
      } catch {
        return null;
      }
    },
    async faults(url) {
      try {
        const res = await o.fetch(`${url}/_dsm/faults`, {
          signal: AbortSignal.timeout(o.timeoutMs),
          headers: { [ROUTINE_PROBE_HEADER]: '1' },
        });
        if (!res.ok) {
          await res.body?.cancel();
          return null;
        }
        const body = (await res.json()) as { faults?: unknown };
        return Array.isArray(body.faults) ? (body.faults as ListedFault[]) : null;
      } catch {
        return null;
      }
    },
    files: (url) => listNodeFiles(url, o.fetch, o.timeoutMs, { routine: true }),
  };
}
