/**
 * The gateway's HTTP/1.1 client for its upstream nodes: one request per connection, response head parsed
 * here, body delivered as the socket's own read buffers.
 *
 * Why not node:http: its client parser copies every body piece into a new Buffer (`Buffer::Copy` in
 * `Parser::on_body`, src/node_http_parser.cc), after the socket already read it into a new 64 KiB buffer
 * of its own. A gateway forwarding 256 MiB did two allocations and one copy per 64 KiB, and its CPU
 * profile was about one third in that copy and the garbage collector (bench/gateway.ts, 2026-11-25). Here
 * the socket reads into buffers of a small pool (`net.connect`'s `onread`, no 'data' events), each body
 * piece is a view of one of them, and the consumer gives it back once written (`release`): no copy, and
 * the same few buffers are reused. undici was measured too: it copies each read into its WebAssembly
 * parser's memory and spent about as much CPU as node:http.
 *
 * Parsing is strict, as llhttp's: status line `HTTP/1.x NNN`, header names as tokens, no control
 * characters in values, no obs-fold, at most 16 KiB of head (node:http's default), one Content-Length
 * value, Transfer-Encoding only as `chunked` and never with Content-Length, 1xx heads skipped.
 * Framing (RFC 9112 §6.3): no body for HEAD, 1xx, 204 and 304; chunked; Content-Length; otherwise until
 * the connection closes. Every request says `Connection: close`: no pool of idle connections to keep
 * sound (a connect on the nodes' network costs well under a millisecond next to a streamed body).
 */
import { connect, type Socket } from 'node:net';

/**
 * Size of one socket read. libuv's default is 64 KiB; 256 KiB means fewer reads and fewer writes to the
 * client for the same bytes: measured 0.78x → 0.95x of a direct download (256 MiB on loopback, 4
 * interleaved rounds, 2026-11-25); 512 KiB was not clearly better.
 */
const READ_BYTES = 256 * 1024;
/** Free buffers kept for reuse (4 MiB); more are allocated when needed and left to the GC. */
const POOL_MAX = 16;
const MAX_HEAD_BYTES = 16 * 1024;

const pool: Buffer[] = [];
function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(READ_BYTES);
}
function giveBack(buf: Buffer) {
  if (pool.length < POOL_MAX) pool.push(buf);
}
const noop = () => undefined;

export interface UpstreamRequest {
  /** `http://host:port` */
  origin: string;
  method: 'GET' | 'HEAD';
  /** Already validated and percent-encoded. */
  path: string;
  headers: Record<string, string>;
  headersTimeoutMs: number;
}

export interface BodySink {
  /**
   * One piece of the body. `release` hands its memory back for reuse: call it once the piece is no longer
   * needed (written to the client's socket), or never (the GC takes it then).
   */
  data(chunk: Buffer, release: () => void): void;
  /** The body ended: `complete` when every byte its framing announced arrived, false on a reset or error. */
  end(complete: boolean): void;
}

/** Thrown when the head is not valid HTTP/1.1 (the request fails like a reset one). */
export class UpstreamProtocolError extends Error {
  readonly code = 'HPE_INVALID';
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, obs-text, space and tab (RFC 9110 §5.5), as llhttp accepts them.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/;

interface Head {
  status: number;
  headers: Record<string, string>;
}

/** Parses one response head (without its final CRLF CRLF); throws UpstreamProtocolError. */
export function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const m = STATUS_LINE.exec(lines[0] ?? '');
  if (!m) throw new UpstreamProtocolError('invalid status line');
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UpstreamProtocolError('invalid header line');
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new UpstreamProtocolError('invalid header name');
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
    if (!FIELD_VALUE.test(value)) throw new UpstreamProtocolError('invalid header value');
    const key = name.toLowerCase();
    const prev = headers[key];
    // Repeated fields are joined as node:http joins them (RFC 9110 §5.3).
    headers[key] = prev === undefined ? value : `${prev}, ${value}`;
  }
  return { status: Number(m[1]), headers };
}

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

function framingOf(method: string, head: Head): Framing {
  const s = head.status;
  if (method === 'HEAD' || s === 204 || s === 304 || (s >= 100 && s < 200)) return { kind: 'none' };
  const te = head.headers['transfer-encoding'];
  const cl = head.headers['content-length'];
  if (te !== undefined) {
    if (cl !== undefined) throw new UpstreamProtocolError('both Transfer-Encoding and Content-Length');
    if (te.toLowerCase() !== 'chunked') throw new UpstreamProtocolError('unsupported Transfer-Encoding');
    return { kind: 'chunked' };
  }
  if (cl !== undefined) {
    const values = new Set(cl.split(',').map((v) => v.trim()));
    const [only] = values;
    if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only))
      throw new UpstreamProtocolError('invalid Content-Length');
    return { kind: 'length', left: Number(only) };
  }
  return { kind: 'close' };
}

