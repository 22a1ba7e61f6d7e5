/**
 * `dsm ls [--config nodes.json] [--json]`: the replica matrix, file × node, with each copy's version
 * and short sha, marking missing, stale and corrupt copies.
 *
 *   file       node1          node2          node3
 *   demo.mp4   ok v…38 9f86d0  ok v…38 9f86d0  stale v…12 1a2b3c
 */
import { Command } from 'commander';
import { listNodeFiles } from '../client/list-node-files.js';
import { replicaRows } from '../replication/replica-status.js';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';
import { loadClusterAccess } from './cluster-config.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { DEFAULT_CONFIG, FLAG_HELP } from './options.js';
import { replicaTable } from './replica-table.js';

interface LsFlags {
  config?: string;
  json?: boolean;
}

export function lsCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('ls')
    .description(
      tr(ctx.lang, {
        en: 'show the replica matrix: every file on every node, with version and state',
        'pt-BR': 'mostra a matriz de réplicas: cada arquivo em cada nó, com versão e estado',
      }),
    )
    .option('--config <file>', tr(ctx.lang, FLAG_HELP.clusterFile), DEFAULT_CONFIG)
    .option('--json', tr(ctx.lang, FLAG_HELP.json));
  cmd.action((flags: LsFlags) => run(runLs(flags, ctx)));
  return cmd;
}

async function runLs(flags: LsFlags, ctx: CliContext): Promise<number> {
  const access = await loadClusterAccess(flags.config, ctx, { createToken: false });
  const listings = await Promise.all(
    access.cfg.nodes.map(async (n) => ({
      node: n.name,
      files: await listNodeFiles(access.urls.get(n.name) as string, fetch, 3000),
    })),
  );
  const rows = replicaRows(listings);
  const down = listings.filter((l) => l.files === null).map((l) => l.node);
  // A node that cannot be asked may miss anything: the matrix is not known to be whole.
  const healthy = down.length === 0 && rows.every((r) => r.healthy);
  if (flags.json) {
    ctx.stdout.write(
      `${JSON.stringify({ nodes: listings.map((l) => ({ node: l.node, up: l.files !== null })), files: rows }, null, 2)}\n`,
    );
    return healthy ? EXIT_OK : EXIT_FAILED;
  }
  if (rows.length === 0 && down.length === listings.length) {
    ctx.stderr.write(
      tr(ctx.lang, {
        en: `dsm: no node answered (${down.join(', ')}): is the cluster running? Start it with "npx dsm cluster".\n`,
        'pt-BR': `dsm: nenhum nó respondeu (${down.join(', ')}): o cluster está rodando? Inicie com "npx dsm cluster".\n`,
      }),
    );
    return EXIT_FAILED;
  }
  if (rows.length === 0 && down.length > 0) {
    ctx.stdout.write(
      tr(ctx.lang, {
        en: `No files on the nodes that answered; no answer from ${down.join(', ')}.\n`,
        'pt-BR': `Nenhum arquivo nos nós que responderam; sem resposta de ${down.join(', ')}.\n`,
      }),
    );
    return EXIT_FAILED;
  }
  if (rows.length === 0) {
    ctx.stdout.write(
      tr(ctx.lang, {
        en: 'No files yet: add one with "dsm replicate <file>".\n',
        'pt-BR': 'Nenhum arquivo ainda: adicione um com "dsm replicate <arquivo>".\n',
      }),
    );
    return EXIT_OK;
  }
  ctx.stdout.write(
    `${replicaTable(
      ctx.lang,
      listings.map((l) => l.node),
      rows,
    )}\n`,
  );
  return healthy ? EXIT_OK : EXIT_FAILED;
}
