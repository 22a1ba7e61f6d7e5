/**
 * `dsm node`: one storage node in the foreground.
 *
 *   dsm node --name node1 --port 8001 --latency-ms 50 --root node1/storage   (the original's flags)
 *   dsm node --config nodes.json --name node1                                 (settings from the file)
 *
 * Where the settings come from: `--config` given → the file, flags override it; else `--root`
 * given → the flags alone; else `nodes.json` in the current folder if it exists; else the flags'
 * defaults (node1 on 8001, root node1/storage).
 *
 * With a cluster file, the other nodes in it are the node's peers: it runs anti-entropy with them
 * (`antiEntropyIntervalMs` / `--anti-entropy-interval-ms`). A peer on port 0 in the file cannot be
 * found and is left out. A node started from flags alone has no peers. Every node scrubs its own disk.
 *
 * This file defines the command and its flags; `run-node.ts` runs it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS } from '../shared/defaults.js';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_CONFIG, intArg, msArg, portArg } from './options.js';

export interface NodeFlags {
  name: string;
  config?: string;
  port: number;
  host: string;
  latencyMs: number;
  jitterMs: number;
  root?: string;
  maxUploadMib: number;
  log: 'text' | 'json';
  quiet?: boolean;
  seed?: number;
  antiEntropyIntervalMs: number;
  scrubIntervalMs: number;
  scrubMbps: number;
}

function mbpsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0) || n > 100_000) {
    throw new InvalidArgumentError('a rate in MB/s must be a number above 0 (e.g. 50 or 0.5).');
  }
  return n;
}

export function nodeCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('node')
    .description(
      tr(ctx.lang, {
        en: 'start a storage node: serve a folder over HTTP, with a simulated network latency',
        'pt-BR': 'inicia um nó de armazenamento: serve uma pasta por HTTP, com uma latência de rede simulada',
      }),
    )
    .option(
      '--name <name>',
      tr(ctx.lang, {
        en: 'node name, shown in logs and X-Served-By',
        'pt-BR': 'nome do nó, mostrado nos logs e em X-Served-By',
      }),
      'node1',
    )
    .option(
      '--config <file>',
      tr(ctx.lang, {
        en: `take the node's settings from this cluster file (default: ${DEFAULT_CONFIG} if present)`,
        'pt-BR': `pega as configurações do nó neste arquivo do cluster (padrão: ${DEFAULT_CONFIG}, se existir)`,
      }),
    )
    .option(
      '--port <port>',
      tr(ctx.lang, { en: 'TCP port (0 = any free port)', 'pt-BR': 'porta TCP (0 = qualquer porta livre)' }),
      portArg,
      8001,
    )
    .option(
      '--host <address>',
      tr(ctx.lang, {
        en: 'address to bind; 0.0.0.0 serves your whole network',
        'pt-BR': 'endereço em que escutar; 0.0.0.0 serve a sua rede inteira',
      }),
      DEFAULTS.host,
    )
    .option(
      '--latency-ms <ms>',
      tr(ctx.lang, {
        en: 'simulated latency before the first byte of every response',
        'pt-BR': 'latência simulada antes do primeiro byte de cada resposta',
      }),
      msArg,
      DEFAULTS.latencyMs,
    )
    .option(
      '--jitter-ms <ms>',
      tr(ctx.lang, {
        en: 'random spread of the latency, ± ms',
        'pt-BR': 'variação aleatória da latência, ± ms',
      }),
      msArg,
      DEFAULTS.jitterMs,
    )
    .option(
      '--root <folder>',
      tr(ctx.lang, {
        en: 'folder to serve, created if missing (default: <name>/storage)',
        'pt-BR': 'pasta a servir, criada se não existir (padrão: <name>/storage)',
      }),
    )
    .option(
      '--max-upload-mib <MiB>',
      tr(ctx.lang, { en: 'largest accepted upload', 'pt-BR': 'maior envio (upload) aceito' }),
      intArg(1, 2 ** 30, 'a size in MiB'),
      DEFAULTS.maxUploadMiB,
    )
    .addOption(
      new Option('--log <format>', tr(ctx.lang, { en: 'log format', 'pt-BR': 'formato do log' }))
        .choices(['text', 'json'])
        .default(DEFAULTS.log),
    )
    .option('--quiet', tr(ctx.lang, { en: 'no line per request', 'pt-BR': 'nenhuma linha por requisição' }))
    .option(
      '--seed <n>',
      tr(ctx.lang, {
        en: 'seed for the jitter and the odds of faults, to replay a demo exactly (default: random, printed at start)',
        'pt-BR':
          'semente do jitter e das chances das falhas, para repetir uma demonstração exatamente (padrão: aleatória, mostrada ao iniciar)',
      }),
      intArg(0, 2 ** 31 - 1, 'a seed'),
    )
    .option(
      '--anti-entropy-interval-ms <ms>',
      tr(ctx.lang, {
        en: 'how often to compare files with the other nodes of --config and pull what is missing (0 = off)',
        'pt-BR':
          'com que frequência comparar os arquivos com os outros nós do --config e puxar o que falta (0 = desligado)',
      }),
      intArg(0, 86_400_000, 'a time in ms'),
      DEFAULTS.antiEntropyIntervalMs,
    )
    .option(
      '--scrub-interval-ms <ms>',
      tr(ctx.lang, {
        en: 'pause between two re-reads of every file to find corrupt copies (0 = off)',
        'pt-BR':
          'pausa entre duas releituras de todos os arquivos, para achar cópias corrompidas (0 = desligado)',
      }),
      intArg(0, 604_800_000, 'a time in ms'),
      DEFAULTS.scrubIntervalMs,
    )
    .option(
      '--scrub-mbps <MB/s>',
      tr(ctx.lang, {
        en: 'read rate limit of those re-reads',
        'pt-BR': 'limite da taxa de leitura dessas releituras',
      }),
      mbpsArg,
      DEFAULTS.scrubMBps,
    );
  // The node's own modules (server, store, logger) load only when a node starts: every other command
  // starts faster without them.
  cmd.action((flags: NodeFlags) => run(import('./run-node.js').then((m) => m.runNode(flags, cmd, ctx))));
  return cmd;
}
