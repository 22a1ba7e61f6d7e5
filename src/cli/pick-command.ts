/**
 * `dsm pick <name>`: asks every node in nodes.json at once how fast it answers and which version of the
 * file it holds, prints why it chose one, and opens the file from it in the default browser.
 *
 *   dsm pick demo.mp4                      table, then the browser (only in a terminal, never under CI)
 *   dsm pick demo.mp4 --no-open            table and URL only
 *   dsm pick demo.mp4 --json               the same as JSON, with the time the decision took
 *   dsm pick demo.mp4 --samples 5 --timeout-ms 1000 --config lab/nodes.json
 *
 * Exit codes: 0 chosen, 1 no node can serve the file, 2 bad usage (flags, name, nodes.json).
 * The original `pick_node_and_open.py demo.mp4` timed /health on each node in turn and opened
 * `http://localhost:PORT/demo.mp4` of the fastest, whether or not it had the file.
 */
import { Command } from 'commander';
import { createHttpFetch } from '../client/http-fetch.js';
import { createNodeClient, type FetchLike } from '../client/node-client.js';
import { nodeUrl } from '../client/node-url.js';
import { type PickResult, pickNode } from '../selection/pick.js';
import { loadClusterConfig } from '../shared/config-loader.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import { type Lang, tr } from '../shared/i18n.js';
import { systemClock } from '../shared/random.js';
import { parseTargetPath } from '../shared/safe-path.js';
import type { CliContext } from './cli-context.js';
import { mayOpenBrowser, openUrl } from './open-url.js';
import { DEFAULT_CONFIG, intArg } from './options.js';
import { type PickReportInput, pickJson, pickSummary, pickTable } from './pick-report.js';

interface PickFlags {
  config: string;
  samples: number;
  timeoutMs: number;
  open: boolean;
  json?: boolean;
}

export function pickCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('pick')
    .description(
      tr(ctx.lang, {
        en: 'probe every node at once and open the file from the fastest node that holds its newest version',
        'pt-BR':
          'sonda todos os nós ao mesmo tempo e abre o arquivo a partir do nó mais rápido que tem a versão mais nova dele',
      }),
    )
    .argument(
      '<name>',
      tr(ctx.lang, {
        en: 'the file, as the nodes name it (demo.mp4, films/intro.webm)',
        'pt-BR': 'o arquivo, com o nome que ele tem nos nós (demo.mp4, films/intro.webm)',
      }),
    )
    .option(
      '--config <file>',
      tr(ctx.lang, {
        en: 'cluster file listing the nodes',
        'pt-BR': 'arquivo do cluster com a lista dos nós',
      }),
      DEFAULT_CONFIG,
    )
    .option(
      '--samples <n>',
      tr(ctx.lang, {
        en: '/health round trips per node; the median ranks it',
        'pt-BR': 'idas e voltas ao /health por nó; a mediana define a posição do nó',
      }),
      intArg(1, 20, 'the number of samples'),
      DEFAULTS.pickSamples,
    )
    .option(
      '--timeout-ms <ms>',
      tr(ctx.lang, {
        en: 'a request with no answer after this long marks the node down',
        'pt-BR': 'uma requisição sem resposta depois deste tempo marca o nó como fora do ar',
      }),
      intArg(1, 600_000, 'a time in ms'),
      DEFAULTS.pickTimeoutMs,
    )
    .option(
      '--no-open',
      tr(ctx.lang, {
        en: 'print the URL without opening a browser',
        'pt-BR': 'mostra a URL sem abrir um navegador',
      }),
    )
    .option(
      '--json',
      tr(ctx.lang, { en: 'print the result as JSON', 'pt-BR': 'mostra o resultado em JSON' }),
    );
  cmd.action((name: string, flags: PickFlags) => run(runPick(name, flags, ctx)));
  return cmd;
}

