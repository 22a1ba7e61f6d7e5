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
  maxUploadBytes: 10 * 1024 ** 3,
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
  /** Bytes read from disk at a time when streaming a file body. Large chunks matter for throughput. */
  readChunkBytes: 1024 * 1024,
  /** Files up to this size are read in one go and sent with one write. */
  smallFileBytes: 64 * 1024,
  /** Log format of servers: human lines or one JSON object per line. */
  log: 'text' as 'text' | 'json',
} as const;
