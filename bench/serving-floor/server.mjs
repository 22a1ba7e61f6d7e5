/**
 * The floor of a Node.js file server for ranges and small files, for bench/serving-floor.ts: node:http,
 * each file opened once at start, every answer one readSync into a new buffer and one res.end, with the
 * same header set as `dsm node` (CORS, caching, validators). Nothing else: no path checks, no
 * conditional requests, no multipart, no faults, no logging, a fixed ETag.
 *
 *   node server.mjs <port> <folder> <name>…     prints "listening <port>" when ready
 */
import { fstatSync, openSync, readSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [port, folder, ...names] = process.argv.slice(2);
const lastModified = new Date().toUTCString();
const files = new Map(
  names.map((name) => {
    const fd = openSync(join(folder, name), 'r');
    return [`/${name}`, { fd, size: fstatSync(fd).size }];
  }),
);
const common = [
  'X-Served-By',
  'floor',
  'Cache-Control',
  'no-cache',
  'Access-Control-Allow-Origin',
  '*',
  'Access-Control-Expose-Headers',
  'Content-Range, Content-Length, ETag, X-Served-By, Accept-Ranges, Last-Modified, X-Dsm-Version, Repr-Digest',
  'X-Content-Type-Options',
  'nosniff',
  'Content-Type',
  'application/octet-stream',
  'Accept-Ranges',
  'bytes',
  'ETag',
  `"sha256-${'0'.repeat(64)}"`,
  'Last-Modified',
  lastModified,
  'X-Dsm-Version',
  '1',
];

createServer((req, res) => {
  const file = files.get(req.url);
  if (file === undefined) {
    res.writeHead(404);
    res.end();
    return;
  }
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  const end = m ? Math.min(Number(m[2]), file.size - 1) : file.size - 1;
  const length = end - start + 1;
  const body = Buffer.allocUnsafe(length);
  readSync(file.fd, body, 0, length, start);
  const headers = [...common, 'Content-Length', length];
  if (m) headers.push('Content-Range', `bytes ${start}-${end}/${file.size}`);
  res.writeHead(m ? 206 : 200, headers);
  res.end(body);
}).listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));
process.on('SIGTERM', () => process.exit(0));
