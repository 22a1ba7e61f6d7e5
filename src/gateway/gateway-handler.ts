/**
 * The gateway: `GET|HEAD /stream/<name>` served by the best node that holds the newest version, with
 * failover before and during the body (stream-failover.ts).
 *
 *   GET|HEAD /stream/<name>  → the node's answer (200, 206, 304, 412, 416) + X-Served-By: <node>
 *                              400 DSM_BAD_PATH           the path is not a safe file name
 *                              404 DSM_PICK_NOT_FOUND     no reachable node holds it
 *                              410 DSM_PICK_DELETED       its newest version is a deletion
 *                              502 DSM_GATEWAY_UPSTREAM_FAILED   every holder failed before answering
 *                              503 DSM_GATEWAY_ALL_DOWN   no node answered at all
 *
 * Path handling is strict: the raw request target after `/stream` goes through `parseTargetPath` (the
 * nodes' own check), and the upstream URL is the node's configured origin plus `urlPathOf(name)`;
 * nothing of the raw target reaches a node. Names a node never serves as files (`health`, `_dsm/…`,
 * hidden ones) answer 404.
 *
 * Node order: chooseUpstreams over node-stats.ts (EWMA of TTFB, ejection), fed by every request's
 * outcome (passive) and by active-probe.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHttpFetch } from '../client/http-fetch.js';
import { createNodeClient } from '../client/node-client.js';
import { DsmError } from '../shared/errors.js';
import { quoted } from '../shared/format.js';
import { sendError } from '../shared/json-response.js';
import type { Clock } from '../shared/random.js';
import { nameOf, parseTargetPath, urlPathOf } from '../shared/safe-path.js';
import { startActiveProbe } from './active-probe.js';
import { chooseUpstreams } from './choose-upstream.js';
import { NEW_NODE, type NodeStats, type OutlierPolicy, type StatsEvent, updateStats } from './node-stats.js';
import {
  FORWARDED_REQUEST_HEADERS,
  type ServingEvent,
  streamWithFailover,
  type Upstream,
} from './stream-failover.js';
import { createUpstreamClient } from './upstream-http.js';
import { createVersionMap } from './version-map.js';

export const GATEWAY_PREFIX = '/stream';

export interface GatewayOptions {
  nodes: readonly Upstream[];
  stallTimeoutMs: number;
  headersTimeoutMs: number;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  versionTtlMs: number;
  policy: OutlierPolicy;
  clock: Clock;
  log(line: string): void;
  /** Every start and switch of a GET stream (the dashboard's "served by" overlay). */
  onStream?(e: StreamEvent): void;
}

/**
 * One start or switch of a stream. `client` is the request's `?client=<id>` (letters, digits, `-` and
 * `_`, at most 64), by which a player finds its own stream among everyone's; null without one.
 */
export interface StreamEvent extends ServingEvent {
  name: string;
  client: string | null;
}

/**
 * The `client` query parameter, if it is a plain id.
 *
 * | target                          | client    |
 * |---------------------------------|-----------|
 * | /stream/a.mp4?client=p-1        | 'p-1'     |
 * | /stream/a.mp4                   | null      |
 * | /stream/a.mp4?client=a%20b      | null      |
 * | /stream/a.mp4?x=1&client=abc_2  | 'abc_2'   |
 */
