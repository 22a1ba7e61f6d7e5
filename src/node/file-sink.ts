/**
 * Where an upload's bytes go: a Writable that writes each piece of the body into an open temp file in
 * writes of at most `writeBytes` (64 KiB by default), synchronously, and fsyncs the file at the end.
 *
 *   socket ─► HTTP parser ─► hash/limits (file-store.ts) ─► FileSink ─► temp file ─► fsync ─► rename
 *
 * Why not `fs.createWriteStream`: it gathers what waits into one `writev` (up to 1 MiB here), and on
 * this VM a large write into the page cache costs several times the CPU of small ones, because the kernel
 * gives a large write large page-cache folios, taken from the free memory the hypervisor has reclaimed
 * (virtio free page reporting) and must fault in again. Measured with `dd` of 1 GiB into a new file,
 * 10 s after the last delete (2026-11-25): 64 KiB writes 0.54 s of system time, 128 KiB 1.06 s, 256 KiB
 * 2.53 s, 1 MiB 3.2–3.9 s.
 *
 * Why synchronous: with one thread-pool round trip per 64 KiB write, the hand-offs cost more user CPU
 * than the smaller writes saved (1 GiB to 3 nodes, 2 alternating pairs: node CPU 6.0–6.4 s vs 5.6–6.4 s
 * with 1 MiB writev). A 64 KiB copy into the page cache takes tens of µs, and nginx writes a request
 * body to its temp file the same way (a blocking write in the worker, unless `aio threads` is set). With
 * sync writes: 1 GiB to 3 nodes in 8.1 and 9.3 s against 10.0 and 12.0 s, node CPU 4.2–4.9 s vs 5.6–6.4.
 *
 * `datasyncEveryBytes`: an fdatasync in the background (thread pool) every so many bytes, so that the
 * disk writes overlap the receiving and the final fsync has little left (DEFAULTS.uploadSyncEveryBytes).
 * One at a time; a failure there shows again in the final fsync.
 *
 * What this costs: the event loop waits for each write. A write can also wait on the file system's
 * journal while a background fdatasync runs, so writes go to the thread pool for as long as one runs.
 * /health answers of a node taking 1 GiB (3 nodes, 2 cores busy; 4 alternating pairs): p50 5–11 ms,
 * p99 56–62 ms, max 59–79 ms, against p50 13–17, p99 68–83, max 85–113 ms when every write was
 * synchronous (same replication time and CPU within noise), and p50 6, p99 30 ms with the old
 * asynchronous 1 MiB writes. Without the periodic fdatasync at all they were 3–6 and 58–69 ms, but the
 * replication took about 20% longer against tee + sync (2 bench runs: the final fsyncs then write
 * everything at the end), so it stays.
 *
 * The sink does not close the file: its owner does, whatever happened (file-store.ts `put`); syncs go
 * through the FileHandle, whose close() waits for one still running.
 */
import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export interface FileSinkOptions {
  /** Largest single write, bytes. */
  writeBytes: number;
  /** Background fdatasync every this many bytes; 0: only the final fsync. */
  datasyncEveryBytes: number;
}

export class FileSink extends Writable {
  /** Bytes written so far (the next write's position). */
  written = 0;
  #syncedAt = 0;
  #syncing = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly opts: FileSinkOptions,
  ) {
    super({ highWaterMark: 1024 * 1024, decodeStrings: true });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.#syncing) {
      // While an fdatasync runs, a write can wait on the file system's journal: let a pool thread wait.
      this.#writeAsync(chunk).then(() => {
        this.#maybeDatasync();
        cb();
      }, cb);
      return;
    }
    try {
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(this.opts.writeBytes, chunk.length - at);
        // Positional: the temp file is ours alone, and a short write just goes on from where it stopped.
        const wrote = writeSync(this.handle.fd, chunk, at, n, this.written);
        at += wrote;
        this.written += wrote;
      }
    } catch (err) {
      cb(err as Error);
      return;
    }
    this.#maybeDatasync();
    cb();
  }

  async #writeAsync(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(this.opts.writeBytes, chunk.length - at);
      const { bytesWritten } = await this.handle.write(chunk, at, n, this.written);
      at += bytesWritten;
      this.written += bytesWritten;
    }
  }

  /** Durable before it becomes visible: after a power cut the name holds the old or the new bytes. */
  override _final(cb: (err?: Error | null) => void): void {
    this.handle.sync().then(() => cb(), cb);
  }

  #maybeDatasync(): void {
    const every = this.opts.datasyncEveryBytes;
    if (every <= 0 || this.#syncing || this.written - this.#syncedAt < every) return;
    this.#syncedAt = this.written;
    this.#syncing = true;
    const done = () => {
      this.#syncing = false;
    };
    this.handle.datasync().then(done, done);
  }
}
