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
  for await (const chunk of createReadStream(path, { highWaterMark: DEFAULTS.readChunkBytes })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** `ab12cd…` → first 12 hex digits with an ellipsis, for messages and tables. */
export function shortHash(hex: string, n = 12): string {
  return hex.length > n ? `${hex.slice(0, n)}…` : hex;
}
