/**
 * Where to reach a node from this machine, and the URL of one of its files.
 *
 * A node bound to every interface (`0.0.0.0`, `::`) is reached on loopback; an IPv6 address goes in
 * brackets (RFC 3986 §3.2.2). Each segment of a file name is percent-encoded, so that `films/a b.mp4`
 * stays one file in a sub-folder and `#` or `?` in a name cannot end the path.
 *
 * | input                                          | output                                  |
 * |------------------------------------------------|-----------------------------------------|
 * | nodeUrl({ host: '127.0.0.1', port: 8001 })     | `http://127.0.0.1:8001`                 |
 * | nodeUrl({ host: '0.0.0.0', port: 8001 })       | `http://127.0.0.1:8001`                 |
 * | nodeUrl({ host: '::', port: 8001 })            | `http://[::1]:8001`                     |
 * | nodeUrl({ host: 'fe80::1', port: 8001 })       | `http://[fe80::1]:8001`                 |
 * | nodeUrl({ host: 'lab-pc.local', port: 80 })    | `http://lab-pc.local:80`                |
 * | fileUrl('http://h:1', 'demo.mp4')              | `http://h:1/demo.mp4`                   |
 * | fileUrl('http://h:1', 'films/a b#1.mp4')       | `http://h:1/films/a%20b%231.mp4`        |
 */

export function nodeUrl(node: { host: string; port: number }): string {
  let host = node.host;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::' || host === '[::]') host = '::1';
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  return `http://${host}:${node.port}`;
}

export function fileUrl(base: string, name: string): string {
  return `${base}/${name.split('/').map(encodeURIComponent).join('/')}`;
}
