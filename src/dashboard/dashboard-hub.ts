/**
 * What the dashboard shows, gathered in one place and pushed to every open page as Server-Sent Events
 * (protocol.ts). Pages only listen; actions go through dashboard-routes.ts.
 *
 *   supervisor events ─ requests (IPC batches) ─┐
 *   gateway ─ stream start / switch ───────────┤
 *   uploads ─ per-node progress ───────────────┼─► hub ─► SSE ─► every page
 *   every 1 s, while a page is open:           │
 *     each node: GET /health (routine, timed),  │
 *                GET /_dsm/faults ─────────────┤
 *   every 2 s: each node's GET /_dsm/files ────┘ (sent only when the matrix changed)
 *
 * Probing runs only while at least one page listens: a cluster nobody watches costs nothing. The
 * health probes are marked routine (X-Dsm-Probe), so nodes do not log them and they never show up in
 * the request log they would otherwise flood.
 */
import type { ServerResponse } from 'node:http';
import type { ListedEntry } from '../client/list-node-files.js';
import { replicaRows } from '../replication/replica-status.js';
import { DEFAULTS } from '../shared/defaults.js';
import type { Lang } from '../shared/i18n.js';
import type { Clock } from '../shared/random.js';
import type { RequestBatch } from '../shared/request-feed.js';
import type { NodeSnapshot } from '../supervisor/node-process.js';
import {
  type DashboardNode,
  type DashboardRequest,
  type ListedFault,
  REQUEST_HISTORY,
  type ReplicaMatrix,
  RTT_HISTORY,
  type ServerEvent,
  type StreamEvent,
  type UploadProgress,
} from './protocol.js';

/** How the hub reaches a node: passed in, so tests can give fakes. */
export interface NodeProbe {
  /**
   * A routine `GET /health`: its round trip, ms, and the node's live count of body bytes served; null
   * when it failed or took longer than the timeout.
   */
  health(url: string): Promise<{ rttMs: number; bytesServed: number | undefined } | null>;
  /** The node's faults; null when it did not answer. */
  faults(url: string): Promise<ListedFault[] | null>;
  /** Its file listing; null when it did not answer. */
  files(url: string): Promise<ListedEntry[] | null>;
}

export interface HubOptions {
  snapshots(): NodeSnapshot[];
  probe: NodeProbe;
  clock: Clock;
  lang: Lang;
  configFile: string;
  demo: string;
  nodesIntervalMs?: number;
  replicasIntervalMs?: number;
  keepAliveMs?: number;
}

interface Counters {
  rtt: Array<number | null>;
  faults: ListedFault[] | null;
  requestsTotal: number;
  bytesTotal: number;
  /** The node's own count at the last probe (it starts again from 0 when the node restarts). */
  nodeBytes: number | undefined;
  /** Totals at the previous `nodes` event, for the per-second rates. */
  lastRequests: number;
  lastBytes: number;
  lastAtMs: number;
  requestsPerS: number;
  bytesPerS: number;
}

/**
 * Appends a sample to a bounded history, oldest first.
 *
 * | history (max 3) | sample | result       |
 * |-----------------|--------|--------------|
 * | []              | 5      | [5]          |
 * | [1, 2, 3]       | null   | [2, 3, null] |
 */
