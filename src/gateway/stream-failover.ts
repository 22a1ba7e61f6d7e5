/**
 * The gateway's engine: one client request served from a list of nodes, continuing on the next node
 * when one fails, even after bytes have reached the client.
 *
 *   client ◀── res ◀── [stall timer per chunk] ◀── node A ✗ (reset or silent for stallTimeoutMs)
 *                   ◀──────────────────────────── node B  GET Range: bytes=<next>-<end>
 *                                                          If-Match: "sha256-…"  → 206 from <next>
 *
 * Before the response starts, a node that refuses, resets, answers 5xx or sends no headers within
 * `headersTimeoutMs` is skipped and the next one is tried (nginx's `proxy_next_upstream`). Once the
 * headers went to the client, a node that dies or stalls mid-body is replaced: the rest is asked from the
 * next node with `If-Match` on the strong ETag the client already got, and the answer is used only if it
 * is a 206 that starts at the next byte, so the client receives one byte-exact body. nginx and Envoy
 * cannot do this once bytes have reached the client, and undici's retry resumes only on the same origin;
 * we can, because our ETags are content hashes: the same ETag on another node means the same bytes.
 *
 * Back-pressure: when the client's socket buffer is full the upstream is paused and its stall timer
 * stopped (a slow client is not a stalled node). A client that leaves aborts the upstream.
 *
 * Requests to the nodes go through upstream-http.ts rather than node:http: the body is forwarded in the
 * socket's own (pooled) read buffers, each given back once the client's socket has taken it. With
 * node:http's client the gateway copied every body byte once more and reached 0.3–0.6x of a direct
 * download (bench/gateway.ts); see upstream-http.ts for the measurements.
 * Multipart range answers are not resumed (see resume-range.ts): the client's response is cut.
 */
import type { ServerResponse } from 'node:http';
import { classifyFailure } from '../client/classify-failure.js';
import type { Clock } from '../shared/random.js';
import { resumeRange, type StartedResponse } from './resume-range.js';
import type { UpstreamClient, UpstreamResponse } from './upstream-http.js';

export interface Upstream {
  name: string;
  /** `http://host:port` from the node's configuration, never from the request. */
  origin: string;
}

export type UpstreamReport = { kind: 'success'; ttfbMs: number } | { kind: 'failure'; detail: string };

export interface FailoverOptions {
  method: 'GET' | 'HEAD';
  /** A validated, percent-encoded path (`urlPathOf(name)`). */
  path: string;
  /** The file's name, for log lines. */
  label: string;
  /** The client's headers that are forwarded on the first request (Range, conditionals). */
  headers: Record<string, string>;
  /** Nodes in the order to try them. */
  upstreams: readonly Upstream[];
  stallTimeoutMs: number;
  headersTimeoutMs: number;
  /** Opens the requests to the nodes (upstream-http.ts). */
  client: UpstreamClient;
  clock: Clock;
  res: ServerResponse;
  /** Passive health: every attempt's outcome. */
  report(node: string, r: UpstreamReport): void;
  log(line: string): void;
  /**
   * Which node is writing to the client now: called when the response starts (`from` undefined) and at
   * every switch. `atByte` counts body bytes already sent to the client. For the dashboard's overlay.
   */
  onServing?(e: ServingEvent): void;
}

export interface ServingEvent {
  node: string;
  atByte: number;
  /** The node that failed, and how; undefined for the first one. */
  from?: { node: string; why: string };
}

export type FailoverOutcome =
  | { kind: 'served'; node: string; switches: number }
  | { kind: 'no-upstream'; failures: Array<{ node: string; detail: string }> }
  | { kind: 'cut'; node: string; atByte: number; why: string }
  | { kind: 'client-left' };

const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'x-dsm-version',
];

/** Request headers the gateway passes on to the first node. */
export const FORWARDED_REQUEST_HEADERS = [
  'range',
  'if-range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
];

