/**
 * Read buffers reused across responses. Each read used to get a new buffer (64 KiB for a range, 512 KiB
 * per piece of a large body); the garbage collector freed them only later, and with the external memory
 * they hold it ran more often. A buffer comes back here once the socket has taken its bytes (the
 * write's callback), and is handed out again.
 *
 * Only buffers this pool allocated are ever taken back (checked by their memory, not their size), so a
 * buffer that belongs to someone else (a cached small file, a multipart header) can never be reused by
 * mistake. A buffer that never comes back (its response failed) is simply left to the GC.
 */
export class BufferPool {
  readonly #free: Buffer[] = [];
  readonly #ours = new WeakSet<ArrayBufferLike>();

  /**
   * @param size bytes of each buffer
   * @param maxFree buffers kept while unused; the pool's memory when idle is at most size × maxFree
   */
  constructor(
    readonly size: number,
    readonly maxFree: number,
  ) {}

  take(): Buffer {
    const b = this.#free.pop();
    if (b !== undefined) return b;
    const fresh = Buffer.allocUnsafeSlow(this.size);
    this.#ours.add(fresh.buffer);
    return fresh;
  }

  /** Gives back a buffer from `take`, or any view of one; anything else is ignored. Once per `take`. */
  give(view: Buffer): void {
    const memory = view.buffer;
    if (!this.#ours.has(memory) || this.#free.length >= this.maxFree) return;
    this.#free.push(
      view.byteOffset === 0 && view.length === this.size ? view : Buffer.from(memory, 0, this.size),
    );
  }
}

const pools = new Map<number, BufferPool>();

/** The shared pool for buffers of `size` bytes; idle memory kept: about 4 MiB per size. */
export function poolOf(size: number): BufferPool {
  let p = pools.get(size);
  if (p === undefined) {
    p = new BufferPool(size, Math.max(2, Math.floor((4 * 1024 * 1024) / size)));
    pools.set(size, p);
  }
  return p;
}
