/**
 * Streaming uploads to one node: `PUT /<name>` with a chunked body whose SHA-256 travels in a
 * `Repr-Digest` trailer (RFC 9530 §3, RFC 9112 §7.1.2), so a file is read once and hashed on the
 * way while it is sent; the node checks the digest before it makes the file visible.
 *
 * node:http rather than undici here: undici cannot send request trailers, and the trailer is what
 * lets one read of the file feed N uploads and their verification at once.
 */
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { fileUrl } from './node-url.js';

export interface UploadTarget {
  node: string;
  /** `http://host:port` */
  base: string;
}

export interface UploadAnswer {
  status: number;
  /** Parsed JSON body: `{ name, size, sha256, version, result }` or `{ error: { code, message } }`. */
  body: Record<string, unknown>;
}

/**
 * An upload in progress: write chunks with back-pressure, then `finish(digest)`. `answer` settles
 * when the node has answered (possibly early, e.g. 401 or 409 before the body is done).
 */
export class Upload {
  readonly req: ClientRequest;
  readonly answer: Promise<UploadAnswer>;
  /** Resolves when the node wants the body (100 Continue), or has already answered or failed. */
  readonly ready: Promise<void>;
  private failed: Error | undefined;

  constructor(
    readonly target: UploadTarget,
    name: string,
    opts: { token: string; version: number; size: number },
  ) {
    this.req = request(fileUrl(target.base, name), {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${opts.token}`,
        'X-Dsm-Version': String(opts.version),
        // The total size, so the node can refuse a file over its limit before any byte is sent
        // (the field of draft-ietf-httpbis-resumable-upload; Content-Length is not allowed with chunked).
        'Upload-Length': String(opts.size),
        'Transfer-Encoding': 'chunked',
        Trailer: 'Repr-Digest',
        // Let the node refuse (401, 409, 413…) before any byte of body is sent (RFC 9110 §10.1.1).
        Expect: '100-continue',
      },
    });
    this.ready = new Promise<void>((resolve) => {
      this.req.once('continue', () => resolve());
      // A node that does not answer 100 at all: send anyway after a while, as the RFC advises.
      setTimeout(resolve, 1000).unref();
      this.req.once('response', () => resolve());
      this.req.once('error', () => resolve());
    });
    this.req.setNoDelay(true);
    this.answer = new Promise<UploadAnswer>((resolve, reject) => {
      this.req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // Not JSON: keep the status only.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      });
      this.req.on('error', (err) => {
        this.failed = err;
        reject(err);
      });
    });
    // Observed through `answer`; avoid an unhandled rejection if nobody awaits it yet.
    this.answer.catch(() => undefined);
  }

  get error(): Error | undefined {
    return this.failed;
  }

  /** True while the request can still take bytes. */
  get writable(): boolean {
    return !this.failed && !this.req.destroyed && this.req.writable;
  }

  /**
   * Writes a chunk; resolves once the socket has taken it (handed to the kernel), so that the caller
   * may reuse the buffer; rejects if the upload fails or closes first.
   */
  write(chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const onGone = () => {
        cleanup();
        reject(this.failed ?? new Error('the upload was closed'));
      };
      const cleanup = () => {
        this.req.off('close', onGone);
        this.req.off('error', onGone);
      };
      this.req.on('close', onGone);
      this.req.on('error', onGone);
      this.req.write(chunk, (err) => {
        cleanup();
        if (err) reject(this.failed ?? err);
        else resolve();
      });
    });
  }

  finish(reprDigestValue: string): void {
    this.req.addTrailers({ 'Repr-Digest': reprDigestValue });
    this.req.end();
  }

  abort(reason: Error): void {
    this.failed ??= reason;
    this.req.destroy(reason);
  }
}
