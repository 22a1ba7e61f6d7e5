/**
 * Every default of the project in one place, with its unit in its name.
 * The config schema and the CLI's `--help` read them from here (Fastify keeps its defaults the same way).
 */
export const DEFAULTS = {
  /** Address a server binds to. Loopback only, unless the user asks for more. */
  host: '127.0.0.1',
  /** Port of the cluster's supervisor: control API, gateway and dashboard. */
  supervisorPort: 8000,
  /** Largest file a node accepts in one PUT (10 GiB); 413 above it. */
  maxUploadMiB: 10 * 1024,
  /** Simulated network latency added before the first byte of every response. */
  latencyMs: 0,
  /** Random spread added to the latency, uniform in [-jitterMs, +jitterMs]. */
  jitterMs: 0,
  /** Time a client has to send its request headers before the socket is closed (slowloris guard). */
  headersTimeoutMs: 10_000,
  /** A socket with no byte in either direction for this long is closed (nginx's send_timeout is 60 s). */
  idleTimeoutMs: 60_000,
  /** Keep-alive sockets waiting for the next request are closed after this long. */
  keepAliveTimeoutMs: 5_000,
  /** Largest accepted request header block (Node's own default is 16 KiB). */
  maxHeaderBytes: 16 * 1024,
  /** On Ctrl+C / SIGTERM, running responses get this long to finish before their sockets are closed. */
  shutdownGraceMs: 3_000,
  /** A Range header with more ranges than this is ignored and the whole file is sent (Apache's MaxRanges is 200). */
  maxRanges: 32,
  /**
   * Bytes read from disk at a time when serving a file body. Measured here (npm run bench, 50 clients
   * streaming 1 GiB at once): 1 MiB peaks at 252 MB of RSS, 512 KiB at 177 MB, 256 KiB at 139 MB but
   * with clearly less throughput on large files; 512 KiB keeps memory under 200 MB.
   */
  readChunkBytes: 512 * 1024,
  /** Bytes read at a time when a file is hashed or replicated: one reader, so larger is cheaper. */
  bulkReadChunkBytes: 1024 * 1024,
  /**
   * Buffers of `bulkReadChunkBytes` that `dsm replicate` reads the file into, reused in turn: the
   * read of the next chunk overlaps the sending of the previous ones (4 MiB in flight per node at most).
   */
  replicateRingBuffers: 4,
  /**
   * Bytes of an upload after which a node asks the kernel to write its temp file to disk (fdatasync,
   * in the background), so that the disk writes overlap the receiving and the fsync before the rename
   * has at most this much left to write. Measured here (npm run bench, 1 GiB to 3 nodes): 32 MiB cut
   * the replication from 10.5–13.3 s to 8.4–11.9 s in alternating runs; 8 and 128 MiB did less well.
   * 0 turns it off.
   */
  uploadSyncEveryBytes: 32 * 1024 * 1024,
  /**
   * Largest single write of an upload into its temp file, bytes: large writes into the page cache cost
   * several times the CPU of 64 KiB ones on a VM whose free memory goes back to the host (measured, see
   * node/file-sink.ts).
   */
  uploadWriteBytes: 64 * 1024,
  /** How long a node reuses an open file's descriptor and stat (nginx's open_file_cache_valid). */
  openFileCacheValidMs: 1000,
  /** Open files kept at most. */
  openFileCacheEntries: 1000,
  /** Files up to this size are read in one go, kept in the open-file cache and sent with one write. */
  smallFileBytes: 64 * 1024,
  /**
   * `dsm cluster`: a node asked to stop gets this long after SIGTERM before SIGKILL. Longer than
   * shutdownGraceMs, so that the node can let its running responses finish first.
   */
  nodeStopGraceMs: 5_000,
  /** `dsm cluster`: a node that has not printed "listening on" after this long is reported as still starting. */
  nodeStartTimeoutMs: 15_000,
  /** `dsm cluster --restart`: wait before restarting a crashed node; doubled on each quick crash in a row. */
  restartDelayMs: 500,
  /** The longest of those waits. */
  restartMaxDelayMs: 10_000,
  /** A node that ran this long before crashing was healthy: the backoff starts again from restartDelayMs. */
  restartStableMs: 30_000,
  /** Quick crashes in a row after which `--restart` stops trying (the node is left crashed). */
  restartMaxAttempts: 5,
  /** `GET /health` probes of the supervisor (`dsm status`): a node slower than this is shown unmeasured. */
  probeTimeoutMs: 2_000,
  /** Log format of servers: human lines or one JSON object per line. */
  log: 'text' as 'text' | 'json',
  /** `dsm pick`: /health round trips per node; their median ranks the node. */
  pickSamples: 3,
  /** `dsm pick`: a request with no answer after this long counts as a timeout (the node is down). */
  pickTimeoutMs: 2_000,
  /**
   * `dsm pick`: the least time it waits for a silent node's version of the file before counting the node
   * as too slow to matter (the wait is otherwise (samples + 1) × the candidate's median round trip).
   */
  pickSilenceFloorMs: 100,
  /**
   * Anti-entropy: each node compares its manifest with each peer's this often (a digest first, the
   * details only when they differ) and pulls what it lacks. 0 turns it off. A node also runs a round at
   * start and as soon as an unreachable peer answers again, so this period is not the catch-up time.
   */
  antiEntropyIntervalMs: 3_000,
  /** Anti-entropy: an unreachable peer is tried again this often (at most the period above). */
  antiEntropyRetryMs: 1_000,
  /** Anti-entropy: a peer whose digest or manifest takes longer than this counts as unreachable. */
  antiEntropyTimeoutMs: 5_000,
  /** Anti-entropy: files pulled at the same time, over all peers. */
  antiEntropyPulls: 2,
  /**
   * Scrub: a node re-reads and re-hashes every file it holds this long after its previous pass ended,
   * and quarantines a copy whose bytes no longer match the manifest. 0 turns the periodic pass off.
   */
  scrubIntervalMs: 300_000,
  /** Scrub: read rate limit, in MB/s (MiB, as the logs print them), so that streaming does not suffer. */
  scrubMBps: 50,
  /** Gateway: a node that sends no body byte for this long mid-stream is replaced by another replica. */
  gatewayStallTimeoutMs: 1_000,
  /** Gateway: a node that sends no response headers for this long is skipped (the next one is tried). */
  gatewayHeadersTimeoutMs: 2_000,
  /** Gateway: active health probes (`GET /health`) of every node, this often. 0 turns them off. */
  gatewayProbeIntervalMs: 1_000,
  /** Gateway: which nodes hold which version of a file is remembered this long. */
  gatewayVersionTtlMs: 1_000,
  /** Gateway: failures in a row that eject a node (Envoy's consecutive_5xx is 5). */
  gatewayConsecutiveFailures: 3,
  /** Gateway: the first ejection lasts this long; each further one a multiple of it (Envoy: 30 s). */
  gatewayBaseEjectionMs: 5_000,
  /** Gateway: the longest ejection (Envoy: 300 s). */
  gatewayMaxEjectionMs: 60_000,
  /** Gateway: weight of the newest time to first byte in a node's moving average (EWMA), 0-1. */
  gatewayEwmaAlpha: 0.3,
  /** `dsm cluster`: a node sends its request records to the supervisor (dashboard log) this often. */
  requestFeedIntervalMs: 250,
  /** `dsm cluster`: records per node and period at most; more are counted, not sent (a benchmark's load). */
  requestFeedMaxBatch: 200,
  /** Dashboard: node cards (state, faults, round trip of `GET /health`, request rates) refreshed this often. */
  dashboardNodesIntervalMs: 1_000,
  /** Dashboard: the replica matrix (every node's file listing) refreshed this often. */
  dashboardReplicasIntervalMs: 2_000,
  /** Dashboard: an SSE comment is sent this often, so that proxies and browsers keep the stream open. */
  dashboardKeepAliveMs: 15_000,
} as const;
