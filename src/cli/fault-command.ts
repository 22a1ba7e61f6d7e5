/**
 * `dsm fault <node>`: shows or changes the faults of a running node of nodes.json (GET / PUT
 * `/_dsm/faults`, with the token). A change applies at once, also to responses already streaming.
 *
 *   dsm fault node1                                         its faults now
 *   dsm fault node1 --latency-ms 500 --bandwidth-kbps 300   slow, and a video visibly buffers
 *   dsm fault node1 --error-rate 0.5 --error-status 503     half the requests fail
 *   dsm fault node1 --hang | --down | --reset-after-bytes 1000000
 *   dsm fault node1 --down --for-seconds 30                 down for 30 s, then back by itself
 *   dsm fault node1 --bandwidth-kbps 100 --toxicity 0.3     30% of the responses throttled
 *   dsm fault node1 --clear                                 no faults but the nodes.json latency
 *   dsm fault node1 --clear hang,down                       those types only
 *
 * How the flags combine with the node's other faults: see fault-flags.ts. Exit 1 when the node
 * cannot be reached or refuses the change, 2 for bad flags.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { classifyFailure } from '../client/classify-failure.js';
import { describeFault } from '../faults/describe-fault.js';
import type { ListedFault } from '../faults/fault-chain.js';
import { type FaultSpec, faultListSchema, MAX_FOR_SECONDS } from '../faults/fault-schema.js';
import { configuredFaults } from '../faults/latency.js';
import { describeIssues, findNode } from '../shared/config-loader.js';
import { DsmError } from '../shared/errors.js';
import { tr } from '../shared/i18n.js';
import type { CliContext } from './cli-context.js';
import { loadClusterAccess } from './cluster-config.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { failureWords } from './failure-words.js';
import { type FaultFlags, nextFaults, parseClearTypes, setsAnyFault } from './fault-flags.js';
import { DEFAULT_CONFIG, FLAG_HELP, intArg, msArg } from './options.js';

interface CommandFlags extends Omit<FaultFlags, 'clear'> {
  config?: string;
  json?: boolean;
  clear?: true | string;
}

/** A number in [min, max] (fractions allowed): shares, rates, seconds. */
function numberArg(min: number, max: number, what: string, minExclusive = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n > max || n < min || (minExclusive && n === min)) {
      throw new InvalidArgumentError(
        `${what} must be a number ${minExclusive ? 'above' : 'from'} ${min}${minExclusive ? ' and up to' : ' to'} ${max}.`,
      );
    }
    return n;
  };
}

const TIMEOUT_MS = 5_000;

export function faultCommand(ctx: CliContext, run: (p: Promise<number>) => void): Command {
  const cmd = new Command('fault')
    .description(
      tr(ctx.lang, {
        en: "show or change a running node's faults: latency, bandwidth, errors, hang, reset, down",
        'pt-BR':
          'mostra ou muda as falhas de um nó em execução: latency, bandwidth, errors, hang, reset, down',
      }),
    )
    .argument(
      '<node>',
      tr(ctx.lang, {
        en: 'the node, by its name in nodes.json',
        'pt-BR': 'o nó, pelo nome dele no nodes.json',
      }),
    )
    .option(
      '--latency-ms <ms>',
      tr(ctx.lang, {
        en: 'wait before the first byte of every response',
        'pt-BR': 'espera antes do primeiro byte de cada resposta',
      }),
      msArg,
    )
    .option(
      '--jitter-ms <ms>',
      tr(ctx.lang, {
        en: 'random spread of that wait, ± ms',
        'pt-BR': 'variação aleatória dessa espera, ± ms',
      }),
      msArg,
    )
    .option(
      '--bandwidth-kbps <KB/s>',
      tr(ctx.lang, {
        en: 'cap each response body at this many KB/s (1 KB = 1000 bytes)',
        'pt-BR': 'limita o corpo de cada resposta a esta quantidade de KB/s (1 KB = 1000 bytes)',
      }),
      numberArg(0, 10_000_000, 'a rate in KB/s', true),
    )
    .option(
      '--error-rate <0-1>',
      tr(ctx.lang, {
        en: 'share of requests answered with an error status',
        'pt-BR': 'fração das requisições respondidas com um status de erro',
      }),
      numberArg(0, 1, 'a share'),
    )
    .addOption(
      new Option(
        '--error-status <status>',
        tr(ctx.lang, {
          en: 'status of those answers (default 503)',
          'pt-BR': 'status dessas respostas (padrão 503)',
        }),
      )
        .choices(['503', '500'])
        .argParser((v) => Number(v) as 500 | 503),
    )
    .option(
      '--hang',
      tr(ctx.lang, {
        en: 'accept requests and never answer them (until cleared)',
        'pt-BR': 'aceita as requisições e nunca as responde (até a falha ser limpa)',
      }),
    )
    .option(
      '--reset-after-bytes <n>',
      tr(ctx.lang, {
        en: 'close the connection after this many bytes of body',
        'pt-BR': 'fecha a conexão depois desta quantidade de bytes do corpo',
      }),
      intArg(0, Number.MAX_SAFE_INTEGER, 'a byte count'),
    )
    .option(
      '--down',
      tr(ctx.lang, {
        en: 'reset every connection, with the process still up (only the fault API answers)',
        'pt-BR': 'derruba toda conexão, com o processo ainda no ar (só a API de falhas responde)',
      }),
    )
    .option(
      '--toxicity <0-1>',
      tr(ctx.lang, {
        en: 'share of requests the faults of this command apply to (default 1)',
        'pt-BR': 'fração das requisições a que as falhas deste comando se aplicam (padrão 1)',
      }),
      numberArg(0, 1, 'a share'),
    )
    .option(
      '--for-seconds <s>',
      tr(ctx.lang, {
        en: 'the faults of this command remove themselves after this long',
        'pt-BR': 'as falhas deste comando se removem sozinhas depois deste tempo',
      }),
      numberArg(0, MAX_FOR_SECONDS, 'a time in seconds', true),
    )
    .option(
      '--clear [types]',
      tr(ctx.lang, {
        en: 'remove every fault first, or only these types (e.g. hang,down); the nodes.json latency comes back',
        'pt-BR':
          'remove antes todas as falhas, ou só estes tipos (ex.: hang,down); a latência do nodes.json volta',
      }),
    )
    .option('--config <file>', tr(ctx.lang, FLAG_HELP.clusterFile), DEFAULT_CONFIG)
    .option(
      '--json',
      tr(ctx.lang, {
        en: 'machine output: the node\'s faults as {"node","faults"}',
        'pt-BR': 'saída para máquinas: as falhas do nó como {"node","faults"}',
      }),
    );
  cmd.action((node: string, flags: CommandFlags) => run(runFault(node, flags, ctx)));
  return cmd;
}

