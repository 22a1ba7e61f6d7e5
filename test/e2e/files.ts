/**
 * Test files for the multi-process tests: random content written in pieces (never whole in memory),
 * and SHA-256 of buffers and files to compare what nodes hold with what was sent.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of random bytes in `folder`, written in 4 MiB pieces; returns its path. */
export async function randomFile(folder: string, name: string, size: number): Promise<string> {
  const path = join(folder, name);
  const out = createWriteStream(path);
  for (let written = 0; written < size; ) {
    const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(4 * MiB, size - written)));
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

/** A file with the given bytes in `folder`; returns its path. */
export async function smallFile(folder: string, name: string, data: Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, data);
  return path;
}
