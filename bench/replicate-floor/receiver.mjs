/**
 * The floor of a Node.js receiver, for bench/replicate.ts: node:http, the body hashed (SHA-256) and
 * written in 64 KiB positional writes into a temp file, an fdatasync in the background every 32 MiB
 * (faster here than one fsync at the end: 6.9–7.2 s against 7.4–8.4 s in 2 alternating pairs), fsync,
 * rename; nothing else (no token, no version, no manifest, no 100-continue). V8's incremental marking
 * off, as `dsm node` runs.
 *
 *   node receiver.mjs <port> <folder>     prints "listening <port>" when ready
 */
import { createHash } from 'node:crypto';
import { closeSync, fdatasync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-incremental-marking');
const port = Number(process.argv[2]);
const folder = process.argv[3];

createServer((req, res) => {
  const tmp = join(folder, 'floor.part');
  const fd = openSync(tmp, 'w');
  const hash = createHash('sha256');
  let position = 0;
  let syncedAt = 0;
  /** The background fdatasync running, if any. */
  let syncing;
  req.on('data', (chunk) => {
    hash.update(chunk);
    for (let at = 0; at < chunk.length; ) {
      const n = writeSync(fd, chunk, at, Math.min(65536, chunk.length - at), position);
      at += n;
      position += n;
    }
    if (syncing === undefined && position - syncedAt >= 32 * 1024 * 1024) {
      syncedAt = position;
      syncing = new Promise((resolve) => fdatasync(fd, resolve)).then(() => {
        syncing = undefined;
      });
    }
  });
  req.on('end', async () => {
    await syncing;
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(folder, 'floor.bin'));
    res.end(JSON.stringify({ size: position, sha256: hash.digest('hex') }));
  });
}).listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
process.on('SIGTERM', () => process.exit(0));
