/**
 * The `dsm` command line: the only place that wires the layers together.
 * Exit codes: 0 ok, 1 failed, 2 bad usage.
 */
import { CommanderError } from 'commander';
import { makeContext } from './cli-context.js';
import { dsmProgram } from './dsm-program.js';
import { EXIT_USAGE, reportError } from './errors.js';

export async function main(argv: string[]): Promise<number> {
  const ctx = makeContext(argv);
  let pending: Promise<number> | undefined;
  const program = dsmProgram(ctx, (p) => {
    pending = p;
  });

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
