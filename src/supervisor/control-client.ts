/**
 * The client side of the supervisor's control API (control-server.ts), for `dsm status`, `dsm stop`
 * and `dsm start`. `fetch` is passed in, so that tests can answer without a socket.
 *
 * Failures become catalog errors: nothing listening → DSM_NO_CLUSTER; something that is not a dsm
 * supervisor (or no answer in time) → DSM_NOT_A_CLUSTER; an error the supervisor sent (401, unknown
 * node…) → that same error, rebuilt with its params so that the CLI words it in its own language.
 */
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import { type ClusterStatus, errorFromBody } from './control-server.js';
import type { ActionResult } from './supervisor.js';

export interface ControlClientOptions {
  host: string;
  port: number;
  /** Needed by stop and start; status is open to read. */
  token: string | undefined;
  fetch?: typeof fetch;
  /** For status; stop and start wait for the node, up to its stop grace or start timeout, plus this. */
  timeoutMs?: number;
}

export interface ControlClient {
  readonly url: string;
  status(): Promise<ClusterStatus>;
  stop(name: string): Promise<ActionResult>;
  start(name: string): Promise<ActionResult>;
}

export function controlClient(opts: ControlClientOptions): ControlClient {
  const doFetch = opts.fetch ?? fetch;
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${urlHost}:${opts.port}`;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call(method: 'GET' | 'POST', path: string, waitMs: number): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url + path, { method, headers, signal: AbortSignal.timeout(waitMs) });
      text = await res.text();
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new DsmError('DSM_NOT_A_CLUSTER', {
          url,
          port: opts.port,
          detail: `no answer in ${Math.round(waitMs / 1000)} s`,
        });
      }
      throw new DsmError('DSM_NO_CLUSTER', { host: opts.host, port: opts.port }, { cause: err });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new DsmError('DSM_NOT_A_CLUSTER', {
        url,
        port: opts.port,
        detail: `HTTP ${res.status}, not JSON`,
      });
    }
    if (!res.ok) {
      throw (
        errorFromBody(body) ??
        new DsmError('DSM_NOT_A_CLUSTER', { url, port: opts.port, detail: `HTTP ${res.status}` })
      );
    }
    return body;
  }

  const action = async (name: string, what: 'stop' | 'start', waitMs: number): Promise<ActionResult> => {
    const body = (await call(
      'POST',
      `/_dsm/cluster/nodes/${encodeURIComponent(name)}/${what}`,
      waitMs,
    )) as ActionResult;
    if (typeof body?.node?.state !== 'string') {
      throw new DsmError('DSM_NOT_A_CLUSTER', { url, port: opts.port, detail: 'unexpected answer' });
    }
    return body;
  };

  return {
    url,
    status: async () => {
      const body = (await call('GET', '/_dsm/cluster/status', timeoutMs)) as ClusterStatus;
      if (!Array.isArray(body?.nodes)) {
        throw new DsmError('DSM_NOT_A_CLUSTER', { url, port: opts.port, detail: 'no "nodes" in the answer' });
      }
      return body;
    },
    stop: (name) => action(name, 'stop', DEFAULTS.nodeStopGraceMs + timeoutMs),
    start: (name) => action(name, 'start', DEFAULTS.nodeStartTimeoutMs + timeoutMs),
  };
}
