/**
 * The few HTTP calls a node makes to its peers for anti-entropy:
 *
 *   digest(peer)               GET  /_dsm/manifest/digest      → { digest }
 *   manifest(peer)             GET  /_dsm/manifest             → { node, digest, entries, pending }
 *   openFile(peer, name, sha)  GET  /<name>  If-Match: "sha256-…" → 200 and the body, streamed
 *   reportCorrupt(peer, name)  POST /_dsm/scrub/<name>  (token)  → 202: "check your copy now"
 *
 * Every request says who asks (`X-Dsm-Node`), so a peer that had given this node up as unreachable
 * syncs with it at once instead of at its next retry.
 *
 * Written here, with node:http, rather than taken from `client/`: the layers are shared ← faults ← node
 * and shared ← client ← replication, so the node may not import the client. What both sides share is
 * pure and lives in shared/ (the manifest's wire format and digest, URL-safe names); the rest is these
 * sixty lines. Besides, the client's `FetchLike` does not stream bodies, and a pull must stream: it goes
 * straight into the store's atomic write, never whole in memory.
 */
import { Agent, type IncomingMessage, request } from 'node:http';
import type { Readable } from 'node:stream';
import { strongEtag } from '../shared/etag.js';
import { type ManifestListing, parseManifest } from '../shared/manifest-digest.js';
import { urlPathOf } from '../shared/safe-path.js';

export interface Peer {
  name: string;
  /** `http://host:port`, no trailing slash. */
  url: string;
}

export interface PeerFile {
  status: number;
  /** The body; read it to the end or `resume()` it. */
  body: Readable;
}

/** How a node talks to its peers; passed in, so that tests can answer without sockets. */
export interface PeerTransport {
  digest(peer: Peer, signal: AbortSignal): Promise<string>;
  manifest(peer: Peer, signal: AbortSignal): Promise<ManifestListing>;
  openFile(peer: Peer, name: string, sha256: string, signal: AbortSignal): Promise<PeerFile>;
  reportCorrupt(peer: Peer, name: string, signal: AbortSignal): Promise<void>;
  close(): void;
}

export function createPeerTransport(opts: {
  self: string;
  token: string | undefined;
  /** A socket with no byte in either direction for this long fails the request (a hung peer). */
  idleTimeoutMs: number;
}): PeerTransport {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const common = { 'X-Dsm-Node': opts.self };

  function send(
    url: string,
    init: { method?: string; headers?: Record<string, string>; signal: AbortSignal },
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: init.method ?? 'GET',
        headers: { ...common, ...init.headers },
        agent,
        signal: init.signal,
      });
      // Also while a pulled body streams: a peer that stops sending must not hold a pull forever.
      req.setTimeout(opts.idleTimeoutMs, () =>
        req.destroy(Object.assign(new Error('no data in time'), { name: 'TimeoutError' })),
      );
      req.once('response', resolve);
      req.once('error', reject);
      req.end();
    });
  }

  async function json(url: string, signal: AbortSignal): Promise<unknown> {
    const res = await send(url, { headers: { Accept: 'application/json' }, signal });
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from GET ${new URL(url).pathname}`);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  }

  return {
    async digest(peer, signal) {
      const body = (await json(`${peer.url}/_dsm/manifest/digest`, signal)) as { digest?: unknown } | null;
      if (typeof body?.digest !== 'string') throw new Error('GET /_dsm/manifest/digest: no digest');
      return body.digest;
    },
    async manifest(peer, signal) {
      const m = parseManifest(await json(`${peer.url}/_dsm/manifest`, signal));
      if (!m) throw new Error('GET /_dsm/manifest: not a manifest');
      return m;
    },
    async openFile(peer, name, sha256, signal) {
      const res = await send(`${peer.url}${urlPathOf(name)}`, {
        headers: { 'If-Match': strongEtag(sha256) },
        signal,
      });
      return { status: res.statusCode ?? 0, body: res };
    },
    async reportCorrupt(peer, name, signal) {
      const res = await send(`${peer.url}/_dsm/scrub${urlPathOf(name)}`, {
        method: 'POST',
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        signal,
      });
      res.resume();
    },
    close: () => agent.destroy(),
  };
}
