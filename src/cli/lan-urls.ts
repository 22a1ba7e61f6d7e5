/**
 * The addresses other machines can use to reach a server bound to every interface (`--host 0.0.0.0`),
 * for the line that tells a teacher which URL to give the class (Jupyter prints the same).
 * Internal (loopback) and link-local addresses are left out; IPv6 only when bound to `::`.
 *
 * | interfaces                               | bound     | urls                          |
 * |------------------------------------------|-----------|-------------------------------|
 * | lo 127.0.0.1, eth0 192.168.1.5           | 0.0.0.0   | http://192.168.1.5:8000       |
 * | eth0 169.254.3.4 (link-local)            | 0.0.0.0   | (none)                        |
 * | eth0 192.168.1.5, fe80::1, 2001:db8::5   | ::        | 192.168.1.5, [2001:db8::5]    |
 * | eth0 192.168.1.5                         | 127.0.0.1 | (none: not reachable)         |
 */
import type { NetworkInterfaceInfo } from 'node:os';

export function lanUrls(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
  boundHost: string,
  port: number,
): string[] {
  if (boundHost !== '0.0.0.0' && boundHost !== '::') return [];
  const urls: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4' && !a.address.startsWith('169.254.')) urls.push(`http://${a.address}:${port}`);
      if (a.family === 'IPv6' && boundHost === '::' && !a.address.toLowerCase().startsWith('fe80'))
        urls.push(`http://[${a.address}]:${port}`);
    }
  }
  return urls;
}
