/**
 * The manifest as nodes exchange it for anti-entropy (`GET /_dsm/manifest`), and its digest
 * (`GET /_dsm/manifest/digest`): one SHA-256 over every entry, so that two nodes holding the same files
 * at the same versions find out with one small request, and fetch the details only when they differ.
 *
 *   entry = { name, version, sha256, size }          a stored file
 *         | { name, version, deleted: true }         a tombstone
 *
 * The digest hashes one line per entry, sorted by name (byte order of the UTF-8 name, the same on every
 * node whatever its locale): `JSON.stringify([name, version, sha256 | null, deleted])` + `\n`. JSON
 * escaping keeps a name with a quote or a newline from colliding with another entry's line. Sizes are
 * left out: the sha256 already decides the bytes.
 *
 * | entries                                              | digest                          |
 * |------------------------------------------------------|---------------------------------|
 * | (none)                                               | sha256 of '' (e3b0c4…)          |
 * | [a.mp4 v5 ab…]                                       | sha256 of `["a.mp4",5,"ab…",false]\n` |
 * | [b v1 cd…, a v5 ab…] and [a v5 ab…, b v1 cd…]        | the same digest (order does not matter) |
 * | [a v5 ab…] and [a v6 ab…]                            | different                       |
 * | [a v5 ab…] and [a deleted v5]                        | different                       |
 *
 * `parseManifest` reads a peer's answer defensively: a peer is another process, possibly of another
 * version, and a name it sends becomes a path on this disk, so every name is checked as a PUT's would be.
 */
import { createHash } from 'node:crypto';
import { storableName, urlPathOf } from './safe-path.js';

export type ManifestEntry =
  | { name: string; version: number; sha256: string; size: number; deleted?: false }
  | { name: string; version: number; deleted: true };

/** `GET /_dsm/manifest` */
export interface ManifestListing {
  node: string;
  digest: string;
  entries: ManifestEntry[];
  /** Files on disk the node has not hashed yet (not in `entries`): its manifest is not settled. */
  pending: number;
}

function byName(a: { name: string }, b: { name: string }): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
}

export function manifestDigest(entries: readonly ManifestEntry[]): string {
  const hash = createHash('sha256');
  for (const e of [...entries].sort(byName)) {
    hash.update(`${JSON.stringify([e.name, e.version, e.deleted ? null : e.sha256, Boolean(e.deleted)])}\n`);
  }
  return hash.digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isVersion(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/** A name a node may store: what `storableName` accepts for a PUT, unchanged by the round trip. */
export function isStorable(name: unknown): name is string {
  if (typeof name !== 'string' || name === '') return false;
  const s = storableName(urlPathOf(name));
  return s.kind === 'ok' && s.name === name;
}

/**
 * A peer's `GET /_dsm/manifest` body, or undefined when it is not one. Entries with a bad name, version or
 * hash are dropped (and counted), never trusted.
 */
export function parseManifest(body: unknown): (ManifestListing & { dropped: number }) | undefined {
  const b = body as Partial<Record<keyof ManifestListing, unknown>> | null;
  if (typeof b !== 'object' || b === null || !Array.isArray(b.entries)) return undefined;
  if (typeof b.node !== 'string' || typeof b.digest !== 'string') return undefined;
  const entries: ManifestEntry[] = [];
  let dropped = 0;
  const seen = new Set<string>();
  for (const raw of b.entries as unknown[]) {
    const e = raw as Record<string, unknown> | null;
    const ok =
      typeof e === 'object' &&
      e !== null &&
      isStorable(e.name) &&
      isVersion(e.version) &&
      !seen.has(e.name) &&
      (e.deleted === true ||
        (typeof e.sha256 === 'string' &&
          SHA256_HEX.test(e.sha256) &&
          typeof e.size === 'number' &&
          Number.isSafeInteger(e.size) &&
          e.size >= 0));
    if (!ok || e === null) {
      dropped++;
      continue;
    }
    const name = e.name as string;
    seen.add(name);
    entries.push(
      e.deleted === true
        ? { name, version: e.version as number, deleted: true }
        : { name, version: e.version as number, sha256: e.sha256 as string, size: e.size as number },
    );
  }
  const pending = typeof b.pending === 'number' && b.pending >= 0 ? b.pending : 0;
  return { node: b.node, digest: b.digest, entries, pending, dropped };
}
