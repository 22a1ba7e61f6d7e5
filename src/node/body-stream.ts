/**
 * A response body as a stream of pieces (bytes in memory, or a slice of an open file read with
 * positional reads), which asks the node's faults before each piece. This is where `bandwidth` and
 * `reset` act, also on a response that was already running when they were set: a pipe cannot take a
 * new stage in the middle, but a source that asks before every read can.
 *
 * With no body fault the only cost is a check of `bodyStages.length` per piece (1 MiB): no state, no
 * timer. With one, the fault chain says send (up to n bytes), wait (a timer, which a change of the
 * faults ends early), or cut: the stream ends there and sets `cut`, and the writer closes the
 * connection once those bytes are out.
 *
 * The descriptor is never closed here: it belongs to the open-file cache. (Node's fs.ReadStream closes
 * its fd when destroyed, even with `autoClose: false`.)
 */
import { read as fsRead } from 'node:fs';
import { Readable } from 'node:stream';
import type { BodyFaults, BodyStates } from '../faults/fault-chain.js';
import type { BufferPool } from './buffer-pool.js';

/** Bytes start..end (inclusive) of an open file. */
export interface FileSlice {
  fd: number;
  start: number;
  end: number;
}

export type Piece = Buffer | FileSlice;

export class BodyStream extends Readable {
  /** The body was cut on purpose (a `reset` fault): the connection must close after what was sent. */
  cut = false;
  /** Body bytes handed on so far. */
  sentBytes = 0;
  readonly #pieces: readonly Piece[];
  readonly #chunkBytes: number;
  readonly #faults: BodyFaults | undefined;
  #index = 0;
  /** Bytes of the current piece already handed on. */
  #offset = 0;
  #states: BodyStates | undefined;
  #cancelWait: (() => void) | undefined;
  readonly #pool: BufferPool | undefined;

  /**
   * @param pool where file reads get their buffers (of `chunkBytes`); the consumer gives each chunk back
   *   to it once written. Without one, every read gets a new buffer.
   */
  constructor(
    pieces: readonly Piece[],
    chunkBytes: number,
    faults: BodyFaults | undefined,
    pool?: BufferPool,
  ) {
    super({ highWaterMark: chunkBytes });
    this.#pieces = pieces;
    this.#chunkBytes = chunkBytes;
    this.#faults = faults;
    this.#pool = pool !== undefined && pool.size === chunkBytes ? pool : undefined;
  }

  override _read(): void {
    const faults = this.#faults;
    if (faults === undefined || faults.bodyStages.length === 0) {
      this.#next(this.#chunkBytes);
      return;
    }
    this.#states ??= new Map();
    const step = faults.bodyStep(this.#states, this.sentBytes);
    if (step.kind === 'send') {
      this.#next(Math.min(this.#chunkBytes, step.maxBytes));
    } else if (step.kind === 'wait') {
      this.#cancelWait = faults.wait(step.ms, () => {
        this.#cancelWait = undefined;
        if (!this.destroyed) this._read();
      });
    } else {
      this.cut = true;
      this.push(null);
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#cancelWait?.();
    this.#cancelWait = undefined;
    callback(err);
  }

  /** Hands on up to `maxBytes` of the current piece (at least 1, so that a body always progresses). */
  #next(maxBytes: number): void {
    let piece = this.#pieces[this.#index];
    // An empty push would read as "nothing yet" rather than as a piece done.
    while (Buffer.isBuffer(piece) && piece.length === 0) piece = this.#pieces[++this.#index];
    if (piece === undefined) {
      this.push(null);
      return;
    }
    if (Buffer.isBuffer(piece)) {
      const n = Math.min(piece.length - this.#offset, Math.max(1, maxBytes));
      const data =
        this.#offset === 0 && n === piece.length ? piece : piece.subarray(this.#offset, this.#offset + n);
      this.#advance(n, piece.length);
      this.push(data);
      return;
    }
    const length = piece.end - piece.start + 1;
    const n = Math.min(length - this.#offset, Math.max(1, maxBytes));
    const buf = this.#pool?.take() ?? Buffer.allocUnsafeSlow(n);
    fsRead(piece.fd, buf, 0, n, piece.start + this.#offset, (err, bytesRead) => {
      const fail = (e: Error) => {
        this.#pool?.give(buf);
        this.destroy(e);
      };
      if (this.destroyed) {
        this.#pool?.give(buf);
        return;
      }
      if (err) {
        fail(err);
        return;
      }
      if (bytesRead === 0) {
        fail(new Error('file shrank while being read'));
        return;
      }
      this.#advance(bytesRead, length);
      this.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    });
  }

  #advance(n: number, pieceLength: number): void {
    this.sentBytes += n;
    this.#offset += n;
    if (this.#offset >= pieceLength) {
      this.#index++;
      this.#offset = 0;
    }
  }
}