/** Checks the name as the node will (no `..`, no hidden files), so a typo fails here with exit 2. */
function checkName(name: string, lang: Lang): void {
  const target = parseTargetPath(`/${name.split('/').map(encodeURIComponent).join('/')}`);
  if (target.kind === 'ok' && target.segments.length > 0) return;
  const why = target.kind === 'bad' ? target.reason : target.kind === 'hidden' ? 'hidden' : 'empty';
  throw new DsmError('DSM_USAGE', {
    detail: tr(lang, {
      en: `Cannot pick ${JSON.stringify(name)}: not a file name a node serves (${why})`,
      'pt-BR': `Não é possível escolher ${JSON.stringify(name)}: não é um nome de arquivo que um nó serve (${why})`,
    }),
  });
}

/** A node listed on port 0 got a free port when it started, which nodes.json does not know. */
const unknownPort: FetchLike = () =>
  Promise.reject(new Error('port 0 in nodes.json: the port it really listens on is unknown'));

function noneError(result: PickResult, name: string, file: string): DsmError | undefined {
  const d = result.decision;
  if (d.kind === 'chosen') return undefined;
  if (d.reason.why === 'all-down')
    return new DsmError('DSM_PICK_ALL_DOWN', { name, count: result.nodes.length, file });
  if (d.reason.why === 'deleted') {
    return new DsmError('DSM_PICK_DELETED', { name, version: d.reason.version, node: d.reason.node });
  }
  return new DsmError('DSM_PICK_NOT_FOUND', { name, asked: result.nodes.map((n) => n.name).join(', ') });
}

async function runPick(name: string, flags: PickFlags, ctx: CliContext): Promise<number> {
  checkName(name, ctx.lang);
  const cfg = await loadClusterConfig(flags.config);
  const http = createHttpFetch();
  const nodes = cfg.nodes.map((n) => ({
    name: n.name,
    client: createNodeClient(nodeUrl(n), n.port === 0 ? unknownPort : http.fetch),
  }));
  const lang = ctx.lang;
  const out = (line = '') => ctx.stdout.write(`${line}\n`);
  if (!flags.json) {
    out(
      tr(lang, {
        en: `Probing ${nodes.length} nodes for ${name} at once (${flags.samples} samples each, timeout ${flags.timeoutMs} ms)…`,
        'pt-BR': `Consultando ${nodes.length} nós ao mesmo tempo por ${name} (${flags.samples} amostras cada, limite ${flags.timeoutMs} ms)…`,
      }),
    );
  }

  let result: PickResult;
  try {
    result = await pickNode({
      nodes,
      file: name,
      samples: flags.samples,
      timeoutMs: flags.timeoutMs,
      clock: systemClock,
    });
  } finally {
    http.close();
  }
  const input: PickReportInput = { file: name, samples: flags.samples, timeoutMs: flags.timeoutMs, result };
  const error = noneError(result, name, cfg.file);
  const tryOpen =
    result.url !== undefined && mayOpenBrowser({ open: flags.open, isTTY: ctx.stdout.isTTY, ci: ctx.env.CI });
  const opened = tryOpen && result.url ? await openUrl(result.url) : undefined;

  if (flags.json) {
    out(JSON.stringify(pickJson(input, lang, { opened: opened?.ok === true, error }), null, 2));
  } else {
    out();
    out(pickTable(input, lang));
    out();
    for (const line of pickSummary(input, lang)) out(line);
    if (result.url) out(`URL: ${result.url}`);
    if (opened?.ok) out(tr(lang, { en: 'Opened it in your browser.', 'pt-BR': 'Aberta no navegador.' }));
    else if (result.url && !tryOpen && flags.open) {
      out(
        ctx.stdout.isTTY
          ? tr(lang, {
              en: '(No browser opened: CI is set.)',
              'pt-BR': '(Nenhum navegador aberto: CI está definido.)',
            })
          : tr(lang, {
              en: '(No browser opened: the output is not a terminal.)',
              'pt-BR': '(Nenhum navegador aberto: a saída não é um terminal.)',
            }),
      );
    }
  }
  if (opened && !opened.ok) {
    ctx.stderr.write(
      `dsm: ${tr(lang, {
        en: `Cannot open a browser (${opened.detail}): open the URL yourself`,
        'pt-BR': `Não foi possível abrir um navegador (${opened.detail}): abra a URL você mesmo`,
      })}\n`,
    );
  }
  if (error) throw error;
  return 0;
}
