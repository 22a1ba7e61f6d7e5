/**
 * A storage node: an HTTP server around `handleRequest`, with its faults (latency and the others of
 * `dsm fault`, src/faults/), per-request
 * logging, protective timeouts and a graceful shutdown.
 *
 *   socket ──► node:http ──► fault chain ──► handleRequest ──► writeResponse ──► socket
 *                            (only with faults:               (body faults: bandwidth, reset)
 *                             latency, hang, errors, down)
 *                                                    │
 *                                                 FileStore (root folder, hash index)
 *
 * node:http rather than Fastify on purpose: the byte path is the product here, and measured on this
 * machine every framework layer between the socket and the file costs throughput (see bench/).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describeFaults } from '../faults/describe-fault.js';
import { FaultChain } from '../faults/fault-chain.js';
import type { FaultSpec } from '../faults/fault-schema.js';
import { configuredFaults } from '../faults/latency.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError, isDsmError } from '../shared/errors.js';
import { printable } from '../shared/format.js';
import { listen } from '../shared/listen.js';
import type { Logger } from '../shared/logger.js';
import { type Clock, type Rng, systemClock } from '../shared/random.js';
import { newVersion } from '../shared/version.js';
import { isFaultsTarget } from './fault-routes.js';
import { FileStore } from './file-store.js';
import { handleRequest } from './handler.js';
import type { Peer } from './peer-client.js';
import { applyRequestFaults } from './request-faults.js';
import type { Headers } from './response.js';
import { errorResponse } from './response.js';
import { type SelfHeal, startSelfHeal } from './self-heal.js';
import { isRoutineSync } from './sync-routes.js';
import { writeResponse } from './write-response.js';
import { checkWrite, writeErrorResponse } from './write-routes.js';

export interface NodeServerOptions {
  name: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  root: string;
  latencyMs: number;
  jitterMs: number;
  log: Logger;
  rng: Rng;
  clock?: Clock;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxHeaderBytes?: number;
  shutdownGraceMs?: number;
  maxRanges?: number;
  /** Token for PUT/DELETE; undefined makes the node read-only. */
  token?: string | undefined;
  maxUploadBytes?: number;
  /** The other nodes of nodes.json, for anti-entropy; none (the default) for a standalone node. */
  peers?: Peer[];
  /** Anti-entropy period, ms; 0 = off. Default DEFAULTS.antiEntropyIntervalMs. */
  antiEntropyIntervalMs?: number;
  /** Pause between scrub passes, ms; 0 = off. Default DEFAULTS.scrubIntervalMs. */
  scrubIntervalMs?: number;
  /** Scrub read rate, MB/s. Default DEFAULTS.scrubMBps. */
  scrubMBps?: number;
}

export interface NodeServer {
  readonly server: Server;
  readonly store: FileStore;
  /** The node's faults (`/_dsm/faults`); a change applies at once, also to running responses. */
  readonly faults: FaultChain;
  /** The bound port (useful with port 0). */
  port(): number;
  url(): string;
  /** Stops accepting, lets running responses finish within the grace period, then closes. */
  close(): Promise<void>;
}

/** What a routine poll may ask for; a file request is always logged, whatever its headers. */
const ROUTINE_TARGETS = new Set(['/health', '/_dsm/faults', '/_dsm/files']);

const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

