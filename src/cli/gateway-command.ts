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
 *
 * This file defines the command and its flags; `run-gateway.ts` runs it.
 */
import { Command } from 'commander';
import { DEFAULTS } from '../shared/defaults.js';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_CONFIG, FLAG_HELP, msArg, portArg } from './options.js';

export interface GatewayFlags {
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
  // The gateway's modules load only when it starts.
  cmd.action((flags: GatewayFlags) => run(import('./run-gateway.js').then((m) => m.runGateway(flags, ctx))));
  return cmd;
}
