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
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { nodeUrl } from '../client/node-url.js';
import { startNodeServer } from '../node/node-server.js';
import type { Peer } from '../node/peer-client.js';
import { findNode, loadClusterConfig } from '../shared/config-loader.js';
import { type NodeConfig, nodeConfigSchema } from '../shared/config-schema.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import { tr } from '../shared/i18n.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { seededRng, systemClock } from '../shared/random.js';
import { createRequestFeed } from '../shared/request-feed.js';
import { resolveToken } from '../shared/token.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_CONFIG, intArg, msArg, portArg } from './options.js';
import { onShutdownSignal } from './signals.js';
import { tuneV8ForStreaming } from './v8-tuning.js';

interface NodeFlags {
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
  cmd.action((flags: NodeFlags) => run(runNode(flags, cmd, ctx)));
  return cmd;
}

interface HealSettings {
  peers: Peer[];
  /** Peers left out: port 0 in the cluster file. */
  unreachable: string[];
  antiEntropyIntervalMs: number;
  scrubIntervalMs: number;
  scrubMBps: number;
}

async function resolveSettings(
  flags: NodeFlags,
  cmd: Command,
): Promise<{
  node: NodeConfig;
  configDir: string | undefined;
  configToken: string | undefined;
  heal: HealSettings;
}> {
  const given = (k: keyof NodeFlags) => cmd.getOptionValueSource(k) === 'cli';
  const useConfig = given('config') || (!given('root') && existsSync(DEFAULT_CONFIG));
  let base: Partial<NodeConfig> = {};
  let configDir: string | undefined;
  let configToken: string | undefined;
  const heal: HealSettings = {
    peers: [],
    unreachable: [],
    antiEntropyIntervalMs: flags.antiEntropyIntervalMs,
    scrubIntervalMs: flags.scrubIntervalMs,
    scrubMBps: flags.scrubMbps,
  };
  if (useConfig) {
    const cfg = await loadClusterConfig(flags.config ?? DEFAULT_CONFIG);
    base = findNode(cfg, flags.name);
    configDir = cfg.dir;
    configToken = cfg.token;
    for (const n of cfg.nodes) {
      if (n.name === flags.name) continue;
      if (n.port === 0) heal.unreachable.push(n.name);
      else heal.peers.push({ name: n.name, url: nodeUrl(n) });
    }
    if (!given('antiEntropyIntervalMs')) heal.antiEntropyIntervalMs = cfg.antiEntropyIntervalMs;
    if (!given('scrubIntervalMs')) heal.scrubIntervalMs = cfg.scrubIntervalMs;
    if (!given('scrubMbps')) heal.scrubMBps = cfg.scrubMBps;
  }
  const merged = {
    name: flags.name,
    host: given('host') || base.host === undefined ? flags.host : base.host,
    port: given('port') || base.port === undefined ? flags.port : base.port,
    latencyMs: given('latencyMs') || base.latencyMs === undefined ? flags.latencyMs : base.latencyMs,
    jitterMs: given('jitterMs') || base.jitterMs === undefined ? flags.jitterMs : base.jitterMs,
    root: resolve(flags.root ?? base.root ?? `${flags.name}/storage`),
    maxUploadMiB:
      given('maxUploadMib') || base.maxUploadMiB === undefined ? flags.maxUploadMib : base.maxUploadMiB,
  };
  const parsed = nodeConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DsmError('DSM_USAGE', { detail: `--${String(issue?.path[0] ?? 'name')}: ${issue?.message}` });
  }
  return { node: parsed.data, configDir, configToken, heal };
}

async function runNode(flags: NodeFlags, cmd: Command, ctx: CliContext): Promise<number> {
  tuneV8ForStreaming();
  const { node: settings, configDir, configToken, heal } = await resolveSettings(flags, cmd);
  const logger = createLogger({
    name: settings.name,
    format: flags.log,
    quiet: Boolean(flags.quiet),
    lang: ctx.lang,
  });
  // Under `dsm cluster` (an IPC channel to the supervisor), request records also go to the dashboard.
  const feed = process.send
    ? createRequestFeed({
        send: (batch) => {
          if (process.connected) process.send?.(batch);
        },
        wallMs: systemClock.wallMs,
        flushIntervalMs: DEFAULTS.requestFeedIntervalMs,
        maxBatch: DEFAULTS.requestFeedMaxBatch,
      })
    : undefined;
  const log: Logger = feed
    ? {
        ...logger,
        request: (r) => {
          logger.request(r);
          feed.push(r);
        },
        logsRequests: true,
      }
    : logger;
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const token = await resolveToken({ envToken: ctx.env.DSM_TOKEN, configToken, configDir, create: true });
  const node = await startNodeServer({
    ...settings,
    log,
    rng: seededRng(seed),
    token: token?.token,
    maxUploadBytes: settings.maxUploadMiB * 1024 * 1024,
    peers: heal.peers,
    antiEntropyIntervalMs: heal.antiEntropyIntervalMs,
    scrubIntervalMs: heal.scrubIntervalMs,
    scrubMBps: heal.scrubMBps,
  });
  if (heal.unreachable.length > 0 && heal.antiEntropyIntervalMs > 0) {
    const them = heal.unreachable.join(', ');
    log.warn({
      en: `no anti-entropy with ${them}: port 0 in the cluster file, so this node cannot find ${
        heal.unreachable.length === 1 ? 'it' : 'them'
      }`,
      'pt-BR': `sem antientropia com ${them}: porta 0 no arquivo do cluster, então este nó não os encontra`,
    });
  }
  if (!token)
    log.warn({
      en: 'read-only: no token (set DSM_TOKEN, or start with --config nodes.json to accept uploads)',
      'pt-BR':
        'somente leitura: sem token (defina DSM_TOKEN, ou inicie com --config nodes.json para aceitar envios)',
    });
  if (settings.host === '0.0.0.0' || settings.host === '::') {
    log.warn({
      en: `serving on every network interface (${settings.host}): anyone on this network can read these files`,
      'pt-BR': `servindo em todas as interfaces de rede (${settings.host}): qualquer um nesta rede pode ler estes arquivos`,
    });
  }
  const files = await node.store.fileCount();
  const jitter = settings.jitterMs ? ` ± ${settings.jitterMs}` : '';
  const seedText = flags.seed !== undefined || settings.jitterMs ? ` · seed ${seed}` : '';
  // Not translated: `dsm cluster` reads the port from this line (supervisor/listening-line.ts).
  log.info(
    `listening on ${node.url()} · root ${node.store.root} · latency ${settings.latencyMs}${jitter} ms · ${files} file${
      files === 1 ? '' : 's'
    }${seedText}`,
  );
  // Under `dsm cluster` the node has an IPC channel to its supervisor. When that closes (the supervisor
  // asks us to stop on Windows, which has no SIGTERM, or it died, even by SIGKILL) stop as on Ctrl+C, so
  // that no node outlives its cluster. Without a channel, 'disconnect' never fires.
  const parentGone = new Promise<void>((resolve) => process.once('disconnect', () => resolve()));
  await Promise.race([
    onShutdownSignal(ctx, () =>
      log.info({
        en: 'stopping: finishing running responses…',
        'pt-BR': 'parando: terminando as respostas em andamento…',
      }),
    ),
    parentGone,
  ]);
  await node.close();
  feed?.close();
  log.info({ en: 'stopped', 'pt-BR': 'parado' });
  return 0;
}
