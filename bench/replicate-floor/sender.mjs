/**
 * The floor of a Node.js replicating client, for bench/replicate.ts: the file read once in 1 MiB chunks
 * into a ring of 4 reused buffers, each chunk hashed (SHA-256) and written to one chunked PUT per
 * receiver; a buffer is refilled once every socket has taken it. Exits 1 unless every receiver stored
 * the file with the same SHA-256.
 *
 *   node sender.mjs <file> <port>…
 */
import { createHash } from 'node:crypto';
import { openSync, readSync } from 'node:fs';
import { request } from 'node:http';

const CHUNK = 1024 * 1024;
const [file, ...ports] = process.argv.slice(2);
const uploads = ports.map((port) =>
  request({ host: '127.0.0.1', port: Number(port), method: 'PUT', path: '/floor.bin' }),
);
const answers = uploads.map(
  (req) =>
    new Promise((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve(JSON.parse(body)));
      });
    }),
);
const fd = openSync(file, 'r');
const hash = createHash('sha256');
const ring = Array.from({ length: 4 }, () => Buffer.allocUnsafeSlow(CHUNK));
const held = ring.map(() => Promise.resolve());
for (let position = 0, slot = 0; ; slot = (slot + 1) % ring.length) {
  await held[slot];
  const n = readSync(fd, ring[slot], 0, CHUNK, position);
  if (n === 0) break;
  position += n;
  const chunk = n === CHUNK ? ring[slot] : ring[slot].subarray(0, n);
  hash.update(chunk);
  held[slot] = Promise.all(uploads.map((req) => new Promise((resolve) => req.write(chunk, resolve))));
}
await Promise.all(held);
for (const req of uploads) req.end();
const sha256 = hash.digest('hex');
const stored = await Promise.all(answers);
if (!stored.every((a) => a.sha256 === sha256)) {
  console.error(`not stored everywhere: ${JSON.stringify(stored)}`);
  process.exit(1);
}
