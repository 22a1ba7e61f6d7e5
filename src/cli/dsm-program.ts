/**
 * The `dsm` command tree, built for one context: every command, the usage errors on one line, and
 * `--help` in the context's language. `main.ts` parses the command line with it; tests build it to read
 * its help without starting a process.
 */
import { Command, Option } from 'commander';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';
import { clusterCommand } from './cluster-command.js';
import { faultCommand } from './fault-command.js';
import { gatewayCommand } from './gateway-command.js';
import { localizeHelp } from './localize-help.js';
import { lsCommand } from './ls-command.js';
import { nodeCommand } from './node-command.js';
import { pickCommand } from './pick-command.js';
import { replicateCommand } from './replicate-command.js';
import { rmCommand } from './rm-command.js';
import { startCommand } from './start-command.js';
import { statusCommand } from './status-command.js';
import { stopCommand } from './stop-command.js';
import { usageErrorIn } from './usage-error-words.js';

export const VERSION = '0.1.0';

const HINT = { en: 'add --help to see every flag', 'pt-BR': 'use --help para ver todas as opções' };

/** `run` receives the promise of the command that the command line chose. */
export function dsmProgram(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  /**
   * Commander's usage errors as one line like every other error of dsm, the hint on the same line:
   * `dsm: unknown option '--bogus' (add --help to see every flag)`.
   */
  const usageErrorsOn = (cmd: Command): Command =>
    cmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) =>
        write(`dsm: ${usageErrorIn(ctx.lang, s.trim().replace(/^error: /, ''))} (${tr(ctx.lang, HINT)})\n`),
    });
  const program = new Command('dsm')
    .description(
      tr(ctx.lang, {
        en: 'distributed-streaming-mini: a small distributed video store to show latency, replication and availability',
        'pt-BR':
          'distributed-streaming-mini: um pequeno armazenamento distribuído de vídeos para mostrar latência, replicação e disponibilidade',
      }),
    )
    .version(
      VERSION,
      '-v, --version',
      tr(ctx.lang, { en: 'output the version number', 'pt-BR': 'mostra o número da versão' }),
    )
    .addOption(
      new Option(
        '--lang <lang>',
        tr(ctx.lang, {
          en: 'language of messages (default: from LANG)',
          'pt-BR': 'idioma das mensagens (padrão: o do LANG)',
        }),
      ).choices(['en', 'pt-BR']),
    );
  usageErrorsOn(program);
  for (const cmd of [
    nodeCommand,
    replicateCommand,
    rmCommand,
    faultCommand,
    lsCommand,
    clusterCommand,
    gatewayCommand,
    statusCommand,
    stopCommand,
    startCommand,
    pickCommand,
  ]) {
    program.addCommand(usageErrorsOn(cmd(ctx, run)));
  }
  return localizeHelp(program, ctx.lang);
}