export function pushBounded<T>(history: readonly T[], sample: T, max: number): T[] {
  const next = [...history, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/**
 * Requests and bytes per second between two readings of the totals.
 *
 * | totals before → after | elapsed | rate         |
 * |-----------------------|---------|--------------|
 * | 10 → 30               | 2000 ms | 10 per s     |
 * | 10 → 10               | 1000 ms | 0            |
 * | 0 → 5                 | 0 ms    | 0 (no time)  |
 */
export function ratePerS(before: number, after: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round(((after - before) * 1000) / elapsedMs) : 0;
}

/**
 * Bytes a node served since the previous reading of its counter, which starts again from 0 when the
 * node process restarts.
 *
 * | before     | now  | served since |
 * |------------|------|--------------|
 * | undefined  | 500  | 0 (first reading: counted by the requests so far) |
 * | 500        | 800  | 300          |
 * | 800        | 100  | 100 (restarted) |
 */
export function servedSince(before: number | undefined, now: number): number {
  if (before === undefined) return 0;
  return now >= before ? now - before : now;
}

/** The protocol's matrix from the nodes' listings (replica-status.ts decides each cell). */
export function toMatrix(
  listings: ReadonlyArray<{ node: string; files: readonly ListedEntry[] | null }>,
): ReplicaMatrix {
  return {
    nodes: listings.map((l) => l.node),
    rows: replicaRows(listings).map((r) => ({
      name: r.name,
      size: r.newest.size,
      version: r.newest.version || null,
      cells: r.cells.map((c) => ({ node: c.node, state: c.state, version: c.version })),
    })),
  };
}

/** One Server-Sent Events message (WHATWG HTML §9.2.6): the event as JSON on one `data:` line. */
function frame(e: ServerEvent): string {
  return `data: ${JSON.stringify(e)}\n\n`;
}

export class DashboardHub {
  readonly #o: HubOptions;
  readonly #pages = new Set<ServerResponse>();
  readonly #counters = new Map<string, Counters>();
  #requests: DashboardRequest[] = [];
  #nextRequestId = 1;
  #nodes: DashboardNode[] | undefined;
  #matrix: ReplicaMatrix | undefined;
  #matrixJson = '';
  #nodesTimer: NodeJS.Timeout | undefined;
  #replicasTimer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #running = false;
  /** Bumped at each start: a round still in flight from an earlier run must not schedule another. */
  #run = 0;
  #closed = false;

  constructor(opts: HubOptions) {
    this.#o = opts;
  }

  /** Pages listening now. */
  get pages(): number {
    return this.#pages.size;
  }

  /** Answers `GET /_dsm/dashboard/events` with a stream that lasts until the page goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // nginx and other proxies would otherwise buffer the stream (X-Accel-Buffering is nginx's switch).
      'X-Accel-Buffering': 'no',
    });
    // Reconnect after 1 s when the supervisor restarts (EventSource's default is about 3 s).
    res.write('retry: 1000\n\n');
    this.#pages.add(res);
    res.on('close', () => {
      this.#pages.delete(res);
      if (this.#pages.size === 0) this.#stop();
    });
    const o = this.#o;
    this.#sendTo(res, { type: 'hello', lang: o.lang, configFile: o.configFile, demo: o.demo });
    this.#sendTo(res, { type: 'nodes', nodes: this.#nodes ?? this.#nodeList() });
    if (this.#matrix) this.#sendTo(res, { type: 'replicas', matrix: this.#matrix });
    this.#sendTo(res, { type: 'requests', requests: this.#requests });
    this.#start();
  }

  /** A batch of request records from a node (the supervisor's `requests` event). */
  requests(node: string, batch: RequestBatch): void {
    const c = this.#counter(node);
    const added: DashboardRequest[] = [];
    for (const r of batch.requests) {
      c.requestsTotal++;
      // Nodes that count their bytes live (/health) are counted from that; others when a request ends.
      if (c.nodeBytes === undefined) c.bytesTotal += r.bytes;
      added.push({
        id: this.#nextRequestId++,
        atMs: r.atMs,
        node,
        method: r.method,
        path: r.path,
        status: r.status,
        ...(r.range ? { range: r.range } : {}),
        bytes: r.bytes,
        latencyMs: r.latencyMs,
        totalMs: r.totalMs,
        ...(r.aborted ? { aborted: true } : {}),
        ...(r.fault ? { fault: r.fault } : {}),
      });
    }
    // Dropped records still count in the rates, with their bytes unknown.
    c.requestsTotal += batch.dropped;
    if (added.length === 0) return;
    this.#requests = [...this.#requests, ...added].slice(-REQUEST_HISTORY);
    this.#broadcast({ type: 'requests', requests: added });
  }

  /** A stream started or switched in the gateway. */
  stream(e: Omit<StreamEvent, 'atMs'>): void {
    this.#broadcast({ type: 'stream', event: { ...e, atMs: this.#o.clock.wallMs() } });
  }

  upload(p: UploadProgress): void {
    this.#broadcast({ type: 'upload', upload: p });
  }

  /** Refreshes node cards and matrix now (after a stop, start, fault change or upload), not at the next tick. */
  nudge(): void {
    if (!this.#running) return;
    clearTimeout(this.#nodesTimer);
    clearTimeout(this.#replicasTimer);
    const run = ++this.#run;
    this.#nodesTimer = setTimeout(() => void this.#tickNodes(run), 0);
    this.#replicasTimer = setTimeout(() => void this.#tickReplicas(run), 0);
  }

  /** Ends every page's stream and stops probing. */
  close(): void {
    this.#closed = true;
    this.#stop();
    for (const res of this.#pages) res.end();
    this.#pages.clear();
  }

  #counter(node: string): Counters {
    let c = this.#counters.get(node);
    if (!c) {
      c = {
        rtt: [],
        faults: null,
        requestsTotal: 0,
        bytesTotal: 0,
        nodeBytes: undefined,
        lastRequests: 0,
        lastBytes: 0,
        lastAtMs: this.#o.clock.now(),
        requestsPerS: 0,
        bytesPerS: 0,
      };
      this.#counters.set(node, c);
    }
    return c;
  }

  #nodeList(): DashboardNode[] {
    return this.#o.snapshots().map((s) => {
      const c = this.#counter(s.name);
      return {
        name: s.name,
        state: s.state,
        url: s.url,
        pid: s.pid,
        port: s.port,
        faults: s.state === 'up' ? c.faults : null,
        rttMs: c.rtt,
        requestsPerS: c.requestsPerS,
        bytesPerS: c.bytesPerS,
        requestsTotal: c.requestsTotal,
        bytesTotal: c.bytesTotal,
        lastError: s.lastError,
        restarts: s.restarts,
      };
    });
  }

  #start(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    const run = ++this.#run;
    void this.#tickNodes(run);
    void this.#tickReplicas(run);
    this.#keepAlive = setInterval(() => {
      // An SSE comment: keeps idle connections from being closed by proxies and OS timeouts.
      for (const res of this.#pages) res.write(': keep-alive\n\n');
    }, this.#o.keepAliveMs ?? DEFAULTS.dashboardKeepAliveMs);
  }

  #stop(): void {
    this.#running = false;
    clearTimeout(this.#nodesTimer);
    clearTimeout(this.#replicasTimer);
    clearInterval(this.#keepAlive);
  }

  /**
   * One round of node probes, then the next one a period after this one started (or at once when the
   * probes took longer: a node with a 1.5 s latency fault is measured every 1.5 s).
   */
  async #tickNodes(run: number): Promise<void> {
    const t0 = this.#o.clock.now();
    const snapshots = this.#o.snapshots();
    await Promise.all(
      snapshots.map(async (s) => {
        const c = this.#counter(s.name);
        if (s.state !== 'up' || !s.url) {
          c.rtt = pushBounded(c.rtt, null, RTT_HISTORY);
          c.faults = null;
          return;
        }
        const [health, faults] = await Promise.all([
          this.#o.probe.health(s.url),
          this.#o.probe.faults(s.url),
        ]);
        c.rtt = pushBounded(c.rtt, health?.rttMs ?? null, RTT_HISTORY);
        c.faults = faults;
        if (health?.bytesServed !== undefined) {
          c.bytesTotal += servedSince(c.nodeBytes, health.bytesServed);
          c.nodeBytes = health.bytesServed;
        }
      }),
    );
    const now = this.#o.clock.now();
    for (const c of this.#counters.values()) {
      c.requestsPerS = ratePerS(c.lastRequests, c.requestsTotal, now - c.lastAtMs);
      c.bytesPerS = ratePerS(c.lastBytes, c.bytesTotal, now - c.lastAtMs);
      c.lastRequests = c.requestsTotal;
      c.lastBytes = c.bytesTotal;
      c.lastAtMs = now;
    }
    this.#nodes = this.#nodeList();
    this.#broadcast({ type: 'nodes', nodes: this.#nodes });
    if (!this.#running || run !== this.#run) return;
    const period = this.#o.nodesIntervalMs ?? DEFAULTS.dashboardNodesIntervalMs;
    this.#nodesTimer = setTimeout(
      () => void this.#tickNodes(run),
      Math.max(0, period - (this.#o.clock.now() - t0)),
    );
  }

  async #tickReplicas(run: number): Promise<void> {
    const listings = await Promise.all(
      this.#o.snapshots().map(async (s) => ({
        node: s.name,
        files: s.state === 'up' && s.url ? await this.#o.probe.files(s.url) : null,
      })),
    );
    const matrix = toMatrix(listings);
    const json = JSON.stringify(matrix);
    if (json !== this.#matrixJson) {
      this.#matrixJson = json;
      this.#matrix = matrix;
      this.#broadcast({ type: 'replicas', matrix });
    }
    if (!this.#running || run !== this.#run) return;
    this.#replicasTimer = setTimeout(
      () => void this.#tickReplicas(run),
      this.#o.replicasIntervalMs ?? DEFAULTS.dashboardReplicasIntervalMs,
    );
  }

  #broadcast(e: ServerEvent): void {
    if (this.#pages.size === 0) return;
    const f = frame(e);
    for (const res of this.#pages) res.write(f);
  }

  #sendTo(res: ServerResponse, e: ServerEvent): void {
    res.write(frame(e));
  }
}
