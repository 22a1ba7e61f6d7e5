/**
 * `dsm cluster`: every node of nodes.json as its own OS process, under one supervisor.
 *
 *   dsm cluster                        nodes.json of this folder (written with the original 3 nodes if missing)
 *   dsm cluster --config lab.json --restart
 *   npm start                          = dsm cluster --open
 *
 * The supervisor forwards each node's log lines behind its name in its own colour, reports crashes
 * (restarting only with --restart), serves its control API (status, stop/start a node; see
 * supervisor/control-server.ts) on nodes.json's `supervisor` address, 127.0.0.1:8000 by default, with
 * the gateway (`/stream/<name>`) and the dashboard (`/`, src/dashboard/) on the same port, and seeds
 * samples/demo.mp4 when no node holds a video yet.
 *
 * Stopping: Ctrl+C or SIGTERM stops every node (SIGTERM, SIGKILL after a grace period), waits until
 * each process has ended, then exits 0. A second Ctrl+C exits at once; the nodes then notice that their
 * IPC channel to the supervisor closed and stop by themselves, as they do if the supervisor is killed.
 * Windows: no SIGTERM is delivered there (`kill` terminates outright), so stop the cluster with Ctrl+C
 * or Ctrl+Break. The nodes share the console and see the Ctrl+C too; either way each one is asked to stop
 * through its IPC channel (see node-process.ts) and ends gracefully.
 *
 * This file defines the command and its flags; `run-cluster.ts` runs it.
 */
import { Command } from 'commander';
import { DEFAULTS } from '../shared/defaults.js';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_CONFIG, portArg } from './options.js';
import type { ClusterDeps } from './run-cluster.js';

export interface ClusterFlags {
  config?: string;
  port?: number;
  host?: string;
  open?: boolean;
  restart?: boolean;
}

export function clusterCommand(
  ctx: CliContext,
  run: (p: Promise<number>) => void,
  deps?: ClusterDeps,
): Command {
  const cmd = new Command('cluster')
    .description(
      tr(ctx.lang, {
        en: 'start every node of nodes.json as its own process, with the gateway, the live dashboard and a control API',
        'pt-BR':
          'inicia cada nó do nodes.json como um processo próprio, com o gateway, o painel ao vivo e uma API de controle',
      }),
    )
    .option(
      '--config <file>',
      tr(ctx.lang, {
        en: `the cluster file, written with 3 example nodes if missing`,
        'pt-BR': `o arquivo do cluster, criado com 3 nós de exemplo se não existir`,
      }),
      DEFAULT_CONFIG,
    )
    .option(
      '--port <port>',
      tr(ctx.lang, {
        en: `port of the supervisor (default: from nodes.json, else ${DEFAULTS.supervisorPort})`,
        'pt-BR': `porta do supervisor (padrão: a do nodes.json, senão ${DEFAULTS.supervisorPort})`,
      }),
      portArg,
    )
    .option(
      '--host <address>',
      tr(ctx.lang, {
        en: `address of the supervisor (default: from nodes.json, else ${DEFAULTS.host})`,
        'pt-BR': `endereço do supervisor (padrão: o do nodes.json, senão ${DEFAULTS.host})`,
      }),
    )
    .option(
      '--open',
      tr(ctx.lang, {
        en: 'open the browser on the dashboard (only on a terminal, never in CI)',
        'pt-BR': 'abre o painel no navegador (só num terminal, nunca em CI)',
      }),
    )
    .option('--no-open', tr(ctx.lang, { en: 'do not open the browser', 'pt-BR': 'não abre o navegador' }))
    .option(
      '--restart',
      tr(ctx.lang, {
        en: 'restart crashed nodes, waiting longer after each quick crash',
        'pt-BR': 'reinicia os nós que caírem, esperando mais após cada queda rápida',
      }),
    );
  // The supervisor, gateway and dashboard load only when a cluster starts.
  cmd.action((flags: ClusterFlags) =>
    run(import('./run-cluster.js').then((m) => m.runCluster(flags, ctx, deps ?? m.defaultClusterDeps(ctx)))),
  );
  return cmd;
}
