/**
 * Who may use the dashboard, as Jupyter decides it: on a loopback-only supervisor the page just works
 * (it gets the token embedded, so its buttons act); on one that listens beyond loopback, the page and
 * its live stream need the token, given once in the URL that `dsm cluster` prints (`/?token=…`).
 *
 * The Host header check keeps a DNS-rebinding page (evil.example resolving to 127.0.0.1) from reading
 * the embedded token: its requests carry `Host: evil.example` (as Jupyter's and Vite's dev servers check).
 *
 * | supervisor bound to | Host header        | ?token=    | access   |
 * |---------------------|--------------------|------------|----------|
 * | 127.0.0.1           | 127.0.0.1:8000     | none       | granted  |
 * | 127.0.0.1           | localhost:8000     | none       | granted  |
 * | ::1                 | [::1]:8000         | none       | granted  |
 * | 127.0.0.1           | evil.example:8000  | none       | denied   |
 * | 0.0.0.0             | 192.168.1.5:8000   | none       | denied   |
 * | 0.0.0.0             | 192.168.1.5:8000   | right      | granted  |
 * | 0.0.0.0             | 192.168.1.5:8000   | wrong      | denied   |
 */
import { bearerMatches } from '../shared/token.js';

export type Access = 'granted' | 'denied';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackAddress(host: string): boolean {
  return host === '::1' || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The host name of a Host header, without its port: `[::1]:8000` → `[::1]`, `a.b:80` → `a.b`. */
export function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end < 0 ? hostHeader : hostHeader.slice(0, end + 1);
  }
  const colon = hostHeader.indexOf(':');
  return (colon < 0 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

export function dashboardAccess(o: {
  boundHost: string;
  hostHeader: string | undefined;
  /** From `?token=` or `Authorization: Bearer`. */
  givenToken: string | undefined;
  token: string;
}): Access {
  if (o.givenToken !== undefined && bearerMatches(`Bearer ${o.givenToken}`, o.token)) return 'granted';
  if (!isLoopbackAddress(o.boundHost)) return 'denied';
  const name = hostName(o.hostHeader ?? '');
  return LOOPBACK_NAMES.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ? 'granted' : 'denied';
}