/**
 * Decodes a chunked body (RFC 9112 §7.1); pieces are copied, as this is only met on small answers
 * (error bodies of other servers: our nodes always send Content-Length).
 */
class ChunkedDecoder {
  private state: 'size' | 'data' | 'data-crlf' | 'trailers' | 'done' = 'size';
  private line = '';
  private left = 0;

  /** Feeds bytes; calls `out` with each piece of data; returns true when the body's end was read. */
  feed(buf: Buffer, out: (piece: Buffer) => void): boolean {
    let i = 0;
    while (i < buf.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.left, buf.length - i);
        out(Buffer.from(buf.subarray(i, i + n)));
        i += n;
        this.left -= n;
        if (this.left === 0) this.state = 'data-crlf';
        continue;
      }
      // Line-based states: size line, CRLF after data, trailer lines.
      const nl = buf.indexOf(10, i);
      const end = nl < 0 ? buf.length : nl + 1;
      this.line += buf.toString('latin1', i, end);
      i = end;
      if (this.line.length > MAX_HEAD_BYTES) throw new UpstreamProtocolError('chunk line too long');
      if (nl < 0) break;
      if (!this.line.endsWith('\r\n')) throw new UpstreamProtocolError('bare LF in chunked body');
      const line = this.line.slice(0, -2);
      this.line = '';
      if (this.state === 'data-crlf') {
        if (line !== '') throw new UpstreamProtocolError('missing CRLF after chunk');
        this.state = 'size';
      } else if (this.state === 'size') {
        const m = /^([0-9A-Fa-f]{1,12})(?:[\t ]*;[\t\x20-\x7e]*)?$/.exec(line);
        if (!m) throw new UpstreamProtocolError('invalid chunk size');
        this.left = Number.parseInt(m[1] as string, 16);
        this.state = this.left === 0 ? 'trailers' : 'data';
      } else if (line === '') this.state = 'done';
    }
    return this.state === 'done';
  }
}

/** A response whose head arrived; its body is delivered once `read` is called. */
export interface UpstreamResponse {
  readonly statusCode: number;
  /** Lowercased names; repeated fields joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Starts the body. The sink's `end` is called exactly once (also after `destroy`, with false). */
  read(sink: BodySink): void;
  /** Stops reading from the node (its socket buffer fills and TCP slows it down). */
  pause(): void;
  resume(): void;
  /** Reads and drops the body, then closes the connection. */
  discard(): void;
  /** Closes the connection now. */
  destroy(): void;
}

/** Connections opened by one gateway, so that closing it closes them (as `Agent.destroy()` did). */
export interface UpstreamClient {
  request(r: UpstreamRequest): Promise<UpstreamResponse>;
  close(): void;
}

export function createUpstreamClient(): UpstreamClient {
  const live = new Set<Socket>();
  return {
    request: (r) => openUpstream(r, live),
    close() {
      for (const s of live) s.destroy();
      live.clear();
    },
  };
}

