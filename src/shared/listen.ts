/**
 * Starts a server listening and turns the usual failures into one clear line, the same for a node,
 * the cluster's supervisor and the gateway.
 *
 * | error code            | error                                                          |
 * |-----------------------|----------------------------------------------------------------|
 * | EADDRINUSE            | DSM_PORT_IN_USE `port 8001 is already in use: is node1 …?`     |
 * | EACCES                | DSM_LISTEN_FAILED … permission denied (ports below 1024 …)      |
 * | EADDRNOTAVAIL, ENOTFOUND | DSM_LISTEN_FAILED … no such address on this machine …       |
 * | anything else         | DSM_LISTEN_FAILED with the system's message                    |
 */
import type { Server } from 'node:net';
import { DsmError } from './errors.js';

export function listenError(
  err: NodeJS.ErrnoException,
  host: string,
  port: number,
  whoMayHoldIt: string,
): DsmError {
  if (err.code === 'EADDRINUSE') return new DsmError('DSM_PORT_IN_USE', { port, name: whoMayHoldIt });
  const detail =
    err.code === 'EACCES'
      ? 'permission denied (ports below 1024 need administrator rights; use 1024 or above)'
      : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
        ? 'no such address on this machine (use 127.0.0.1, or 0.0.0.0 for every interface)'
        : err.message;
  return new DsmError('DSM_LISTEN_FAILED', { host, port, detail });
}

/** `server.listen(port, host)`, resolved once listening, rejected with `listenError`. */
export function listen(server: Server, host: string, port: number, whoMayHoldIt: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(err, host, port, whoMayHoldIt));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
