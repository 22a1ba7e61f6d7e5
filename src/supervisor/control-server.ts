/**
 * The supervisor's HTTP server, on nodes.json's `supervisor` address (127.0.0.1:8000 by default):
 *
 *   GET  /                                → 200 HTML: the nodes, with links (when the dashboard is not built)
 *   GET  /_dsm/cluster/status             → 200 {"supervisor":{"pid","url","configFile"},"nodes":[NodeStatus]}
 *   POST /_dsm/cluster/nodes/<name>/stop  → 200 {"changed","node"}   needs Authorization: Bearer <token>
 *   POST /_dsm/cluster/nodes/<name>/start → 200 {"changed","node"}   needs Authorization: Bearer <token>
 *   a known path, another method          → 405 DSM_METHOD_NOT_ALLOWED
 *   anything else                         → 404 DSM_NO_ROUTE
 *
 * A plain node:http server with a tiny route table, on purpose: the gateway (`/stream/<name>`) and the
 * dashboard (`/`, its assets and API: dashboard/dashboard-routes.ts) mount here as more `Route`s, passed
 * in as `routes`; they are tried before the built-in ones, so the dashboard's `/` replaces the plain page.
 * A handler gets the raw request and response, so that the gateway can stream and uploads are read.
 *
 * Errors are JSON `{"error":{"code","message","params"}}` (shared/json-response.ts): with the params,
 * the CLI can word the message in the user's language (see control-client.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DsmError, ERRORS, type ErrorCode, isDsmError } from '../shared/errors.js';
import { printable } from '../shared/format.js';
import { sendError, sendJson } from '../shared/json-response.js';
import { listen } from '../shared/listen.js';
import { bearerMatches } from '../shared/token.js';
import { clusterPage } from './cluster-page.js';
import type { ActionResult, NodeStatus } from './supervisor.js';

export interface Route {
  /** GET routes answer HEAD too. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matched against the decoded path, without the query string; groups are handed to `handle`. */
  path: RegExp;
  /** Needs `Authorization: Bearer <token>` (401 otherwise). */
  auth?: boolean;
  /** Reads the request body itself (uploads, fault lists); other routes' bodies are drained. */
  body?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): void | Promise<void>;
}

/** What the control API needs of the supervisor (a fake in tests). */
export interface ClusterControl {
  status(): Promise<NodeStatus[]>;
  start(name: string): Promise<ActionResult>;
  stop(name: string): Promise<ActionResult>;
}

export interface ClusterStatus {
  supervisor: { pid: number; url: string; configFile: string };
  nodes: NodeStatus[];
}

export interface ControlServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  cluster: ClusterControl;
  /** Shown in the status: the supervisor's process id and the nodes.json it runs. */
  pid: number;
  configFile: string;
  /** More routes (gateway, dashboard), tried before the built-in ones. */
  routes?: Route[];
}

export interface ControlServer {
  readonly server: Server;
  port(): number;
  url(): string;
  close(): Promise<void>;
}

/** The routes of the control API itself. */
export function controlRoutes(
  opts: Pick<ControlServerOptions, 'cluster' | 'pid' | 'configFile'>,
  url: () => string,
) {
  const status = async (): Promise<ClusterStatus> => ({
    supervisor: { pid: opts.pid, url: url(), configFile: opts.configFile },
    nodes: await opts.cluster.status(),
  });
  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/$/,
      handle: async (_req, res) => {
        const body = Buffer.from(clusterPage(await status()));
        res.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': body.length,
          'Cache-Control': 'no-store',
        });
        res.end(body);
      },
    },
    {
      method: 'GET',
      path: /^\/_dsm\/cluster\/status$/,
      handle: async (_req, res) => sendJson(res, 200, await status()),
    },
    {
      method: 'POST',
      path: /^\/_dsm\/cluster\/nodes\/([^/]+)\/(stop|start)$/,
      auth: true,
      handle: async (_req, res, m) => {
        const name = m[1] ?? '';
        const result = m[2] === 'stop' ? await opts.cluster.stop(name) : await opts.cluster.start(name);
        sendJson(res, 200, result);
      },
    },
  ];
  return routes;
}

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const server = createServer();
  const port = () => (server.address() as AddressInfo).port;
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = () => `http://${urlHost}:${port()}`;
  const routes = [...(opts.routes ?? []), ...controlRoutes(opts, url)];

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    dispatch(routes, opts.token, req, res).catch((err: unknown) => {
      const known = isDsmError(err) ? err : new DsmError('DSM_INTERNAL', { detail: (err as Error).message });
      if (!res.headersSent) sendError(res, known);
      else res.destroy();
    });
  });

  await listen(server, opts.host, opts.port, 'another dsm cluster');

  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function dispatch(routes: Route[], token: string, req: IncomingMessage, res: ServerResponse) {
  const method = req.method ?? 'GET';
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    req.resume();
    throw new DsmError('DSM_BAD_PATH', { path: printable(req.url ?? ''), reason: 'bad percent-encoding' });
  }
  let allowed: string[] = [];
  for (const route of routes) {
    const m = route.path.exec(path);
    if (!m) continue;
    if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
      allowed = [...allowed, route.method, ...(route.method === 'GET' ? ['HEAD'] : [])];
      continue;
    }
    if (route.auth && !bearerMatches(req.headers.authorization, token)) {
      req.resume();
      sendError(res, new DsmError('DSM_UNAUTHORIZED'), { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    // A body nobody reads is drained, so that the connection can be reused.
    if (!route.body) req.resume();
    await route.handle(req, res, m);
    return;
  }
  req.resume();
  if (allowed.length > 0) {
    sendError(
      res,
      new DsmError('DSM_METHOD_NOT_ALLOWED', { method: printable(method), allowed: allowed.join(', ') }),
      {
        Allow: allowed.join(', '),
      },
    );
    return;
  }
  sendError(res, new DsmError('DSM_NO_ROUTE', { method: printable(method), path: printable(path) }));
}

/** Rebuilds an error sent by `sendError`, so that the CLI can word it in its own language. */
export function errorFromBody(body: unknown): DsmError | undefined {
  const e = (body as { error?: { code?: unknown; params?: unknown } } | null)?.error;
  if (!e || typeof e.code !== 'string' || !(e.code in ERRORS)) return undefined;
  const params =
    typeof e.params === 'object' && e.params !== null ? (e.params as Record<string, string | number>) : {};
  return new DsmError(e.code as ErrorCode, params);
}
