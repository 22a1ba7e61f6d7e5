/**
 * Scrub: the node re-reads every file it holds, hashes it, and compares with the manifest's sha256.
 * A copy whose bytes no longer match (bit rot, a bad disk, a stray write that kept size and time) is
 * moved to `.dsm/quarantine/`, stops being served and listed, and anti-entropy fetches the same version
 * again from a healthy peer (`onLost`). A file gone from disk is forgotten and fetched again the same way.
 *
 * - One file at a time, read at most `mbps` MB/s (`paceDelayMs`), so that streaming does not suffer.
 * - A pass runs `intervalMs` after the previous one ended (0: no periodic pass). `checkSoon(name)`
 *   puts one file ahead of the pass, also when passes are off: a peer that pulled a copy which did not
 *   hash to what this node claims asks for that (`POST /_dsm/scrub/<name>`).
 * - A file whose size or modification time differs from the manifest was edited or replaced by hand:
 *   the background hasher gives it a new version, the scrub leaves it alone. So bit rot is what changes
 *   bytes and nothing else, which is why a test of this changes one byte and puts the mtime back.
 *
 * Client GETs are not hashed on the way, although a full read "counts too": hashing costs about 5 ms of
 * the event loop per MiB on this machine (~200 MiB/s, measured with node:crypto), which would halve the
 * throughput of a node that streams from the page cache. The full reads that are hashed anyway are the
 * peers' pulls, and a mismatch there does count: the puller reports it and this node checks at once.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULTS } from '../shared/defaults.js';
import { formatBytes } from '../shared/format.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from '../shared/random.js';
import type { FileStore } from './file-store.js';

const MiB = 1024 * 1024;

/**
 * How long to wait after reading `bytes` in `elapsedMs` so that the average stays at `bytesPerMs`.
 *
 * | bytes   | elapsedMs | bytesPerMs (50 MB/s ≈ 52429) | wait     |
 * |---------|-----------|------------------------------|----------|
 * | 1 MiB   | 5         | 52429                        | 15 ms    |
 * | 1 MiB   | 30        | 52429                        | 0 (slower than the limit already) |
 * | 10 MiB  | 100       | 52429                        | 100 ms   |
 * | 0       | 0         | any                          | 0        |
 */
export function paceDelayMs(bytes: number, elapsedMs: number, bytesPerMs: number): number {
  return Math.max(0, bytes / bytesPerMs - elapsedMs);
}

export type ScrubOutcome = 'ok' | 'corrupt' | 'missing' | 'changed' | 'stopped';

export interface ScrubberOptions {
  store: FileStore;
  log: Logger;
  clock: Clock;
  /** Pause between passes, ms; 0 = no periodic pass. */
  intervalMs: number;
  /** Read rate limit, MB/s (MiB). */
  mbps: number;
  /** A copy was quarantined or is gone: fetch it again (anti-entropy's `syncAll`). */
  onLost: (name: string) => void;
}

export class Scrubber {
  private timer: NodeJS.Timeout | undefined;
  private readonly urgent = new Set<string>();
  private passDue = false;
  private running: Promise<void> | undefined;
  private readonly stopper = new AbortController();

  constructor(private readonly o: ScrubberOptions) {}

  start(): void {
    if (this.o.intervalMs > 0) this.schedulePass();
  }

  /** Checks `name` before anything else; false when this node holds no such file. */
  checkSoon(name: string): boolean {
    if (this.stopper.signal.aborted || !this.o.store.manifest.get(name)) return false;
    this.urgent.add(name);
    this.kick();
    return true;
  }

  async close(): Promise<void> {
    this.stopper.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private schedulePass(): void {
    if (this.stopper.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.passDue = true;
      this.kick();
    }, this.o.intervalMs);
    this.timer.unref();
  }

  private kick(): void {
    this.running ??= this.work()
      .catch((err: Error) => this.o.log.warn(`scrub: ${err.message}`))
      .finally(() => {
        this.running = undefined;
        if (!this.stopper.signal.aborted && (this.urgent.size > 0 || this.passDue)) this.kick();
      });
  }

  private async work(): Promise<void> {
    await this.drainUrgent();
    if (!this.passDue) return;
    this.passDue = false;
    const found: string[] = [];
    let bytes = 0;
    for (const name of this.o.store.manifest.names()) {
      if (this.stopper.signal.aborted) return;
      await this.drainUrgent();
      bytes += this.o.store.manifest.get(name)?.size ?? 0;
      const outcome = await this.check(name);
      if (outcome === 'corrupt' || outcome === 'missing') found.push(`${name} (${outcome})`);
    }
    if (found.length > 0) {
      this.o.log.info(`scrub pass done: ${formatBytes(bytes)} checked; found ${found.join(', ')}`);
    }
    this.schedulePass();
  }

  private async drainUrgent(): Promise<void> {
    for (const name of this.urgent) {
      this.urgent.delete(name);
      await this.check(name);
    }
  }

  /** Re-hashes one file and deals with what it finds. */
  async check(name: string): Promise<ScrubOutcome> {
    const { store, log } = this.o;
    const entry = store.manifest.get(name);
    if (!entry) return 'changed';
    const path = store.localPath(name);
    const before = await stat(path).catch(() => undefined);
    if (!before) {
      if (!(await store.forgetIfGone(name))) return 'changed';
      log.warn(`${name} v${entry.version} is gone from disk: fetching it again`, {
        event: 'missing',
        name,
        version: entry.version,
      });
      this.o.onLost(name);
      return 'missing';
    }
    if (!before.isFile() || before.size !== entry.size || before.mtimeMs !== entry.mtimeMs) return 'changed';
    let sha256: string;
    try {
      sha256 = await this.hash(path);
    } catch (err) {
      if (this.stopper.signal.aborted) return 'stopped';
      throw err;
    }
    const after = await stat(path).catch(() => undefined);
    if (after?.size !== entry.size || after.mtimeMs !== entry.mtimeMs) return 'changed';
    if (sha256 === entry.sha256) return 'ok';
    const moved = await store.quarantine(name, entry, sha256);
    if (!moved) return 'changed';
    const got = `sha256 ${sha256.slice(0, 12)}…`;
    const want = `${entry.sha256.slice(0, 12)}…`;
    log.warn(
      {
        en: `found ${name} v${entry.version} corrupt (${got}, expected ${want}), quarantined`,
        'pt-BR': `${name} v${entry.version} está corrompido (${got}, esperado ${want}), posto em quarentena`,
      },
      { event: 'corrupt', name, version: entry.version, sha256, expected: entry.sha256, quarantine: moved },
    );
    this.o.onLost(name);
    return 'corrupt';
  }

  private async hash(path: string): Promise<string> {
    const signal = this.stopper.signal;
    const bytesPerMs = (this.o.mbps * MiB) / 1000;
    const hash = createHash('sha256');
    const started = this.o.clock.now();
    let bytes = 0;
    for await (const chunk of createReadStream(path, {
      highWaterMark: DEFAULTS.bulkReadChunkBytes,
      signal,
    })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      const wait = paceDelayMs(bytes, this.o.clock.now() - started, bytesPerMs);
      if (wait >= 1) await sleep(wait, undefined, { signal });
    }
    return hash.digest('hex');
  }
}