/** Sends one request; resolves with the response head, rejects on error or when no head came in time. */
function openUpstream(
  up: Upstream,
  o: FailoverOptions,
  method: 'GET' | 'HEAD',
  headers: Record<string, string>,
): Promise<UpstreamResponse> {
  return o.client.request({
    origin: up.origin,
    method,
    path: o.path,
    headers,
    headersTimeoutMs: o.headersTimeoutMs,
  });
}

/** Bytes a response may hold in memory before the upstream is paused for a slow client. */
const BUFFERED_BYTES = 1024 * 1024;

type PumpResult = { kind: 'done' } | { kind: 'failed'; why: string } | { kind: 'client-left' };

/** Copies an upstream body into the client's response until it ends, fails, stalls or the client leaves. */
function pump(
  upstream: UpstreamResponse,
  res: ServerResponse,
  stallTimeoutMs: number,
  onBytes: (n: number) => void,
): Promise<PumpResult> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let waitingForDrain = false;
    const finish = (r: PumpResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      res.off('close', onClientClose);
      res.off('drain', onDrain);
      if (r.kind !== 'done') upstream.destroy();
      resolve(r);
    };
    // One timer, pushed back on every chunk (`refresh` is far cheaper than a new timer per chunk).
    const arm = () => {
      if (timer === undefined)
        timer = setTimeout(() => finish({ kind: 'failed', why: 'stalled' }), stallTimeoutMs);
      else timer.refresh();
    };
    const onDrain = () => {
      waitingForDrain = false;
      if (finished) return;
      arm();
      upstream.resume();
    };
    const onClientClose = () => finish({ kind: 'client-left' });
    res.once('close', onClientClose);
    arm();
    upstream.read({
      data(chunk, release) {
        if (finished) {
          release();
          return;
        }
        if (res.destroyed) {
          finish({ kind: 'client-left' });
          return;
        }
        onBytes(chunk.length);
        // The piece's memory is reused for a later read once the socket has taken it (write callback).
        const flushed = res.write(chunk, (err) => {
          if (!err) release();
        });
        // The response's own buffer is 16 KiB, less than one chunk: pausing whenever it is full would stop
        // the node for every chunk. Up to BUFFERED_BYTES may wait in memory; beyond that, the client sets the pace.
        if (flushed || res.writableLength < BUFFERED_BYTES) {
          arm();
          return;
        }
        // The client is slow: wait for it, and do not blame the node meanwhile.
        clearTimeout(timer);
        timer = undefined;
        upstream.pause();
        if (!waitingForDrain) {
          waitingForDrain = true;
          res.once('drain', onDrain);
        }
      },
      end(complete) {
        finish(complete ? { kind: 'done' } : { kind: 'failed', why: 'reset' });
      },
    });
  });
}

function startedOf(r: UpstreamResponse): StartedResponse {
  const length = r.headers['content-length'];
  return {
    status: r.statusCode ?? 0,
    contentLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    contentRange: r.headers['content-range'],
    contentType: r.headers['content-type'],
  };
}

