/**
 * A node's background care of its copies: anti-entropy with its peers and the scrub of its own disk,
 * started and stopped together by the server (node-server.ts), wired so that a copy the scrub
 * quarantines is fetched again at once.
 *
 *   standalone node (no peers) or antiEntropyIntervalMs 0   → scrub only
 *   scrubIntervalMs 0                                        → no periodic scrub; a peer's report
 *                                                              (POST /_dsm/scrub/<name>) still checks a file
 */
import { DEFAULTS } from '../shared/defaults.js';
import type { Logger } from '../shared/logger.js';
import type { Clock, Rng } from '../shared/random.js';
import { AntiEntropy } from './anti-entropy.js';
import type { FileStore } from './file-store.js';
import { createPeerTransport, type Peer, type PeerTransport } from './peer-client.js';
import { Scrubber } from './scrubber.js';

export interface SelfHealOptions {
  nodeName: string;
  store: FileStore;
  log: Logger;
  clock: Clock;
  rng: Rng;
  /** The other nodes of nodes.json; none for a standalone node. */
  peers: readonly Peer[];
  /** ms; 0 = no anti-entropy. */
  antiEntropyIntervalMs: number;
  /** ms; 0 = no periodic scrub. */
  scrubIntervalMs: number;
  scrubMBps: number;
  maxUploadBytes: number;
  /** The cluster's token, to report a peer's corrupt copy to it. */
  token: string | undefined;
  /** How to reach peers (tests pass their own). */
  transport?: PeerTransport;
}

export interface SelfHeal {
  /** A peer identified itself in a request (`X-Dsm-Node`). */
  peerSeen(name: string): void;
  /** Re-hash `name` now (a peer found our copy corrupt); false if this node holds no such file. */
  scrubSoon(name: string): boolean;
  close(): Promise<void>;
}

export function startSelfHeal(o: SelfHealOptions): SelfHeal {
  const ae =
    o.peers.length > 0 && o.antiEntropyIntervalMs > 0
      ? new AntiEntropy({
          nodeName: o.nodeName,
          store: o.store,
          peers: o.peers,
          transport:
            o.transport ??
            createPeerTransport({
              self: o.nodeName,
              token: o.token,
              idleTimeoutMs: DEFAULTS.antiEntropyTimeoutMs,
            }),
          log: o.log,
          clock: o.clock,
          rng: o.rng,
          intervalMs: o.antiEntropyIntervalMs,
          retryMs: DEFAULTS.antiEntropyRetryMs,
          timeoutMs: DEFAULTS.antiEntropyTimeoutMs,
          maxPulls: DEFAULTS.antiEntropyPulls,
          maxBytes: o.maxUploadBytes,
        })
      : undefined;
  const scrubber = new Scrubber({
    store: o.store,
    log: o.log,
    clock: o.clock,
    intervalMs: o.scrubIntervalMs,
    mbps: o.scrubMBps,
    onLost: () => ae?.syncAll(),
  });
  ae?.start();
  scrubber.start();
  return {
    peerSeen: (name) => ae?.peerSeen(name),
    scrubSoon: (name) => scrubber.checkSoon(name),
    close: async () => {
      await Promise.all([ae?.close(), scrubber.close()]);
    },
  };
}
