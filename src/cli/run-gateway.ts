/**
 * `dsm gateway` running, and the gateway with the project's defaults (`makeGateway`, which `dsm cluster`
 * mounts on its supervisor's port too). The command and its flags are in `gateway-command.ts`.
 */
import { resolve } from 'node:path';
import { nodeUrl } from '../client/node-url.js';
import { createGateway, type Gateway, type StreamEvent } from '../gateway/gateway-handler.js';
import { startGatewayServer } from '../gateway/gateway-server.js';
import type { Upstream } from '../gateway/stream-failover.js';
import { loadClusterConfig } from '../shared/config-loader.js';
import { DEFAULTS } from '../shared/defaults.js';
import { tr } from '../shared/i18n.js';
import { systemClock } from '../shared/random.js';
import type { CliContext } from './cli-context.js';
import { EXIT_OK } from './errors.js';
import type { GatewayFlags } from './gateway-command.js';
import { onShutdownSignal } from './signals.js';

export interface GatewayTuning {
  stallTimeoutMs: number;
  probeIntervalMs: number;
}

/** The gateway over the given nodes, with the project's defaults. */
export function makeGateway(
  nodes: readonly Upstream[],
  tuning: GatewayTuning,
  log: (line: string) => void,
  onStream?: (e: StreamEvent) => void,
): Gateway {
  return createGateway({
    onStream,
    nodes,
    stallTimeoutMs: tuning.stallTimeoutMs,
    headersTimeoutMs: DEFAULTS.gatewayHeadersTimeoutMs,
    probeIntervalMs: tuning.probeIntervalMs,
    probeTimeoutMs: DEFAULTS.probeTimeoutMs,
    versionTtlMs: DEFAULTS.gatewayVersionTtlMs,
    policy: {
      alpha: DEFAULTS.gatewayEwmaAlpha,
      consecutiveFailures: DEFAULTS.gatewayConsecutiveFailures,
      baseEjectionMs: DEFAULTS.gatewayBaseEjectionMs,
      maxEjectionMs: DEFAULTS.gatewayMaxEjectionMs,
    },
    clock: systemClock,
    log,
  });
}

export async function runGateway(flags: GatewayFlags, ctx: CliContext): Promise<number> {
  const cfg = await loadClusterConfig(resolve(flags.config));
  const say = (line: string) => ctx.stdout.write(`${line}\n`);
  const gateway = makeGateway(
    cfg.nodes.map((n) => ({ name: n.name, origin: nodeUrl(n) })),
    { stallTimeoutMs: flags.stallTimeoutMs, probeIntervalMs: flags.probeIntervalMs },
    say,
  );
  const server = await startGatewayServer({
    host: flags.host ?? cfg.supervisor.host,
    port: flags.port ?? cfg.supervisor.port,
    gateway,
  });
  // Not translated: the same words as the nodes' own line, which scripts and tests look for.
  say(`listening on ${server.url()} · gateway · ${cfg.nodes.length} nodes from ${cfg.file}`);
  say(
    tr(ctx.lang, {
      en: `Try: curl -o out.mp4 ${server.url()}/stream/demo.mp4`,
      'pt-BR': `Experimente: curl -o out.mp4 ${server.url()}/stream/demo.mp4`,
    }),
  );
  await onShutdownSignal(ctx);
  gateway.close();
  await server.close();
  say(tr(ctx.lang, { en: 'gateway stopped', 'pt-BR': 'gateway parado' }));
  return EXIT_OK;
}
