/**
 * Where `dsm status`, `dsm stop` and `dsm start` find the running cluster: the supervisor's host and
 * port from nodes.json (`--config`, else ./nodes.json if present, else 127.0.0.1:8000), overridden by
 * `--host` / `--port`; the token as every command finds it (DSM_TOKEN, nodes.json, .dsm/token), never
 * created here: a command that creates a new token could not match the running cluster's anyway.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type LoadedConfig, loadClusterConfig } from '../shared/config-loader.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import { type Lang, tr } from '../shared/i18n.js';
import { resolveToken } from '../shared/token.js';
import type { ClusterStatus } from '../supervisor/control-server.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_CONFIG, intArg } from './options.js';

export interface ControlFlags {
  config?: string;
  host?: string;
  port?: number;
}

export interface ControlTarget {
  host: string;
  port: number;
  token: string | undefined;
}

/** A supervisor to talk to is never on port 0. */
export const controlPortArg = intArg(1, 65535, 'a port');

/** The flags every command that talks to the cluster has. */
export function addControlOptions(cmd: Command, lang: Lang): Command {
  return cmd
    .option(
      '--config <file>',
      tr(lang, {
        en: `the cluster's nodes.json (default: ${DEFAULT_CONFIG} if present)`,
        'pt-BR': `o nodes.json do cluster (padrão: ${DEFAULT_CONFIG}, se existir)`,
      }),
    )
    .option(
      '--host <address>',
      tr(lang, {
        en: `address of the cluster's supervisor (default: from nodes.json, else ${DEFAULTS.host})`,
        'pt-BR': `endereço do supervisor do cluster (padrão: o do nodes.json, senão ${DEFAULTS.host})`,
      }),
    )
    .option(
      '--port <port>',
      tr(lang, {
        en: `port of the cluster's supervisor (default: from nodes.json, else ${DEFAULTS.supervisorPort})`,
        'pt-BR': `porta do supervisor do cluster (padrão: a do nodes.json, senão ${DEFAULTS.supervisorPort})`,
      }),
      controlPortArg,
    );
}

export async function resolveControlTarget(flags: ControlFlags, ctx: CliContext): Promise<ControlTarget> {
  let cfg: LoadedConfig | undefined;
  if (flags.config !== undefined) cfg = await loadClusterConfig(flags.config);
  else if (existsSync(DEFAULT_CONFIG)) cfg = await loadClusterConfig(DEFAULT_CONFIG);
  const token = await resolveToken({
    envToken: ctx.env.DSM_TOKEN,
    configToken: cfg?.token,
    configDir: cfg?.dir,
    create: false,
  });
  const host = flags.host ?? cfg?.supervisor.host ?? DEFAULTS.host;
  return {
    // A supervisor bound to every interface is reached on loopback.
    host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host,
    port: flags.port ?? cfg?.supervisor.port ?? DEFAULTS.supervisorPort,
    token: token?.token,
  };
}

/**
 * Checks every name against the running cluster before acting on any: `dsm stop node1 nodeX` must not
 * stop node1 and then fail on the typo.
 */
export async function checkNodeNames(
  names: readonly string[],
  status: () => Promise<ClusterStatus>,
): Promise<void> {
  const s = await status();
  const known = s.nodes.map((n) => n.name);
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined) {
    throw new DsmError('DSM_NODE_NOT_IN_CONFIG', {
      name: unknown,
      file: s.supervisor.configFile,
      names: known.join(', '),
    });
  }
}