export async function startNodeServer(opts: NodeServerOptions): Promise<NodeServer> {
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const store = await FileStore.open(opts.root, opts.log, clock);
  // `--latency-ms/--jitter-ms` are the node's first fault.
  const initial: FaultSpec[] = configuredFaults(opts);
  const faults = new FaultChain({ rng: opts.rng, clock, faults: initial });
  faults.onChange((list) =>
    opts.log.info({
      en: `faults: ${describeFaults(list, 'en')}`,
      'pt-BR': `falhas: ${describeFaults(list, 'pt-BR')}`,
    }),
  );
  const common: Headers = {
    'X-Served-By': opts.name,
    // Revalidate every time (cheap with ETags), so a replaced file is seen at once, without Ctrl+F5.
    'Cache-Control': 'no-cache',
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers':
      'Content-Range, Content-Length, ETag, X-Served-By, Accept-Ranges, Last-Modified, X-Dsm-Version, Repr-Digest',
    'X-Content-Type-Options': 'nosniff',
  };
  const served = { bytes: 0 };
  const ctx = {
    nodeName: opts.name,
    store,
    maxRanges: opts.maxRanges ?? DEFAULTS.maxRanges,
    latencyMs: () => faults.current('latency')?.latencyMs ?? 0,
    uptimeS: () => (clock.now() - startedAt) / 1000,
    bytesServed: () => served.bytes,
    token: opts.token,
    maxUploadBytes: opts.maxUploadBytes ?? DEFAULTS.maxUploadMiB * 1024 * 1024,
    newVersion: () => newVersion(clock.wallMs(), opts.rng),
    faults,
    heal: {
      peerSeen: (name: string) => heal?.peerSeen(name),
      scrubSoon: (name: string) => heal?.scrubSoon(name) ?? false,
    },
  };
  let heal: SelfHeal | undefined;

  const server = createServer({
    maxHeaderSize: opts.maxHeaderBytes ?? DEFAULTS.maxHeaderBytes,
    headersTimeout: opts.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    // The whole-request timer would cut long uploads; the idle timeout below guards slow bodies.
    requestTimeout: 0,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
    // Node checks the headers timeout only this often (30 s by default), which lets a slowloris
    // client hold a socket far longer than headersTimeout.
    connectionsCheckingInterval: 1000,
  });
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
  server.timeout = idleTimeoutMs;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = clock.now();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    // Periodic polls of the gateway and the dashboard (X-Dsm-Probe, see client/node-client.ts): neither
    // logged nor counted as bytes served, so the terminal and the dashboard show requests, not polls.
    const routine =
      method === 'GET' && req.headers['x-dsm-probe'] !== undefined && ROUTINE_TARGETS.has(target);
    // The fault API is never faulted: not before its answer (below), nor in its body.
    const writeOpts = {
      common,
      headOnly: method === 'HEAD',
      faults: isFaultsTarget(target) ? undefined : faults,
      served: routine ? undefined : served,
      sendTimeoutMs: idleTimeoutMs,
    };
    let bytes = 0;
    let aborted = false;
    let status = 0;
    let delayMs = 0;
    let fault: string | undefined;
    let handled = false;
    // No request fault, no cost (not even an AbortController).
    if (faults.requestStages.length !== 0 && !isFaultsTarget(target)) {
      const pre = await applyRequestFaults(faults, req, res, t0, opts.name, (r) =>
        writeResponse(res, r, writeOpts),
      );
      delayMs = pre.delayMs;
      fault = pre.fault;
      if (pre.kind === 'handled') {
        handled = true;
        status = pre.status;
        bytes = pre.bytes;
        aborted = pre.aborted;
      }
    }
    if (!handled) {
      let response: Awaited<ReturnType<typeof handleRequest>>;
      try {
        response = await handleRequest(
          { method, target, headers: req.headers, body: req, trailers: () => req.trailers },
          ctx,
        );
      } catch (err) {
        if (res.destroyed) {
          // The client went away mid-upload; the store has already thrown the partial file away.
          response = errorResponse(
            new DsmError('DSM_BAD_HEADER', { header: 'body', detail: 'the client went away' }),
          );
        } else {
          opts.log.error(`${method} ${printable(target)}: ${(err as Error).message}`);
          response = errorResponse(new DsmError('DSM_INTERNAL', { detail: (err as Error).message }));
        }
      }
      status = response.status;
      // While shutting down, tell keep-alive clients not to come back, so the socket can close now
      // instead of at the end of the grace period.
      // (A copy: the handler's header object may be shared by many responses, see sharedHeaders.)
      if (closing) response = { ...response, headers: { ...response.headers, Connection: 'close' } };
      const result = await writeResponse(res, response, writeOpts);
      bytes = result.bytes;
      aborted = result.aborted;
    }
    if (opts.log.logsRequests === false) return;
    if (isRoutineSync(method, target, req.headers['x-dsm-node'], status)) return;
    if (routine && status === 200) return;
    opts.log.request({
      method,
      path: printable(target),
      status,
      range: req.headers.range,
      bytes,
      latencyMs: delayMs,
      // Rounded up: libuv's timers count whole milliseconds of a cached loop time, so a 50 ms delay
      // can measure 49.6 ms, and "latency 50 ms, total 49 ms" would puzzle a class.
      totalMs: Math.ceil(clock.now() - t0),
      aborted,
      fault,
    });
  }

  let closing: Promise<void> | undefined;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serve(req, res);
  });
  // `Expect: 100-continue`: decide from the headers whether the body is wanted at all (RFC 9110 §10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'PUT';
    if ((method === 'PUT' || method === 'DELETE') && !isFaultsTarget(req.url ?? '/')) {
      try {
        checkWrite({ method, target: req.url ?? '/', headers: req.headers }, ctx);
      } catch (err) {
        if (isDsmError(err)) {
          void writeResponse(res, writeErrorResponse(err), { common, headOnly: false }).then(() =>
            opts.log.request({
              method,
              path: printable(req.url ?? '/'),
              status: err.status,
              bytes: 0,
              latencyMs: 0,
              totalMs: 0,
            }),
          );
          return;
        }
        throw err;
      }
    }
    res.writeContinue();
    void serve(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? '400 Bad Request';
    socket.end(
      `HTTP/1.1 ${status}\r\nX-Served-By: ${opts.name}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
  });

  await listen(server, opts.host, opts.port, opts.name).catch(async (err) => {
    await store.close();
    throw err;
  });

  // Hash what was dropped in by hand while the node was off.
  void store.scan().catch(() => undefined);
  // Catch up with the peers at once, then keep checking them and our own disk (self-heal.ts).
  heal = startSelfHeal({
    nodeName: opts.name,
    store,
    log: opts.log,
    clock,
    rng: opts.rng,
    peers: opts.peers ?? [],
    antiEntropyIntervalMs: opts.antiEntropyIntervalMs ?? DEFAULTS.antiEntropyIntervalMs,
    scrubIntervalMs: opts.scrubIntervalMs ?? DEFAULTS.scrubIntervalMs,
    scrubMBps: opts.scrubMBps ?? DEFAULTS.scrubMBps,
    maxUploadBytes: ctx.maxUploadBytes,
    token: opts.token,
  });

  const port = () => (server.address() as AddressInfo).port;
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  return {
    server,
    store,
    faults,
    port,
    url: () => `http://${urlHost}:${port()}`,
    close: () => {
      closing ??= (async () => {
        // Stop pulling from peers first: a pull under way is aborted and its temp file removed.
        const healing = heal?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(
          () => server.closeAllConnections(),
          opts.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs,
        );
        grace.unref();
        await closed;
        clearTimeout(grace);
        // Faults stay during the grace period (a delayed or hung request is a running one); by now every
        // connection is closed, and this drops the expiry timer.
        faults.close();
        await healing;
        await store.close();
      })();
      return closing;
    },
  };
}
