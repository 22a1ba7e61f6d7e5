/**
 * `dsm rm <name> [--config nodes.json] [--json]`: deletes a file on every node, leaving a versioned
 * tombstone on each so that no later sync brings it back. Exit 1 when a node could not be reached.
 */
import { Command } from 'commander';
import { classifyFailure } from '../client/classify-failure.js';
import { fileUrl } from '../client/node-url.js';
import { DsmError } from '../shared/errors.js';
import { tr } from '../shared/i18n.js';
import { seededRng } from '../shared/random.js';
import { checkedStorableName } from '../shared/safe-path.js';
import { newVersion } from '../shared/version.js';
import type { CliContext } from './cli-context.js';
import { loadClusterAccess } from './cluster-config.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { failureWords } from './failure-words.js';
import { DEFAULT_CONFIG, FLAG_HELP } from './options.js';
import { textTable } from './text-table.js';

interface RmFlags {
  config?: string;
  json?: boolean;
}

type RmOutcome =
  | { node: string; kind: 'deleted'; existed: boolean }
  | { node: string; kind: 'failed'; detail: string };

export function rmCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('rm')
    .description(
      tr(ctx.lang, {
        en: 'delete a file on every node (a versioned tombstone keeps it from coming back)',
        'pt-BR': 'apaga um arquivo em todos os nós (uma lápide versionada impede que ele volte)',
      }),
    )
    .argument('<name>', tr(ctx.lang, { en: 'the name on the nodes', 'pt-BR': 'o nome nos nós' }))
    .option('--config <file>', tr(ctx.lang, FLAG_HELP.clusterFile), DEFAULT_CONFIG)
    .option('--json', tr(ctx.lang, FLAG_HELP.json));
  cmd.action((name: string, flags: RmFlags) => run(runRm(name, flags, ctx)));
  return cmd;
}

async function runRm(name: string, flags: RmFlags, ctx: CliContext): Promise<number> {
  const lang = ctx.lang;
  // Checked here: a URL parser would quietly turn `../x` into `x`.
  checkedStorableName(name);
  const access = await loadClusterAccess(flags.config, ctx, { createToken: false });
  if (!access.token) throw new DsmError('DSM_UNAUTHORIZED');
  const version = newVersion(Date.now(), seededRng(Date.now() ^ process.pid));
  const outcomes = await Promise.all(
    access.cfg.nodes.map(async (n): Promise<RmOutcome> => {
      try {
        const res = await fetch(fileUrl(access.urls.get(n.name) as string, name), {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${access.token?.token}`, 'X-Dsm-Version': String(version) },
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await res.json().catch(() => ({}))) as {
          existed?: boolean;
          error?: { message?: string };
        };
        if (res.ok) return { node: n.name, kind: 'deleted', existed: Boolean(body.existed) };
        return { node: n.name, kind: 'failed', detail: body.error?.message ?? `HTTP ${res.status}` };
      } catch (err) {
        const f = classifyFailure(err);
        return {
          node: n.name,
          kind: 'failed',
          detail: f.kind === 'refused' ? failureWords('refused', n.name, f.detail, lang) : f.detail,
        };
      }
    }),
  );
  const ok = outcomes.every((o) => o.kind === 'deleted');
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ name, version, ok, outcomes }, null, 2)}\n`);
    return ok ? EXIT_OK : EXIT_FAILED;
  }
  const rows = outcomes.map((o) => [
    o.node,
    o.kind === 'deleted'
      ? o.existed
        ? tr(lang, { en: 'deleted', 'pt-BR': 'apagado' })
        : tr(lang, { en: 'was not there (tombstone kept)', 'pt-BR': 'não existia (lápide gravada)' })
      : tr(lang, { en: 'failed: ', 'pt-BR': 'falhou: ' }) + o.detail,
  ]);
  ctx.stdout.write(
    `${textTable(tr(lang, { en: 'node|result', 'pt-BR': 'nó|resultado' }).split('|'), rows)}\n`,
  );
  if (!ok) {
    ctx.stderr.write(
      tr(lang, {
        en: `dsm: ${name} was not deleted everywhere: the nodes that missed it delete it when they sync\n`,
        'pt-BR': `dsm: ${name} não foi apagado em todos os nós: os que faltaram apagam ao sincronizar\n`,
      }),
    );
  }
  return ok ? EXIT_OK : EXIT_FAILED;
}
