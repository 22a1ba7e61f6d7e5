/**
 * Anti-entropy: a node compares its manifest with each peer's and pulls what it lacks, so that a node
 * that missed writes (down, partitioned, or skipped by `--min-copies`) catches up by itself.
 *
 *   every period, per peer:   GET /_dsm/manifest/digest ──same──► done (one small request)
 *                                        │ differs
 *                                        ▼
 *                             GET /_dsm/manifest ─► planSync (pure) ─► delete (apply newer tombstones)
 *                                                                   └► pull: GET /<name> If-Match
 *                                                                        ─► store.put (verified, atomic)
 *                             then: tombstones every node has seen are purged (tombstone-purge.ts)
 *
 * - A node pulls, never pushes: each side fixes itself in its own round, so no node writes to another.
 * - "At once", not "at the next scan": a round runs when the node starts, when a peer that was
 *   unreachable answers again (retried every `retryMs`, or sooner: its own start-up round reaches us
 *   with `X-Dsm-Node`, see `peerSeen`), and when the scrub quarantines a copy (`syncAll`).
 * - Pulls go through the same path as a PUT (`FileStore.put`): streamed to a temp file, hashed and
 *   checked against the peer's sha256 and size, fsynced, renamed. A copy that does not hash to what its
 *   node claims is refused, and that node is asked to check its copy (`reportCorrupt`).
 * - At most `maxPulls` files are pulled at a time over all peers, and one name never from two peers at
 *   once; a version already being written here (a PUT under way) is not pulled.
 */
import { type DsmError, isDsmError } from '../shared/errors.js';
import { formatBytes } from '../shared/format.js';
import type { Logger } from '../shared/logger.js';
import type { ManifestEntry } from '../shared/manifest-digest.js';
import type { Clock, Rng } from '../shared/random.js';
import type { FileStore } from './file-store.js';
import type { Peer, PeerTransport } from './peer-client.js';
import { decide, type LocalState, planSync, type SyncAction } from './sync-plan.js';
import { type PeerView, purgeable } from './tombstone-purge.js';

export interface AntiEntropyOptions {
  nodeName: string;
  store: FileStore;
  peers: readonly Peer[];
  transport: PeerTransport;
  log: Logger;
  clock: Clock;
  /** Spreads each peer's period by ±10 %, so that rounds of different nodes do not fall in step. */
  rng: Rng;
  /** Period between two rounds with a peer that answers, ms (> 0). */
  intervalMs: number;
  /** Period between two attempts at an unreachable peer, ms. */
  retryMs: number;
  /** A digest or manifest request slower than this fails, ms; also the idle limit of a pull. */
  timeoutMs: number;
  /** Files pulled at the same time. */
  maxPulls: number;
  /** Largest file this node accepts (its upload limit). */
  maxBytes: number;
}

interface PeerState {
  peer: Peer;
  reach: 'unknown' | 'up' | 'down';
  view: PeerView;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** Another round was asked for while one was running. */
  again: boolean;
  /** It has answered at least once (so that "reachable again" is not said of a peer still starting). */
  answered: boolean;
}

/** What this node holds for `name`, for the plan. */
export function localState(store: FileStore, name: string): LocalState {
  const f = store.manifest.get(name);
  if (f) return { kind: 'file', version: f.version, sha256: f.sha256 };
  const t = store.manifest.tombstone(name);
  if (t) return { kind: 'tombstone', version: t.version };
  const q = store.manifest.quarantined(name);
  if (q) return { kind: 'quarantined', version: q.version };
  return { kind: 'none' };
}

/** What did not match in a refused pull: `sha256 52d2d1514c21…, expected 97f41b323a4e…` or the sizes. */
function mismatch(err: DsmError): string {
  const { expected, actual } = err.params;
  if (err.code === 'DSM_DIGEST_MISMATCH') {
    return `sha256 ${String(actual).slice(0, 12)}…, expected ${String(expected).slice(0, 12)}…`;
  }
  return `${actual} bytes, expected ${expected}`;
}

/** `45 ms`, `1.3 s` */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  if (e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED') return 'connection refused';
  if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError')
    return 'no answer in time';
  return e?.code ?? e?.message ?? String(err);
}