export function clientIdOf(target: string): string | null {
  const q = target.indexOf('?');
  if (q < 0) return null;
  const id = new URLSearchParams(target.slice(q + 1)).get('client');
  return id !== null && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

export interface Gateway {
  /** Serves a request whose target starts with `/stream/`. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** What is known of each node now. */
  stats(): Record<string, NodeStats>;
  close(): void;
}

const RESERVED_FIRST = new Set(['health', '_dsm']);

export function createGateway(o: GatewayOptions): Gateway {
  const stats = new Map<string, NodeStats>(o.nodes.map((n) => [n.name, NEW_NODE]));
  const record = (node: string, e: StatsEvent) => {
    const s = stats.get(node);
    if (s !== undefined) stats.set(node, updateStats(s, e, o.policy));
  };
  const http = createHttpFetch();
  const clients = o.nodes.map((n) => ({ name: n.name, client: createNodeClient(n.origin, http.fetch) }));
  const versions = createVersionMap({
    clients,
    ttlMs: o.versionTtlMs,
    timeoutMs: o.headersTimeoutMs,
    clock: o.clock,
    onFailure: (node) => record(node, { kind: 'failure', nowMs: o.clock.now() }),
  });
  const probe = startActiveProbe({
    clients,
    intervalMs: o.probeIntervalMs,
    timeoutMs: o.probeTimeoutMs,
    onResult: (node, ok) => record(node, { kind: ok ? 'probe-ok' : 'probe-failed', nowMs: o.clock.now() }),
  });
  const upstreams = createUpstreamClient();
  const byName = new Map(o.nodes.map((n) => [n.name, n]));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    const raw = req.url ?? '/';
    const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
    const rest = raw.startsWith(`${GATEWAY_PREFIX}/`) ? raw.slice(GATEWAY_PREFIX.length) : '';
    const target = parseTargetPath(rest);
    if (target.kind === 'bad') {
      sendError(res, new DsmError('DSM_BAD_PATH', { path: quoted(raw), reason: target.reason }));
      return;
    }
    const name = nameOf(target.segments);
    const asked = o.nodes.map((n) => n.name).join(', ');
    const first = target.segments[0];
    if (target.kind === 'hidden' || first === undefined || RESERVED_FIRST.has(first.toLowerCase())) {
      sendError(res, new DsmError('DSM_PICK_NOT_FOUND', { name, asked }));
      return;
    }
    const holders = await versions.holders(name);
    if (holders.kind === 'all-down') {
      sendError(res, new DsmError('DSM_GATEWAY_ALL_DOWN', { name, asked }));
      return;
    }
    if (holders.kind === 'not-found') {
      sendError(res, new DsmError('DSM_PICK_NOT_FOUND', { name, asked }));
      return;
    }
    if (holders.kind === 'deleted') {
      sendError(res, new DsmError('DSM_PICK_DELETED', { name, version: holders.version, node: '?' }));
      return;
    }
    const held = new Set(holders.nodes);
    const now = o.clock.now();
    const order = chooseUpstreams(
      o.nodes.map((n) => ({ name: n.name, holds: held.has(n.name), stats: stats.get(n.name) ?? NEW_NODE })),
      now,
    );
    const headers: Record<string, string> = {};
    for (const h of FORWARDED_REQUEST_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const outcome = await streamWithFailover({
      method,
      path: urlPathOf(name),
      label: name,
      headers,
      upstreams: order.map((n) => byName.get(n) as Upstream),
      stallTimeoutMs: o.stallTimeoutMs,
      headersTimeoutMs: o.headersTimeoutMs,
      client: upstreams,
      clock: o.clock,
      res,
      report: (node, r) =>
        record(
          node,
          r.kind === 'success'
            ? { kind: 'success', ttfbMs: r.ttfbMs, nowMs: o.clock.now() }
            : { kind: 'failure', nowMs: o.clock.now() },
        ),
      log: o.log,
      onServing:
        o.onStream && method === 'GET'
          ? (e) => o.onStream?.({ ...e, name, client: clientIdOf(raw) })
          : undefined,
    });
    if (outcome.kind === 'no-upstream') {
      versions.forget(name);
      const failures = outcome.failures.map((f) => `${f.node}: ${f.detail}`).join(', ');
      if (outcome.failures.every((f) => f.detail === 'HTTP 404'))
        sendError(res, new DsmError('DSM_PICK_NOT_FOUND', { name, asked }));
      else sendError(res, new DsmError('DSM_GATEWAY_UPSTREAM_FAILED', { name, failures }));
    }
  }

  return {
    handle,
    stats: () => Object.fromEntries(stats),
    close() {
      probe.stop();
      upstreams.close();
      http.close();
    },
  };
}