export async function streamWithFailover(o: FailoverOptions): Promise<FailoverOutcome> {
  const failures: Array<{ node: string; detail: string }> = [];
  const queue = [...o.upstreams];
  let first: { node: Upstream; res: UpstreamResponse } | undefined;
  while (first === undefined) {
    const up = queue.shift();
    if (up === undefined) return { kind: 'no-upstream', failures };
    if (o.res.destroyed) return { kind: 'client-left' };
    const t0 = o.clock.now();
    try {
      const r = await openUpstream(up, o, o.method, o.headers);
      const status = r.statusCode ?? 0;
      if (status >= 500 || status === 404) {
        // 5xx: the node is unwell; 404: the version map was out of date. Either way another may serve.
        r.discard();
        const detail = `HTTP ${status}`;
        if (status >= 500) o.report(up.name, { kind: 'failure', detail });
        failures.push({ node: up.name, detail });
        continue;
      }
      o.report(up.name, { kind: 'success', ttfbMs: o.clock.now() - t0 });
      first = { node: up, res: r };
    } catch (err) {
      const detail = classifyFailure(err).kind;
      o.report(up.name, { kind: 'failure', detail });
      failures.push({ node: up.name, detail });
    }
  }

  const { res } = o;
  if (res.destroyed) {
    first.res.destroy();
    return { kind: 'client-left' };
  }
  const headers: Record<string, string> = { 'X-Served-By': first.node.name, 'Cache-Control': 'no-store' };
  for (const h of FORWARDED_RESPONSE_HEADERS) {
    const v = first.res.headers[h];
    if (v !== undefined) headers[h] = v;
  }
  res.writeHead(first.res.statusCode ?? 502, headers);
  o.onServing?.({ node: first.node.name, atByte: 0 });

  const status = first.res.statusCode ?? 0;
  const etag = first.res.headers.etag;
  const resumable = o.method === 'GET' && (status === 200 || status === 206) && etag?.startsWith('"');
  const started = startedOf(first.res);
  let sent = 0;
  let current = first;
  let switches = 0;
  for (;;) {
    const r = await pump(current.res, res, o.stallTimeoutMs, (n) => {
      sent += n;
    });
    if (r.kind === 'done') {
      res.end();
      return { kind: 'served', node: first.node.name, switches };
    }
    if (r.kind === 'client-left') return { kind: 'client-left' };
    o.report(current.node.name, { kind: 'failure', detail: r.why });
    const decision = resumable
      ? resumeRange(started, sent)
      : ({ kind: 'no-resume', why: 'not-a-file' } as const);
    if (decision.kind === 'complete') {
      res.end();
      return { kind: 'served', node: first.node.name, switches };
    }
    if (decision.kind === 'no-resume') {
      o.log(
        `stream ${o.label}: ${current.node.name} failed at byte ${sent} (${r.why}), cannot resume a ${decision.why} response: cut`,
      );
      res.destroy();
      return { kind: 'cut', node: current.node.name, atByte: sent, why: r.why };
    }
    const next = await openResume(queue, o, decision, etag as string);
    if (next === undefined) {
      o.log(
        `stream ${o.label}: ${current.node.name} failed at byte ${sent} (${r.why}), no other node can continue: cut`,
      );
      res.destroy();
      return { kind: 'cut', node: current.node.name, atByte: sent, why: r.why };
    }
    o.log(
      `stream ${o.label}: ${current.node.name} failed at byte ${sent} (${r.why}), continuing from ${next.node.name}`,
    );
    o.onServing?.({ node: next.node.name, atByte: sent, from: { node: current.node.name, why: r.why } });
    current = next;
    switches++;
  }
}

/** The next node that answers the resumed range correctly: 206, same ETag, starting at the next byte. */
async function openResume(
  queue: Upstream[],
  o: FailoverOptions,
  want: { range: string; start: number; end: number },
  etag: string,
): Promise<{ node: Upstream; res: UpstreamResponse } | undefined> {
  for (;;) {
    const up = queue.shift();
    if (up === undefined || o.res.destroyed) return undefined;
    const t0 = o.clock.now();
    try {
      const r = await openUpstream(up, o, 'GET', { Range: want.range, 'If-Match': etag });
      const cr = r.headers['content-range'] ?? '';
      if (
        r.statusCode === 206 &&
        r.headers.etag === etag &&
        cr.startsWith(`bytes ${want.start}-${want.end}/`)
      ) {
        o.report(up.name, { kind: 'success', ttfbMs: o.clock.now() - t0 });
        return { node: up, res: r };
      }
      r.discard();
      if ((r.statusCode ?? 0) >= 500) o.report(up.name, { kind: 'failure', detail: `HTTP ${r.statusCode}` });
    } catch (err) {
      o.report(up.name, { kind: 'failure', detail: classifyFailure(err).kind });
    }
  }
}
