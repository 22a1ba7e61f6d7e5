/**
 * Learns a node's real address from the line `dsm node` prints once it accepts connections. With
 * port 0 in nodes.json only the child knows which port it got, so the supervisor reads it here.
 *
 * | line (as the child prints it)                                  | result                                          |
 * |----------------------------------------------------------------|-------------------------------------------------|
 * | `node1  listening on http://127.0.0.1:50123 · root /x · …`     | `{ port: 50123, url: 'http://127.0.0.1:50123' }` |
 * | `node1  listening on http://[::1]:8001 · …`                    | `{ port: 8001, url: 'http://[::1]:8001' }`       |
 * | `node1  listening on http://0.0.0.0:8001 · …`                  | `{ port: 8001, url: 'http://127.0.0.1:8001' }`   |
 * | `node1  listening on http://[::]:8001 · …`                     | `{ port: 8001, url: 'http://[::1]:8001' }`       |
 * | `node1  GET /health 200 …`                                     | `undefined`                                     |
 * | `node1  warning: listening on http://1.2.3.4:5 is a lie`       | `undefined` (only at the start of the message)  |
 */
export interface ListeningAddress {
  port: number;
  /** A URL this machine can reach the node on (an "every interface" address becomes loopback). */
  url: string;
}

// Name prefix of the text logger (`node1  `), then the message; anchored so that a request path or a
// warning that happens to contain the words cannot be mistaken for the real line.
const LISTENING = /^(?:\S+ {2})?listening on http:\/\/(\[[^\]]+\]|[^\s:/[\]]+):(\d{1,5})(?:\s|$)/;

const LOOPBACK_FOR: Record<string, string> = { '0.0.0.0': '127.0.0.1', '[::]': '[::1]' };

export function parseListeningLine(line: string): ListeningAddress | undefined {
  const m = LISTENING.exec(line);
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  const host = LOOPBACK_FOR[m[1]] ?? m[1];
  return { port, url: `http://${host}:${port}` };
}
