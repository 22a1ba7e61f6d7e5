/**
 * `npm run bench`: runs the benchmark modules and prints their reports; each module's figures are also
 * written to bench/results/<module>-<date>.json (git-ignored).
 *
 *   npm run bench                                  every module
 *   npm run bench -- --only serving                one module (comma-separated list)
 *   npm run bench -- --rounds 3 --seconds 10       more, longer rounds (default 2 x 5 s, as the reference)
 *   npm run bench -- --workloads seq_c1,small_c32  some serving workloads only
 *   npm run bench -- --skip-rss                    no 50 x 1 GiB streaming / peak RSS test
 *   npm run bench -- --server-cmd "node /tmp/x.mjs --port {port} --host {host} --root {root}"
 *                                                  measure another server as "ours"
 *   npm run bench -- --path-template /files/{name} where our server serves a file of its root
 *   npm run bench -- --check                       exit 1 when a target is missed
 *
 * To add a benchmark: a module exporting a BenchModule (see util.ts), listed in `modules` below.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { convergeBench } from './converge.js';
import { gatewayBench } from './gateway.js';
import { pickBench } from './pick.js';
import { replicateBench } from './replicate.js';
import { servingBench } from './serving.js';
import { servingFloorBench } from './serving-floor.js';
import {
  type BenchModule,
  type BenchOutcome,
  fileTimestamp,
  installSignalHandlers,
  isStopping,
  MissingToolError,
  projectRoot,
  runCleanups,
} from './util.js';

const modules: BenchModule[] = [
  servingBench,
  servingFloorBench,
  pickBench,
  replicateBench,
  convergeBench,
  gatewayBench,
];

/** The last line's word on a module's figures. */
function verdictOf(outcome: BenchOutcome): string {
  if (outcome.informational) return 'for information, no targets';
  return outcome.passed ? 'all targets met' : 'some targets missed';
}

const usage = `Usage: npm run bench -- [options]

  --only <names>        modules to run, comma-separated: ${modules.map((m) => m.name).join(', ')}
  --rounds <n>          interleaved rounds per figure (default 2)
  --seconds <n>         seconds per round (default 5)
  --workloads <ids>     serving workloads only (seq_c1, seq_c4, range64k_c32, small_c32)
  --skip-rss            skip the streaming test (50 clients x 1 GiB, peak RSS)
  --rss-clients <n>     clients in the streaming test (default 50)
  --server-cmd <cmd>    start this instead of our node: split on spaces, {port} {host} {root} filled in;
                        it must print "listening on http://127.0.0.1:<port>" when ready
  --path-template <p>   URL path of a file on our node (default: /{name})
  --check               exit 1 if a target is missed
  -h, --help            this text

Modules:
${modules.map((m) => `  ${m.name.padEnd(10)} ${m.description}`).join('\n')}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      rounds: { type: 'string', default: '2' },
      seconds: { type: 'string', default: '5' },
      workloads: { type: 'string' },
      'skip-rss': { type: 'boolean', default: false },
      'rss-clients': { type: 'string' },
      'server-cmd': { type: 'string' },
      'path-template': { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const rounds = positiveInt('--rounds', values.rounds);
  const seconds = positiveInt('--seconds', values.seconds);
  const names = values.only?.split(',').map((s) => s.trim()) ?? modules.map((m) => m.name);
  const unknown = names.filter((n) => !modules.some((m) => m.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown benchmark ${unknown.join(', ')}: choose from ${modules.map((m) => m.name).join(', ')}`,
    );
  }

  installSignalHandlers();
  const resultsDir = join(projectRoot, 'bench', 'results');
  let allPassed = true;
  let failed = false;
  for (const module of modules.filter((m) => names.includes(m.name))) {
    const log = (msg: string) => console.error(`[${module.name}] ${msg}`);
    const started = Date.now();
    let outcome: BenchOutcome;
    try {
      outcome = await module.run({
        rounds,
        seconds,
        log,
        options: {
          workloads: values.workloads,
          skipRss: values['skip-rss'],
          rssClients: values['rss-clients'],
          serverCmd: values['server-cmd'],
          pathTemplate: values['path-template'],
        },
      });
    } catch (err) {
      // One module that cannot run (a missing tool, a server that does not start) does not stop the others.
      await runCleanups();
      if (isStopping()) throw err;
      console.error(`${module.name}: ${err instanceof Error ? err.message : String(err)}`);
      failed = true;
      continue;
    }
    await runCleanups();
    await mkdir(resultsDir, { recursive: true });
    const file = join(resultsDir, `${module.name}-${fileTimestamp()}.json`);
    await writeFile(file, `${JSON.stringify(outcome.json, null, 2)}\n`);
    console.log(`\n${outcome.report}\n`);
    console.log(
      `${module.name}: ${verdictOf(outcome)}; took ` +
        `${Math.round((Date.now() - started) / 1000)} s; figures in ${file}`,
    );
    allPassed &&= outcome.passed;
  }
  if (failed) return 1;
  return values.check && !allPassed ? 1 : 0;
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`Cannot parse ${flag} ${value}: expected a whole number >= 1`);
  return n;
}

main().then(
  async (code) => {
    await runCleanups();
    process.exitCode = code;
  },
  async (err: unknown) => {
    await runCleanups();
    if (isStopping()) return; // Ctrl+C: the signal handler exits; the error is only its echo.
    if (err instanceof MissingToolError) console.error(err.message);
    else console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
