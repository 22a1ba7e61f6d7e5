/**
 * `dsm start <node…>`: starts again nodes of the running cluster (`dsm cluster`) that were stopped
 * (`dsm stop`) or crashed. Fails (exit 1) if a node does not come up, with the node's last error line.
 *
 *   dsm start node1
 */
import { Command } from 'commander';
import { tr } from '../shared/i18n.js';
import { controlClient } from '../supervisor/control-client.js';
import type { CliContext } from './cli-context.js';
import {
  addControlOptions,
  type ControlFlags,
  checkNodeNames,
  resolveControlTarget,
} from './control-target.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { exitDescription } from './exit-description.js';

export function startCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = addControlOptions(
    new Command('start')
      .description(
        tr(ctx.lang, {
          en: 'start stopped or crashed nodes of the running cluster',
          'pt-BR': 'inicia nós parados ou que caíram do cluster em execução',
        }),
      )
      .argument(
        '<nodes...>',
        tr(ctx.lang, { en: 'names of the nodes to start', 'pt-BR': 'nomes dos nós a iniciar' }),
      ),
    ctx.lang,
  );
  cmd.action((names: string[], flags: ControlFlags) => run(runStart(names, flags, ctx)));
  return cmd;
}

async function runStart(names: string[], flags: ControlFlags, ctx: CliContext): Promise<number> {
  const target = await resolveControlTarget(flags, ctx);
  const client = controlClient({ ...target, fetch });
  // One name: the supervisor checks it; several: all of them first (a status call, so only then).
  if (names.length > 1) await checkNodeNames(names, client.status);
  let code = EXIT_OK;
  for (const name of names) {
    const { changed, node } = await client.start(name);
    const n = node.name;
    if (node.state === 'up') {
      const where = `${node.url} (pid ${node.pid})`;
      ctx.stdout.write(
        `${
          changed
            ? tr(ctx.lang, { en: `${n} is up: ${where}`, 'pt-BR': `${n} está no ar: ${where}` })
            : tr(ctx.lang, { en: `${n} was already up: ${where}`, 'pt-BR': `${n} já estava no ar: ${where}` })
        }\n`,
      );
    } else if (node.state === 'starting') {
      ctx.stdout.write(
        `${tr(ctx.lang, {
          en: `${n} is still starting (pid ${node.pid}): see "dsm status"`,
          'pt-BR': `${n} ainda está iniciando (pid ${node.pid}): veja "dsm status"`,
        })}\n`,
      );
    } else {
      code = EXIT_FAILED;
      const how = exitDescription(ctx.lang, node.exitCode, node.signal);
      const why = node.lastError ? `: ${node.lastError}` : '';
      ctx.stderr.write(
        `dsm: ${tr(ctx.lang, {
          en: `${n} did not start (${how})${why}`,
          'pt-BR': `${n} não iniciou (${how})${why}`,
        })}\n`,
      );
    }
  }
  return code;
}
