/**
 * SHA-256 of files and streams, read in large chunks (never the whole file in memory).
 * OpenSSL with SHA-NI hashes about 1.6 GB/s on one core here, so hashing is rarely the bottleneck.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DEFAULTS } from './defaults.js';

export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: DEFAULTS.bulkReadChunkBytes })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** `ab12cd…` → first 12 hex digits with an ellipsis, for messages and tables. */
export function shortHash(hex: string, n = 12): string {
  return hex.length > n ? `${hex.slice(0, n)}…` : hex;
}

export type ReprDigest = { kind: 'sha-256'; hex: string } | { kind: 'unsupported' } | { kind: 'malformed' };

/**
 * `Repr-Digest` (RFC 9530 §3): a structured-field dictionary of algorithm → byte sequence.
 * We only verify sha-256; other algorithms alone are "unsupported".
 *
 * | header                                   | result                        |
 * |------------------------------------------|-------------------------------|
 * | `sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:` | sha-256 9f86d0…   |
 * | `sha-512=:AAAA:, sha-256=:n4bQ…=:`       | sha-256 9f86d0…               |
 * | `sha-512=:AAAA:`                         | unsupported                   |
 * | `sha-256=abc`, `sha-256=:!!:`            | malformed                     |
 */
export function parseReprDigest(value: string): ReprDigest {
  const members = value.split(',').map((m) => m.trim());
  let sawAny = false;
  for (const m of members) {
    const eq = m.indexOf('=');
    if (eq <= 0) return { kind: 'malformed' };
    sawAny = true;
    const alg = m.slice(0, eq).trim().toLowerCase();
    if (alg !== 'sha-256') continue;
    const v = m.slice(eq + 1).trim();
    const b64 = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(v)?.[1];
    if (!b64) return { kind: 'malformed' };
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length !== 32) return { kind: 'malformed' };
    return { kind: 'sha-256', hex: bytes.toString('hex') };
  }
  return sawAny ? { kind: 'unsupported' } : { kind: 'malformed' };
}

/** `Repr-Digest` value for a hex SHA-256. */
export function reprDigest(hex: string): string {
  return `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`;
}
