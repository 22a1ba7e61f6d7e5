/**
 * `dsm node` running: the node's settings from the flags and the cluster file, then the server until
 * Ctrl+C or SIGTERM (or, under `dsm cluster`, until the supervisor goes away). The command and its
 * flags are in `node-command.ts`, which loads this file only when a node starts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { nodeUrl } from '../client/node-url.js';
import { startNodeServer } from '../node/node-server.js';
import type { Peer } from '../node/peer-client.js';
import { findNode, loadClusterConfig } from '../shared/config-loader.js';
import { type NodeConfig, nodeConfigSchema } from '../shared/config-schema.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { seededRng, systemClock } from '../shared/random.js';
import { createRequestFeed } from '../shared/request-feed.js';
import { resolveToken } from '../shared/token.js';
import type { CliContext } from './cli-context.js';
import type { NodeFlags } from './node-command.js';
import { DEFAULT_CONFIG } from './options.js';
import { onShutdownSignal } from './signals.js';
import { tuneV8ForStreaming } from './v8-tuning.js';

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

export async function runNode(flags: NodeFlags, cmd: Command, ctx: CliContext): Promise<number> {
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