async function runFault(nodeName: string, cmdFlags: CommandFlags, ctx: CliContext): Promise<number> {
  const lang = ctx.lang;
  const flags = faultFlags(cmdFlags);
  const changing = setsAnyFault(flags) || flags.clear !== undefined;
  if (!setsAnyFault(flags) && (flags.toxicity !== undefined || flags.forSeconds !== undefined)) {
    throw new DsmError('DSM_USAGE', {
      detail: tr(lang, {
        en: '--toxicity and --for-seconds apply to the faults set by the same command: add one, e.g. --latency-ms 500',
        'pt-BR':
          '--toxicity e --for-seconds valem para as falhas do mesmo comando: inclua uma, por exemplo --latency-ms 500',
      }),
    });
  }
  const access = await loadClusterAccess(cmdFlags.config, ctx, { createToken: false });
  const configured = configuredFaults(findNode(access.cfg, nodeName));
  if (changing && !access.token) throw new DsmError('DSM_UNAUTHORIZED');
  const url = `${access.urls.get(nodeName)}/_dsm/faults`;
  const call = async (init?: RequestInit): Promise<{ node: string; faults: ListedFault[] }> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      const f = classifyFailure(err);
      throw new NodeRefused(
        `${nodeName}: ${f.kind === 'refused' ? failureWords('refused', nodeName, f.detail, lang) : f.detail}`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as {
      node?: string;
      faults?: ListedFault[];
      error?: { code?: string; message?: string };
    };
    if (res.status === 401) throw new DsmError('DSM_UNAUTHORIZED');
    if (!res.ok || !Array.isArray(body.faults)) {
      throw new NodeRefused(`${nodeName}: ${body.error?.message ?? `HTTP ${res.status}`}`);
    }
    return { node: body.node ?? nodeName, faults: body.faults };
  };

  let now: { node: string; faults: ListedFault[] };
  try {
    now = await call();
    if (changing) {
      const current: FaultSpec[] = now.faults.map(({ remainingSeconds: _, ...spec }) => spec as FaultSpec);
      const next = { faults: nextFaults(flags, current, configured) };
      const checked = faultListSchema.safeParse(next);
      if (!checked.success) {
        throw new DsmError('DSM_USAGE', { detail: describeIssues(checked.error) });
      }
      now = await call({
        method: 'PUT',
        headers: { Authorization: `Bearer ${access.token?.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(next),
      });
    }
  } catch (err) {
    if (!(err instanceof NodeRefused)) throw err;
    ctx.stderr.write(`dsm: ${err.message}\n`);
    return EXIT_FAILED;
  }

  if (cmdFlags.json) {
    ctx.stdout.write(`${JSON.stringify(now, null, 2)}\n`);
    return EXIT_OK;
  }
  if (now.faults.length === 0) {
    ctx.stdout.write(tr(lang, { en: `${now.node}: no faults\n`, 'pt-BR': `${now.node}: sem falhas\n` }));
    return EXIT_OK;
  }
  ctx.stdout.write(tr(lang, { en: `${now.node} faults:\n`, 'pt-BR': `falhas de ${now.node}:\n` }));
  for (const f of now.faults) ctx.stdout.write(`  ${describeFault(f, lang)}\n`);
  return EXIT_OK;
}

/** The node could not be reached, or answered but not with its faults (a 400, another server): exit 1. */
class NodeRefused extends Error {}

function faultFlags(f: CommandFlags): FaultFlags {
  let clear: FaultFlags['clear'];
  if (f.clear === true) clear = true;
  else if (typeof f.clear === 'string') {
    clear = parseClearTypes(f.clear);
    if (!clear) {
      throw new DsmError('DSM_USAGE', {
        detail: `--clear ${f.clear}: expected fault types separated by commas (latency, bandwidth, errors, hang, reset, down)`,
      });
    }
  }
  const { config: _c, json: _j, clear: _cl, ...rest } = f;
  return { ...rest, clear };
}
