/**
 * `dsm stop <node…>`: stops nodes of the running cluster (`dsm cluster`) through its control API, the
 * way a machine goes down: the process ends (SIGTERM, SIGKILL after a grace period). `dsm start` brings
 * it back.
 *
 *   dsm stop node1
 *   dsm stop node2 node3 --port 9000
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
import { EXIT_OK } from './errors.js';

export function stopCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = addControlOptions(
    new Command('stop')
      .description(
        tr(ctx.lang, {
          en: 'stop nodes of the running cluster (as if their machine went down)',
          'pt-BR': 'para nós do cluster em execução (como se a máquina deles caísse)',
        }),
      )
      .argument(
        '<nodes...>',
        tr(ctx.lang, { en: 'names of the nodes to stop', 'pt-BR': 'nomes dos nós a parar' }),
      ),
    ctx.lang,
  );
  cmd.action((names: string[], flags: ControlFlags) => run(runStop(names, flags, ctx)));
  return cmd;
}

async function runStop(names: string[], flags: ControlFlags, ctx: CliContext): Promise<number> {
  const target = await resolveControlTarget(flags, ctx);
  const client = controlClient({ ...target, fetch });
  // One name: the supervisor checks it; several: all of them first (a status call, so only then).
  if (names.length > 1) await checkNodeNames(names, client.status);
  for (const name of names) {
    const { changed, node } = await client.stop(name);
    ctx.stdout.write(
      `${
        changed
          ? tr(ctx.lang, { en: `${node.name} stopped`, 'pt-BR': `${node.name} parado` })
          : tr(ctx.lang, {
              en: `${node.name} was not running (${node.state})`,
              'pt-BR': `${node.name} não estava rodando (${node.state})`,
            })
      }\n`,
    );
  }
  return EXIT_OK;
}