export class AntiEntropy {
  private readonly states = new Map<string, PeerState>();
  private readonly pulling = new Set<string>();
  private readonly stopper = new AbortController();
  /** Warnings given once per cause (a conflict, a file over the limit), not at every round. */
  private readonly warned = new Set<string>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly o: AntiEntropyOptions) {
    for (const peer of o.peers) {
      this.states.set(peer.name, {
        peer,
        reach: 'unknown',
        view: { kind: 'unknown' },
        timer: undefined,
        running: undefined,
        again: false,
        answered: false,
      });
    }
  }

  /** Starts the rounds: the first one with every peer as soon as the store's start-up scan is done. */
  start(): void {
    const names = [...this.states.keys()].join(', ');
    const every = (this.o.intervalMs / 1000).toFixed(1);
    this.o.log.info({
      en: `anti-entropy with ${names} every ${every} s; catching up now`,
      'pt-BR': `antientropia com ${names} a cada ${every} s; sincronizando agora`,
    });
    void this.o.store.idle().then(() => this.syncAll());
  }

  /** A round with every peer now (at start, and after the scrub quarantined a copy). */
  syncAll(): void {
    for (const s of this.states.values()) this.runSoon(s);
  }

  /** A peer contacted us: if we had given it up as unreachable, sync with it now. */
  peerSeen(name: string): void {
    const s = this.states.get(name);
    if (s && s.reach !== 'up') this.runSoon(s);
  }

  /** Stops the rounds and aborts the pulls under way (their temp files are removed by the store). */
  async close(): Promise<void> {
    this.stopped = true;
    this.stopper.abort();
    for (const s of this.states.values()) clearTimeout(s.timer);
    await Promise.all([...this.states.values()].map((s) => s.running));
    this.o.transport.close();
  }

  private runSoon(s: PeerState): void {
    if (this.stopped) return;
    clearTimeout(s.timer);
    s.timer = undefined;
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = this.round(s)
      .catch((err: Error) => this.o.log.warn(`anti-entropy with ${s.peer.name}: ${err.message}`))
      .finally(() => {
        s.running = undefined;
        if (this.stopped) return;
        if (s.again) {
          s.again = false;
          this.runSoon(s);
          return;
        }
        const base = s.reach === 'down' ? Math.min(this.o.retryMs, this.o.intervalMs) : this.o.intervalMs;
        const delay = s.reach === 'down' ? base : base * (0.9 + 0.2 * this.o.rng());
        s.timer = setTimeout(() => this.runSoon(s), delay);
        s.timer.unref();
      });
  }

  private signal(timeout: boolean): AbortSignal {
    return timeout
      ? AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.o.timeoutMs)])
      : this.stopper.signal;
  }

  private reachable(s: PeerState, ok: boolean, err?: unknown): void {
    const before = s.reach;
    const answeredBefore = s.answered;
    if (ok) s.answered = true;
    s.reach = ok ? 'up' : 'down';
    if (!ok) s.view = { kind: 'unknown' };
    if (this.stopped) return;
    if (!ok && before === 'up') {
      const why = describeError(err);
      const again = duration(Math.min(this.o.retryMs, this.o.intervalMs));
      this.o.log.warn(
        {
          en: `${s.peer.name} is unreachable (${why}): trying again every ${again}`,
          'pt-BR': `${s.peer.name} está inacessível (${why}): tentando de novo a cada ${again}`,
        },
        { event: 'peer-down', peer: s.peer.name },
      );
    } else if (ok && before === 'down' && answeredBefore) {
      this.o.log.info(
        {
          en: `${s.peer.name} is reachable again: syncing now`,
          'pt-BR': `${s.peer.name} está acessível de novo: sincronizando agora`,
        },
        {
          event: 'peer-up',
          peer: s.peer.name,
        },
      );
    }
  }

  private async round(s: PeerState): Promise<void> {
    const { store, transport } = this.o;
    const atWallMs = this.o.clock.wallMs();
    let theirs: string;
    try {
      theirs = await transport.digest(s.peer, this.signal(true));
    } catch (err) {
      this.reachable(s, false, err);
      return;
    }
    this.reachable(s, true);
    if (theirs === store.manifestDigest()) {
      s.view = { kind: 'same', atWallMs };
      await this.purge();
      return;
    }
    let entries: ManifestEntry[];
    let pending: number;
    try {
      ({ entries, pending } = await transport.manifest(s.peer, this.signal(true)));
    } catch (err) {
      this.reachable(s, false, err);
      return;
    }
    s.view = { kind: 'manifest', atWallMs, entries: new Map(entries.map((e) => [e.name, e])), pending };
    const actions = planSync({
      peer: entries,
      local: (name) => localState(store, name),
      writing: (name) => store.incomingVersion(name),
    });
    const pulls: Array<Promise<void>> = [];
    for (const a of actions) {
      if (this.stopped) break;
      if (a.kind === 'delete') await this.applyTombstone(a, s.peer);
      else if (a.kind === 'conflict') this.warnConflict(a, s.peer);
      else pulls.push(this.pull(a, s.peer));
    }
    await Promise.all(pulls);
    await this.purge();
  }

  private async applyTombstone(a: { name: string; version: number }, peer: Peer): Promise<void> {
    try {
      const { existed } = await this.o.store.remove(a.name, a.version, this.o.nodeName);
      const what = existed ? `deleted ${a.name}` : `recorded the deletion of ${a.name}`;
      this.o.log.info(`${what} v${a.version} (deleted on ${peer.name})`, {
        event: 'deleted',
        name: a.name,
        version: a.version,
        from: peer.name,
        existed,
      });
    } catch (err) {
      // A newer write or delete got here first: nothing to do.
      if (!isDsmError(err) || err.code !== 'DSM_STALE_VERSION') {
        this.o.log.warn(
          `cannot delete ${a.name} v${a.version} as ${peer.name} did: ${(err as Error).message}`,
        );
      }
    }
  }

  private warnConflict(a: Extract<SyncAction, { kind: 'conflict' }>, peer: Peer): void {
    const key = `conflict ${a.name} ${a.version} ${peer.name}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.log.warn(
      `${a.name} v${a.version} has other bytes on ${peer.name} (sha256 ${a.peerSha256.slice(0, 12)}…) than here ` +
        `(${a.localSha256.slice(0, 12)}…): left as is; write it again to settle it`,
      { event: 'conflict', name: a.name, version: a.version, peer: peer.name },
    );
  }

  private async slot(): Promise<() => void> {
    if (this.active >= this.o.maxPulls) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }

  private async pull(a: Extract<SyncAction, { kind: 'pull' }>, peer: Peer): Promise<void> {
    const { store, log, clock } = this.o;
    if (a.size > this.o.maxBytes) {
      const key = `too large ${a.name} ${a.version}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        log.warn(
          `cannot pull ${a.name} v${a.version} (${formatBytes(a.size)}): over this node's upload limit`,
        );
      }
      return;
    }
    const release = await this.slot();
    let mine = false;
    try {
      // Decided before waiting for a slot: check again (another peer may have delivered it meanwhile).
      const entry: ManifestEntry = { name: a.name, version: a.version, sha256: a.sha256, size: a.size };
      if (this.stopped || this.pulling.has(a.name)) return;
      if (decide(localState(store, a.name), entry, store.incomingVersion(a.name))?.kind !== 'pull') return;
      this.pulling.add(a.name);
      mine = true;
      const started = clock.now();
      const file = await this.o.transport.openFile(peer, a.name, a.sha256, this.stopper.signal);
      if (file.status !== 200) {
        // 412: the peer has another version by now; 404: it no longer has the file. The next round sees.
        file.body.resume();
        return;
      }
      await store.put(a.name, file.body, {
        version: a.version,
        expectedLength: a.size,
        expectedSha256: () => a.sha256,
        maxBytes: this.o.maxBytes,
        nodeName: this.o.nodeName,
      });
      const ms = clock.now() - started;
      const size = formatBytes(a.size);
      const took = duration(ms);
      log.info(
        {
          en: `repaired ${a.name} v${a.version} from ${peer.name} (${size} in ${took})`,
          'pt-BR': `reparado ${a.name} v${a.version} a partir de ${peer.name} (${size} em ${took})`,
        },
        {
          event: 'repaired',
          name: a.name,
          version: a.version,
          from: peer.name,
          bytes: a.size,
          ms: Math.round(ms),
        },
      );
    } catch (err) {
      if (this.stopped) return;
      if (isDsmError(err) && err.code === 'DSM_STALE_VERSION') return;
      if (isDsmError(err) && (err.code === 'DSM_DIGEST_MISMATCH' || err.code === 'DSM_LENGTH_MISMATCH')) {
        // A full read of the peer's copy did not match the hash it claims: its copy is corrupt.
        log.warn(
          `${peer.name}'s copy of ${a.name} v${a.version} is corrupt (${mismatch(err)}): asked it to check it`,
          {
            event: 'peer-corrupt',
            name: a.name,
            version: a.version,
            peer: peer.name,
          },
        );
        await this.o.transport.reportCorrupt(peer, a.name, this.signal(true)).catch(() => undefined);
        return;
      }
      log.warn(`cannot pull ${a.name} v${a.version} from ${peer.name}: ${describeError(err)}`);
    } finally {
      if (mine) this.pulling.delete(a.name);
      release();
    }
  }

  private async purge(): Promise<void> {
    const views = [...this.states.values()].map((s) => s.view);
    const tombs = this.o.store.tombstones().map((t) => ({
      name: t.name,
      version: t.version,
      sinceWallMs: Date.parse(t.updatedAt),
    }));
    for (const t of purgeable(tombs, views)) {
      if (await this.o.store.purgeTombstone(t.name, t.version)) {
        this.o.log.info(`forgot the tombstone of ${t.name} v${t.version}: every node has seen the delete`, {
          event: 'tombstone-purged',
          name: t.name,
          version: t.version,
        });
      }
    }
  }
}
