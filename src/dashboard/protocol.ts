/**
 * What the dashboard's page and the supervisor say to each other: types and paths only, imported by
 * the server side (dashboard-hub.ts, dashboard-routes.ts) and by the browser app (ui/), so that both
 * change together. No runtime code of the server may be imported from here.
 *
 * Live data is one Server-Sent Events stream (`EVENTS_PATH`): each message's `data` is one
 * `ServerEvent` as JSON. The first message is `hello`, then one each of `nodes`, `replicas` and
 * `requests` with everything known so far; after that, changes as they happen.
 *
 *   browser                                   supervisor (dsm cluster)
 *   ───────                                   ────────────────────────
 *   GET  /                                 →  index.html (+ the token, see dashboard-access.ts)
 *   GET  /_dsm/dashboard/events  (SSE)     →  hello, nodes (1/s), requests, replicas, stream, upload
 *   POST /_dsm/cluster/nodes/<n>/stop      →  ActionAnswer               (token)
 *   POST /_dsm/cluster/nodes/<n>/start     →  ActionAnswer               (token)
 *   PUT  /_dsm/cluster/nodes/<n>/faults    →  FaultsAnswer               (token) body { faults: [...] }
 *   GET  /_dsm/cluster/pick/<file>?exclude=node1,node2  →  PickAnswer
 *   PUT  /_dsm/cluster/files/<file>?upload=<id>  →  UploadAnswer     (token) body: the file's bytes
 *   GET  /stream/<file>?client=<id>        →  the gateway (stream events carry the id)
 *
 * Calls with "(token)" need `Authorization: Bearer <token>`; errors are `ErrorAnswer` with a 4xx/5xx.
 * When the supervisor listens beyond loopback, the events stream needs the token too, as `?token=`
 * (EventSource cannot send headers).
 */

export const EVENTS_PATH = '/_dsm/dashboard/events';
export const PICK_PATH = '/_dsm/cluster/pick/';
export const FILES_PATH = '/_dsm/cluster/files/';
export const NODES_PATH = '/_dsm/cluster/nodes/';
export const STREAM_PATH = '/stream/';
/** `<meta name="dsm-token" content="…">` in index.html when the page may act (see dashboard-access.ts). */
export const TOKEN_META = 'dsm-token';
/** `<meta name="dsm-lang" content="en|pt-BR">`: the cluster's language, the page's default. */
export const LANG_META = 'dsm-lang';

/** How many round-trip samples a node card keeps (one per `nodes` event, about one a second). */
export const RTT_HISTORY = 60;
/** How many request records the server keeps for a page that connects. */
export const REQUEST_HISTORY = 200;

export type NodeState = 'starting' | 'up' | 'stopping' | 'down' | 'crashed';

/** A fault as a node lists it (`GET /_dsm/faults`): see src/faults/fault-schema.ts for every field. */
export type Fault =
  | { type: 'latency'; latencyMs: number; jitterMs: number; toxicity: number; forSeconds?: number }
  | { type: 'bandwidth'; bandwidthKBps: number; toxicity: number; forSeconds?: number }
  | { type: 'errors'; errorRate: number; status: 503 | 500; toxicity: number; forSeconds?: number }
  | { type: 'hang'; toxicity: number; forSeconds?: number }
  | { type: 'reset'; resetAfterBytes: number; toxicity: number; forSeconds?: number }
  | { type: 'down'; toxicity: number; forSeconds?: number };

/** A listed fault also says how long it has left, when it has a `forSeconds`. */
export type ListedFault = Fault & { remainingSeconds?: number };

export interface DashboardNode {
  name: string;
  state: NodeState;
  /** `http://127.0.0.1:8001` while up, else null. */
  url: string | null;
  pid: number | null;
  port: number | null;
  /** The node's faults now; null when it could not be asked (down, or no answer). */
  faults: ListedFault[] | null;
  /**
   * Round trips of `GET /health` (simulated latency included), ms, oldest first, one per `nodes` event,
   * at most RTT_HISTORY; null where the node did not answer.
   */
  rttMs: Array<number | null>;
  /** Requests it served in the last second, and their body bytes. */
  requestsPerS: number;
  bytesPerS: number;
  /** Since the cluster started. */
  requestsTotal: number;
  bytesTotal: number;
  /** The last line it wrote to stderr: usually why it did not start. */
  lastError: string | null;
  restarts: number;
}

export interface DashboardRequest {
  /** Increasing, unique within the cluster's run. */
  id: number;
  /** Wall-clock time the supervisor got the record, ms since the epoch. */
  atMs: number;
  node: string;
  method: string;
  path: string;
  status: number;
  /** The Range header as received. */
  range?: string;
  bytes: number;
  /** Simulated latency it waited, and its whole time, ms. */
  latencyMs: number;
  totalMs: number;
  aborted?: boolean;
  /** The fault that decided the answer (hang, errors, down). */
  fault?: string;
}

export type CellState = 'ok' | 'stale' | 'missing' | 'corrupt' | 'deleted' | 'unknown';

export interface ReplicaMatrix {
  nodes: string[];
  rows: Array<{
    name: string;
    size: number | null;
    /** The newest version any node has. */
    version: number | null;
    cells: Array<{ node: string; state: CellState; version: number | null }>;
  }>;
}

/** The gateway started (no `from`) or switched a stream. */
export interface StreamEvent {
  atMs: number;
  name: string;
  /** The `?client=` id of the request, null without one. */
  client: string | null;
  node: string;
  /** Body bytes already sent to the client when `node` took over. */
  atByte: number;
  from?: { node: string; why: string };
}

export type UploadNodeState = 'sending' | 'stored' | 'failed';

export interface UploadProgress {
  /** The `?upload=` id the page chose. */
  id: string;
  name: string;
  size: number;
  nodes: Array<{ node: string; bytes: number; state: UploadNodeState; detail?: string }>;
  done: boolean;
}

export type ServerEvent =
  | {
      type: 'hello';
      /** The cluster's language (`dsm cluster --lang`). */
      lang: 'en' | 'pt-BR';
      configFile: string;
      /** The gateway's file names this page can play; the seeded demo is `demo.mp4`. */
      demo: string;
    }
  | { type: 'nodes'; nodes: DashboardNode[] }
  | { type: 'requests'; requests: DashboardRequest[] }
  | { type: 'replicas'; matrix: ReplicaMatrix }
  | { type: 'stream'; event: StreamEvent }
  | { type: 'upload'; upload: UploadProgress };

export interface ErrorAnswer {
  error: { code: string; message: string; params: Record<string, string | number> };
}

export interface ActionAnswer {
  changed: boolean;
  node: { name: string; state: NodeState };
}

export interface FaultsAnswer {
  node: string;
  faults: ListedFault[];
}

export interface PickAnswer {
  /** The chosen node and the file's URL on it; null when none can serve it. */
  node: string | null;
  url: string | null;
  /** Why: `fastest`, `only-one`, … or why none (`not-found`, `all-down`, …). */
  reason: string;
  decisionMs: number;
  nodes: Array<{ name: string; state: 'up' | 'down' | 'silent'; medianMs: number | null; copy: string }>;
}

export interface UploadAnswer {
  name: string;
  size: number;
  sha256: string;
  version: number;
  nodes: Array<{ node: string; state: 'stored' | 'failed'; detail?: string }>;
}
