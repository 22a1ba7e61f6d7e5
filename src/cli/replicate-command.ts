/**
 * `dsm replicate <file> [--as NAME] [--config nodes.json] [--min-copies N] [--json]`
 *
 * Streams the file to every node at once (one read, N uploads), with a progress bar per node on a
 * terminal and plain lines otherwise, then a table per node. Exit 0 when at least `--min-copies`
 * nodes (default: all) stored a verified copy, else 1 naming the nodes that missed it.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { type NodeOutcome, replicateFile } from '../replication/replicate-file.js';
import { DsmError } from '../shared/errors.js';
import { formatBytes } from '../shared/format.js';
import { tr } from '../shared/i18n.js';
import { seededRng } from '../shared/random.js';
import { checkedStorableName } from '../shared/safe-path.js';
import { newVersion } from '../shared/version.js';
import type { CliContext } from './cli-context.js';
import { loadClusterAccess } from './cluster-config.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { failureWords } from './failure-words.js';
import { DEFAULT_CONFIG, FLAG_HELP, intArg } from './options.js';
import { textTable } from './text-table.js';

interface ReplicateFlags {
  as?: string;
  config?: string;
  minCopies?: number;
  json?: boolean;
  stallTimeoutMs: number;
}

export function replicateCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('replicate')
    .description(
      tr(ctx.lang, {
        en: 'stream a file to every node at once: verified by SHA-256, atomic, versioned',
        'pt-BR':
          'transmite um arquivo para todos os nós ao mesmo tempo: verificado por SHA-256, atômico, versionado',
      }),
    )
    .argument('<file>', tr(ctx.lang, { en: 'the file to replicate', 'pt-BR': 'o arquivo a replicar' }))
    .option(
      '--as <name>',
      tr(ctx.lang, {
        en: 'name on the nodes, e.g. films/demo.mp4 (default: the file name)',
        'pt-BR': 'nome nos nós, ex.: films/demo.mp4 (padrão: o nome do arquivo)',
      }),
    )
    .option('--config <file>', tr(ctx.lang, FLAG_HELP.clusterFile), DEFAULT_CONFIG)
    .option(
      '--min-copies <n>',
      tr(ctx.lang, {
        en: 'succeed when at least this many nodes stored it (default: all)',
        'pt-BR': 'dá certo quando pelo menos esta quantidade de nós o gravou (padrão: todos)',
      }),
      intArg(1, 1000, 'a count'),
    )
    .option(
      '--stall-timeout-ms <ms>',
      tr(ctx.lang, {
        en: 'drop a node that takes no data for this long',
        'pt-BR': 'descarta um nó que não recebe dados por este tempo',
      }),
      intArg(100, 600_000, 'a time in ms'),
      10_000,
    )
    .option('--json', tr(ctx.lang, FLAG_HELP.json));
  cmd.action((file: string, flags: ReplicateFlags) => run(runReplicate(file, flags, ctx)));
  return cmd;
}

const RESULT_PT = { created: 'novo', replaced: 'substituído', unchanged: 'já estava igual' } as const;

function speed(bytes: number, ms: number): string {
  return ms > 0 && bytes > 0 ? `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s` : '-';
}

async function runReplicate(file: string, flags: ReplicateFlags, ctx: CliContext): Promise<number> {
  const lang = ctx.lang;
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) {
    const why = !s
      ? { en: 'no such file', 'pt-BR': 'arquivo inexistente' }
      : s.isDirectory()
        ? {
            en: 'it is a folder: replicate the files in it one by one',
            'pt-BR': 'é uma pasta: replique os arquivos dela um a um',
          }
        : { en: 'not a regular file', 'pt-BR': 'não é um arquivo comum' };
    throw new DsmError('DSM_USAGE', {
      detail: tr(lang, {
        en: `Cannot read ${file}: ${why.en}`,
        'pt-BR': `Não foi possível ler ${file}: ${why['pt-BR']}`,
      }),
    });
  }
  const name = flags.as ?? basename(file);
  const storedAs = checkedStorableName(name);
  const access = await loadClusterAccess(flags.config, ctx, { createToken: true });
  if (!access.token) throw new DsmError('DSM_UNAUTHORIZED');
  const nodes = access.cfg.nodes;
  const minCopies = flags.minCopies ?? nodes.length;
  if (minCopies > nodes.length) {
    throw new DsmError('DSM_USAGE', {
      detail: tr(lang, {
        en: `--min-copies ${minCopies} is more than the ${nodes.length} nodes in ${access.cfg.file}`,
        'pt-BR': `--min-copies ${minCopies} é maior que os ${nodes.length} nós de ${access.cfg.file}`,
      }),
    });
  }

  const progress = makeProgress(
    ctx,
    flags,
    nodes.map((n) => n.name),
    s.size,
    name,
  );
  const result = await replicateFile({
    file,
    name: storedAs,
    targets: nodes.map((n) => ({ node: n.name, base: access.urls.get(n.name) as string })),
    token: access.token.token,
    version: newVersion(Date.now(), seededRng(Date.now() ^ process.pid)),
    stallTimeoutMs: flags.stallTimeoutMs,
    onProgress: progress.update,
  });
  progress.stop(result.outcomes);

  const stored = result.outcomes.filter((o) => o.kind === 'stored' && o.verified);
  const missed = result.outcomes.filter((o) => !(o.kind === 'stored' && o.verified)).map((o) => o.node);
  const ok = stored.length >= minCopies;
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ ...result, ok, minCopies, missed }, null, 2)}\n`);
    return ok ? EXIT_OK : EXIT_FAILED;
  }
  const rows = result.outcomes.map((o) => [
    o.node,
    o.kind === 'stored'
      ? tr(lang, { en: `stored (${o.result})`, 'pt-BR': `gravado (${RESULT_PT[o.result]})` })
      : tr(lang, { en: 'failed: ', 'pt-BR': 'falhou: ' }) + failureWords(o.reason, o.node, o.detail, lang),
    formatBytes(o.bytes),
    `${(o.ms / 1000).toFixed(1)} s`,
    speed(o.bytes, o.ms),
    o.kind === 'stored'
      ? o.verified
        ? tr(lang, { en: 'verified', 'pt-BR': 'verificado' })
        : 'MISMATCH'
      : '-',
  ]);
  const header = tr(lang, {
    en: 'node|result|bytes|time|speed|sha256',
    'pt-BR': 'nó|resultado|bytes|tempo|velocidade|sha256',
  }).split('|');
  ctx.stdout.write(`\n${textTable(header, rows, new Set([2, 3, 4]))}\n\n`);
  ctx.stdout.write(
    `${name}: ${formatBytes(result.size)} · sha256 ${result.sha256.slice(0, 16)}… · ${tr(lang, { en: 'version', 'pt-BR': 'versão' })} ${result.version}\n`,
  );
  if (ok) {
    ctx.stdout.write(
      tr(lang, {
        en: `Stored on ${stored.length} of ${nodes.length} nodes.\n`,
        'pt-BR': `Gravado em ${stored.length} de ${nodes.length} nós.\n`,
      }),
    );
    return EXIT_OK;
  }
  ctx.stderr.write(
    tr(lang, {
      en: `dsm: only ${stored.length} of ${nodes.length} nodes stored ${name} (needed ${minCopies}); missed: ${missed.join(', ')}\n`,
      'pt-BR': `dsm: só ${stored.length} de ${nodes.length} nós gravaram ${name} (eram necessários ${minCopies}); faltaram: ${missed.join(', ')}\n`,
    }),
  );
  return EXIT_FAILED;
}

interface Progress {
  update: (sent: ReadonlyMap<string, number>, size: number) => void;
  stop: (outcomes: NodeOutcome[]) => void;
}

/** Bars on a terminal; on a pipe or in CI, a plain line every 2 s. Nothing with --json. */
function makeProgress(
  ctx: CliContext,
  flags: ReplicateFlags,
  nodes: string[],
  size: number,
  name: string,
): Progress {
  const t0 = performance.now();
  if (flags.json) return { update: () => undefined, stop: () => undefined };
  if (ctx.stdout.isTTY) {
    const multi = new cliProgress.MultiBar(
      {
        format: ' {node} {bar} {percentage}% · {done}/{all} · {speed} · ETA {eta_formatted}',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        stream: ctx.stdout,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...nodes.map((n) => n.length));
    const bars = new Map(
      nodes.map((n) => [
        n,
        multi.create(size, 0, { node: n.padEnd(width), done: '0 B', all: formatBytes(size), speed: '-' }),
      ]),
    );
    return {
      update: (sent) => {
        const ms = performance.now() - t0;
        for (const [n, b] of bars) {
          const v = sent.get(n) ?? 0;
          b.update(v, { done: formatBytes(v), speed: speed(v, ms) });
        }
      },
      stop: () => multi.stop(),
    };
  }
  let last = 0;
  ctx.stdout.write(
    tr(ctx.lang, {
      en: `replicating ${name} (${formatBytes(size)}) to ${nodes.join(', ')}\n`,
      'pt-BR': `replicando ${name} (${formatBytes(size)}) para ${nodes.join(', ')}\n`,
    }),
  );
  return {
    update: (sent) => {
      const now = performance.now();
      if (now - last < 2000) return;
      last = now;
      const parts = nodes.map((n) => `${n} ${size ? Math.floor(((sent.get(n) ?? 0) / size) * 100) : 100}%`);
      ctx.stdout.write(`  ${parts.join(' · ')} · ${speed(Math.max(...sent.values()), now - t0)}\n`);
    },
    stop: () => undefined,
  };
}
