/**
 * `dsm gateway`: the streaming gateway on its own, in front of the nodes of nodes.json
 * (`dsm cluster` mounts the same gateway on its supervisor's port).
 *
 *   dsm gateway                                 nodes of ./nodes.json, on the supervisor's address (8000)
 *   dsm gateway --port 8080 --stall-timeout-ms 500
 *   curl -o demo.mp4 http://localhost:8000/stream/demo.mp4
 *
 * Each request goes to the fastest healthy node that holds the newest version; a node that fails,
 * before or during the body, is replaced by another replica (see gateway/stream-failover.ts). Every
 * switch is logged: `stream demo.mp4: node1 failed at byte 8388608 (reset), continuing from node2`.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
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
import { DEFAULT_CONFIG, FLAG_HELP, msArg, portArg } from './options.js';
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

interface GatewayFlags {
  config: string;
  port?: number;
  host?: string;
  stallTimeoutMs: number;
  probeIntervalMs: number;
}

export function gatewayCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('gateway')
    .description(
      tr(ctx.lang, {
        en: 'stream files from the best node, switching replicas mid-stream when a node fails',
        'pt-BR':
          'transmite arquivos a partir do melhor nó, trocando de réplica no meio do stream quando um nó falha',
      }),
    )
    .option('--config <file>', tr(ctx.lang, FLAG_HELP.clusterFile), DEFAULT_CONFIG)
    .option(
      '--port <port>',
      tr(ctx.lang, {
        en: `port (default: the supervisor's in nodes.json, else ${DEFAULTS.supervisorPort})`,
        'pt-BR': `porta (padrão: a do supervisor no nodes.json, senão ${DEFAULTS.supervisorPort})`,
      }),
      portArg,
    )
    .option(
      '--host <address>',
      tr(ctx.lang, {
        en: `address to bind (default: the supervisor's in nodes.json, else ${DEFAULTS.host})`,
        'pt-BR': `endereço em que escutar (padrão: o do supervisor no nodes.json, senão ${DEFAULTS.host})`,
      }),
    )
    .option(
      '--stall-timeout-ms <ms>',
      tr(ctx.lang, {
        en: 'a node silent this long mid-stream is replaced by another replica',
        'pt-BR': 'um nó em silêncio por este tempo no meio do stream é substituído por outra réplica',
      }),
      msArg,
      DEFAULTS.gatewayStallTimeoutMs,
    )
    .option(
      '--probe-interval-ms <ms>',
      tr(ctx.lang, {
        en: 'active health probes, this often (0 = off)',
        'pt-BR': 'sondas de saúde ativas, com esta frequência (0 = desligado)',
      }),
      msArg,
      DEFAULTS.gatewayProbeIntervalMs,
    );
  cmd.action((flags: GatewayFlags) => run(runGateway(flags, ctx)));
  return cmd;
}

async function runGateway(flags: GatewayFlags, ctx: CliContext): Promise<number> {
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
