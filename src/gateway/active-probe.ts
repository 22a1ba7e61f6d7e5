/**
 * Active health checks: `GET /health` on every node every `intervalMs`, each bounded by `timeoutMs`.
 * A success re-admits an ejected node at once; a failure counts like a failed request (node-stats.ts).
 * The timer is unref'd, so that it never keeps a process alive.
 */
import type { NodeClient } from '../client/node-client.js';

export interface ActiveProbeOptions {
  clients: ReadonlyArray<{ name: string; client: NodeClient }>;
  intervalMs: number;
  timeoutMs: number;
  onResult(node: string, ok: boolean): void;
}

export function startActiveProbe(o: ActiveProbeOptions): { stop(): void } {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    await Promise.all(
      o.clients.map(({ name, client }) =>
        client.health(AbortSignal.timeout(o.timeoutMs), { routine: true }).then(
          () => o.onResult(name, true),
          () => o.onResult(name, false),
        ),
      ),
    );
    running = false;
  };
  if (o.intervalMs <= 0) return { stop() {} };
  const timer = setInterval(() => void round(), o.intervalMs);
  timer.unref();
  void round();
  return { stop: () => clearInterval(timer) };
}
