/**
 * What commands that talk to every node start with: nodes.json (`--config`, default ./nodes.json)
 * and the token (DSM_TOKEN, nodes.json, .dsm/token beside it).
 */

import { nodeUrl } from '../client/node-url.js';
import { type LoadedConfig, loadClusterConfig } from '../shared/config-loader.js';
import { type ResolvedToken, resolveToken } from '../shared/token.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_CONFIG } from './options.js';

export interface ClusterAccess {
  cfg: LoadedConfig;
  token: ResolvedToken | undefined;
  /** name → `http://host:port` */
  urls: Map<string, string>;
}

export async function loadClusterAccess(
  configFlag: string | undefined,
  ctx: CliContext,
  opts: { createToken: boolean },
): Promise<ClusterAccess> {
  const cfg = await loadClusterConfig(configFlag ?? DEFAULT_CONFIG);
  const token = await resolveToken({
    envToken: ctx.env.DSM_TOKEN,
    configToken: cfg.token,
    configDir: cfg.dir,
    create: opts.createToken,
  });
  return { cfg, token, urls: new Map(cfg.nodes.map((n) => [n.name, nodeUrl(n)])) };
}
