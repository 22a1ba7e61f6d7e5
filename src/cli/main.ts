/**
 * The `dsm` command line: the only place that wires the layers together.
 * Exit codes: 0 ok, 1 failed, 2 bad usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { tr } from '../shared/i18n.js';
import { makeContext } from './cli-context.js';
import { clusterCommand } from './cluster-command.js';
import { EXIT_USAGE, reportError } from './errors.js';
import { faultCommand } from './fault-command.js';
import { gatewayCommand } from './gateway-command.js';
import { lsCommand } from './ls-command.js';
import { nodeCommand } from './node-command.js';
import { pickCommand } from './pick-command.js';
import { replicateCommand } from './replicate-command.js';
import { rmCommand } from './rm-command.js';
import { startCommand } from './start-command.js';
import { statusCommand } from './status-command.js';
import { stopCommand } from './stop-command.js';

const HINT = { en: 'add --help to see every flag', 'pt-BR': 'use --help para ver todas as opções' };

export async function main(argv: string[]): Promise<number> {
  const ctx = makeContext(argv);
  let pending: Promise<number> | undefined;
  const run = (p: Promise<number>) => {
    pending = p;
  };
  /**
   * Commander's usage errors as one line like every other error of dsm, the hint on the same line:
   * `dsm: unknown option '--bogus' (add --help to see every flag)`.
   */
  const usageErrorsOn = (cmd: Command): Command =>
    cmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(`dsm: ${s.trim().replace(/^error: /, '')} (${tr(ctx.lang, HINT)})\n`),
    });
  const program = new Command('dsm')
    .description(
      'distributed-streaming-mini: a small distributed video store to show latency, replication and availability',
    )
    .version(VERSION, '-v, --version')
    .addOption(
      new Option('--lang <lang>', 'language of messages (default: from LANG)').choices(['en', 'pt-BR']),
    );
  usageErrorsOn(program);
  program.addCommand(usageErrorsOn(nodeCommand(ctx, run)));
  for (const cmd of [
    replicateCommand,
    rmCommand,
    faultCommand,
    lsCommand,
    clusterCommand,
    gatewayCommand,
    statusCommand,
    stopCommand,
    startCommand,
  ]) {
    program.addCommand(usageErrorsOn(cmd(ctx, run)));
  }
  program.addCommand(usageErrorsOn(pickCommand(ctx, run)));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    return reportError(err, ctx);
  }
  if (!pending) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    return await pending;
  } catch (err) {
    return reportError(err, ctx);
  }
}

const VERSION = '0.1.0';

// `dsm status | head`: the reader went away; stop quietly, as Unix tools do, instead of an EPIPE stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Servers have closed by now; do not wait for stray timers.
    setImmediate(() => process.exit(code));
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
