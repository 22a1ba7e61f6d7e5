/**
 * `dsm gateway` on its own: a node:http server whose only route is the gateway's `/stream/<name>`
 * (in `dsm cluster` the gateway is mounted on the supervisor's server instead).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DsmError } from '../shared/errors.js';
import { printable } from '../shared/format.js';
import { sendError } from '../shared/json-response.js';
import { listen } from '../shared/listen.js';
import { GATEWAY_PREFIX, type Gateway } from './gateway-handler.js';

export interface GatewayServer {
  readonly server: Server;
  url(): string;
  close(): Promise<void>;
}

export async function startGatewayServer(o: {
  host: string;
  port: number;
  gateway: Gateway;
}): Promise<GatewayServer> {
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let err: DsmError | undefined;
    if (!path.startsWith(`${GATEWAY_PREFIX}/`))
      err = new DsmError('DSM_NO_ROUTE', { method: printable(method), path: printable(path) });
    else if (method !== 'GET' && method !== 'HEAD')
      err = new DsmError('DSM_METHOD_NOT_ALLOWED', { method: printable(method), allowed: 'GET, HEAD' });
    if (err) {
      req.resume();
      sendError(res, err);
      return;
    }
    o.gateway.handle(req, res).catch(() => res.destroy());
  });
  await listen(server, o.host, o.port, 'another gateway or cluster');
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    server,
    url: () => `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