function requestHead(r: UpstreamRequest, host: string): string {
  let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`;
  for (const [k, v] of Object.entries(r.headers)) {
    // The values come from the client's request (already checked by node:http's parser) or are ours;
    // this check keeps a CR or LF from ever splitting a line here.
    if (!TOKEN.test(k) || !FIELD_VALUE.test(v)) throw new UpstreamProtocolError(`invalid header ${k}`);
    head += `${k}: ${v}\r\n`;
  }
  return `${head}\r\n`;
}

function openUpstream(r: UpstreamRequest, live: Set<Socket>): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(r.origin);
    if (url.protocol !== 'http:') {
      reject(new UpstreamProtocolError(`unsupported origin ${r.origin}`));
      return;
    }
    let head: string;
    try {
      head = requestHead(r, url.host);
    } catch (err) {
      reject(err);
      return;
    }
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;

    // Bytes of the head read so far; the body state once the head is parsed.
    let headBytes: Buffer[] = [];
    let headLength = 0;
    let parsed: Head | undefined;
    let framing: Framing = { kind: 'none' };
    let chunked: ChunkedDecoder | undefined;
    let sink: BodySink | undefined;
    /** Body pieces that arrived before `read` was called. */
    const early: Array<[Buffer, () => void]> = [];
    let ended: boolean | undefined; // the body's `complete`, once known
    let discarding = false;

    const socket = connect({
      host: hostname,
      port: Number(url.port || 80),
      noDelay: true,
      onread: { buffer: takeBuffer, callback: onRead },
    });
    live.add(socket);
    const timer = setTimeout(() => {
      fail(Object.assign(new Error('no response headers in time'), { code: 'ETIMEDOUT' }));
    }, r.headersTimeoutMs);

    function fail(err: Error) {
      clearTimeout(timer);
      if (parsed === undefined) {
        socket.destroy();
        reject(err);
      } else finishBody(false);
    }

    function finishBody(complete: boolean) {
      if (ended !== undefined) return;
      ended = complete;
      socket.destroy();
      if (sink) sink.end(complete);
    }

    function deliver(chunk: Buffer, release: () => void) {
      if (chunk.length === 0) {
        release();
        return;
      }
      if (discarding) release();
      else if (sink) sink.data(chunk, release);
      else early.push([chunk, release]);
    }

    function onBody(buf: Buffer, owner: Buffer | undefined) {
      let done = false;
      const release = owner === undefined ? noop : oneShot(owner);
      if (framing.kind === 'length') {
        const n = Math.min(framing.left, buf.length);
        framing.left -= n;
        done = framing.left === 0;
        deliver(n === buf.length ? buf : buf.subarray(0, n), release);
      } else if (framing.kind === 'chunked') {
        done = (chunked as ChunkedDecoder).feed(buf, (piece) => deliver(piece, noop));
        release();
      } else if (framing.kind === 'close') {
        deliver(buf, release);
      } else {
        release();
        done = true;
      }
      if (done) finishBody(true);
    }

    /** Returns false to stop reading (the socket pauses, as when `callback` returns false). */
    function onRead(n: number, buf: Buffer): boolean {
      const bytes = buf.subarray(0, n);
      if (ended !== undefined) {
        giveBack(buf);
        return false;
      }
      if (parsed !== undefined) {
        try {
          onBody(bytes, buf);
        } catch {
          finishBody(false);
        }
        // Until someone reads the body, reading stops (`read` resumes it): nothing piles up unread.
        return ended === undefined && sink !== undefined;
      }
      // Still in the head: it is copied (heads are small) and the buffer goes back at once.
      headBytes.push(Buffer.from(bytes));
      headLength += n;
      giveBack(buf);
      try {
        for (;;) {
          const all = headBytes.length === 1 ? (headBytes[0] as Buffer) : Buffer.concat(headBytes);
          headBytes = [all];
          const end = all.indexOf('\r\n\r\n');
          if (end < 0) {
            if (headLength > MAX_HEAD_BYTES) throw new UpstreamProtocolError('response head too large');
            return true;
          }
          if (end > MAX_HEAD_BYTES) throw new UpstreamProtocolError('response head too large');
          const h = parseHead(all.toString('latin1', 0, end));
          const rest = all.subarray(end + 4);
          if (h.status >= 100 && h.status < 200) {
            if (h.status === 101) throw new UpstreamProtocolError('unexpected 101');
            // An interim answer (100, 103): the real one follows.
            headBytes = [rest];
            headLength = rest.length;
            continue;
          }
          framing = framingOf(r.method, h);
          if (framing.kind === 'chunked') chunked = new ChunkedDecoder();
          parsed = h;
          headBytes = [];
          clearTimeout(timer);
          resolve(response(h));
          if (rest.length > 0 || framing.kind === 'none' || (framing.kind === 'length' && framing.left === 0))
            onBody(rest, undefined);
          return ended === undefined && sink !== undefined;
        }
      } catch (err) {
        fail(err as Error);
        return false;
      }
    }

    socket.on('error', (err) => fail(err));
    socket.on('close', () => {
      live.delete(socket);
      clearTimeout(timer);
      if (parsed === undefined) {
        reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        return;
      }
      // Without a length, the close is the end (RFC 9112 §6.3, item 8).
      finishBody(framing.kind === 'close');
    });
    // In `onread` mode the stream must flow for 'end' and 'close' to be seen.
    socket.resume();
    socket.write(head);

    function response(h: Head): UpstreamResponse {
      return {
        statusCode: h.status,
        headers: h.headers,
        read(s) {
          sink = s;
          for (const [chunk, release] of early.splice(0)) s.data(chunk, release);
          if (ended !== undefined) s.end(ended);
          else socket.resume();
        },
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        discard() {
          discarding = true;
          for (const [, release] of early.splice(0)) release();
          sink = { data: (_c, release) => release(), end: noop };
          socket.resume();
        },
        destroy: () => finishBody(false),
      };
    }
  });
}

function oneShot(buf: Buffer): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    giveBack(buf);
  };
}
