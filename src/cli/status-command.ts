/**
 * `dsm status`: the nodes of the running cluster (state, pid, port, latency, measured round trip, URL)
 * and the replica matrix (which node holds which file, short sha and version), or all of it as JSON.
 *
 *   dsm status
 *   dsm status --json
 */
import { Command } from 'commander';
import { listNodeFiles } from '../client/list-node-files.js';
import { type ReplicaRow, replicaRows } from '../replication/replica-status.js';
import { DEFAULTS } from '../shared/defaults.js';
import { type Lang, tr } from '../shared/i18n.js';
import { controlClient } from '../supervisor/control-client.js';
import type { ClusterStatus } from '../supervisor/control-server.js';
import type { NodeState } from '../supervisor/node-process.js';
import type { NodeStatus } from '../supervisor/supervisor.js';
import type { CliContext } from './cli-context.js';
import { addControlOptions, type ControlFlags, resolveControlTarget } from './control-target.js';
import { EXIT_OK } from './errors.js';
import { exitDescription } from './exit-description.js';
import { replicaTable } from './replica-table.js';
import { textTable } from './text-table.js';

interface StatusFlags extends ControlFlags {
  json?: boolean;
}

export function statusCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = addControlOptions(
    new Command('status').description(
      tr(ctx.lang, {
        en: 'show the nodes of the running cluster and which files each one holds',
        'pt-BR': 'mostra os nós do cluster em execução e quais arquivos cada um guarda',
      }),
    ),
    ctx.lang,
  ).option('--json', tr(ctx.lang, { en: 'machine-readable output', 'pt-BR': 'saída para máquinas' }));
  cmd.action((flags: StatusFlags) => run(runStatus(flags, ctx)));
  return cmd;
}

async function runStatus(flags: StatusFlags, ctx: CliContext): Promise<number> {
  const target = await resolveControlTarget(flags, ctx);
  const status = await controlClient({ ...target, fetch }).status();
  const listings = await Promise.all(
    status.nodes.map(async (n) => ({
      node: n.name,
      // A node that did not answer the supervisor's probe (hung, or slower than the probe timeout) is
      // not asked again: that would only add the same wait (seconds with a SIGSTOPped node).
      files:
        n.state === 'up' && n.url && n.rttMs !== null
          ? await listNodeFiles(n.url, fetch, DEFAULTS.probeTimeoutMs * 2)
          : null,
    })),
  );
  const rows = replicaRows(listings);
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify(statusJson(status, rows), null, 2)}\n`);
    return EXIT_OK;
  }
  for (const line of statusText(ctx.lang, status, rows, listings.filter((l) => l.files !== null).length)) {
    ctx.stdout.write(`${line}\n`);
  }
  return EXIT_OK;
}

function statusJson(status: ClusterStatus, rows: ReplicaRow[]) {
  return {
    ...status,
    files: rows,
  };
}

const STATES: Record<NodeState, Record<Lang, string>> = {
  starting: { en: 'starting', 'pt-BR': 'iniciando' },
  up: { en: 'up', 'pt-BR': 'no ar' },
  stopping: { en: 'stopping', 'pt-BR': 'parando' },
  down: { en: 'down', 'pt-BR': 'parado' },
  crashed: { en: 'crashed', 'pt-BR': 'caiu' },
};

function stateText(lang: Lang, n: NodeStatus): string {
  let s = tr(lang, STATES[n.state]);
  // The process runs but did not answer /health in time: say so, beside the matrix's "(down)" column.
  if (n.state === 'up' && n.rttMs === null) {
    const limit = `${DEFAULTS.probeTimeoutMs / 1000} s`;
    s += tr(lang, { en: `, no answer in ${limit}`, 'pt-BR': `, sem resposta em ${limit}` });
  }
  if (n.state === 'crashed') s += ` (${exitDescription(lang, n.exitCode, n.signal)})`;
  if (n.restarts > 0)
    s += tr(lang, { en: `, restarts: ${n.restarts}`, 'pt-BR': `, reinícios: ${n.restarts}` });
  return s;
}

function statusText(lang: Lang, status: ClusterStatus, rows: ReplicaRow[], listed: number): string[] {
  const s = status.supervisor;
  const out = [
    tr(lang, {
      en: `Cluster ${s.url} (supervisor pid ${s.pid}) · ${s.configFile}`,
      'pt-BR': `Cluster ${s.url} (supervisor pid ${s.pid}) · ${s.configFile}`,
    }),
    '',
    ...textTable(
      tr(lang, {
        en: 'node|state|pid|port|latency|round trip|url',
        'pt-BR': 'nó|estado|pid|porta|latência|ida e volta|url',
      }).split('|'),
      status.nodes.map((n) => [
        n.name,
        stateText(lang, n),
        n.pid === null ? '-' : String(n.pid),
        n.port === null ? '-' : String(n.port),
        `${n.latencyMs} ms`,
        n.rttMs === null ? '-' : `${n.rttMs} ms`,
        n.url ?? '-',
      ]),
      new Set([2, 3, 4, 5]),
    ).split('\n'),
    '',
  ];
  if (listed === 0) {
    out.push(
      tr(lang, {
        en: 'Replicas: unknown, no node answered.',
        'pt-BR': 'Réplicas: desconhecidas, nenhum nó respondeu.',
      }),
    );
    return out;
  }
  if (rows.length === 0) {
    out.push(
      tr(lang, {
        en: 'Replicas: no files on any node yet.',
        'pt-BR': 'Réplicas: nenhum arquivo nos nós ainda.',
      }),
    );
    return out;
  }
  out.push(
    tr(lang, {
      en: 'Replicas (each copy against the newest version):',
      'pt-BR': 'Réplicas (cada cópia comparada com a versão mais nova):',
    }),
    ...replicaTable(
      lang,
      status.nodes.map((n) => n.name),
      rows,
    ).split('\n'),
  );
  return out;
}
