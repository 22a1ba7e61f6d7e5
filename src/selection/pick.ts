/**
 * Picks the node to serve a file: probes every node at once (`probe.ts`) and asks `rank` after every
 * answer, and every few ms in between, because silence is evidence too: a hung node never sends the
 * event that would tell us it stopped mattering. Once `rank` is certain, the requests still in flight
 * are cancelled, so a hung or slow node costs nothing.
 *
 * The original `pick_node_and_open.py` timed /health on each node in turn: its decision took the sum of
 * all the latencies, and a hung node held it for the whole timeout.
 */
import type { Failure } from '../client/classify-failure.js';
import type { FileStat, NodeClient } from '../client/node-client.js';
import { fileUrl } from '../client/node-url.js';
import { DEFAULTS } from '../shared/defaults.js';
import type { Clock } from '../shared/random.js';
import { type ProbeRun, probeNodes } from './probe.js';
import {
  byRoundTrip,
  median,
  type NewestCopy,
  type NodeObservation,
  newestCopy,
  type PickDecision,
  rank,
} from './rank.js';

export interface PickOptions {
  nodes: ReadonlyArray<{ name: string; client: NodeClient }>;
  file: string;
  samples: number;
  timeoutMs: number;
  clock: Clock;
  silenceFloorMs?: number;
  /** How often to re-rank while waiting on silent nodes, ms. */
  tickMs?: number;
}

/** How a node looked when the pick was made. */
export interface NodeReport {
  name: string;
  url: string;
  /** up: answered; down: a request failed; silent: no answer yet, and no longer waited for. */
  state: 'up' | 'down' | 'silent';
  failure?: Failure;
  /** For a silent node: how long it had been silent. */
  silentMs?: number;
  samplesMs: number[];
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  /** Its answer about the file; undefined when it never said. */
  file?: FileStat;
  /** Its copy compared with the newest (rank's rule 1). */
  copy: 'newest' | 'older' | 'absent' | 'deleted' | 'unknown';
}

export interface PickResult {
  decision: Exclude<PickDecision, { kind: 'undecided' }>;
  /** From the first request to the decision, ms. */
  decisionMs: number;
  /** The chosen node's URL of the file. */
  url?: string;
  /** Every node, fastest first, never-measured last. */
  nodes: NodeReport[];
}

/** Re-ranking every 5 ms bounds how late a decision that waits on silence can be. */
const TICK_MS = 5;

export async function pickNode(opts: PickOptions): Promise<PickResult> {
  const rankOpts = {
    samples: opts.samples,
    silenceFloorMs: opts.silenceFloorMs ?? DEFAULTS.pickSilenceFloorMs,
  };
  const stop = new AbortController();
  const started = opts.clock.now();
  let run: ProbeRun | undefined;
  let timer: NodeJS.Timeout | undefined;

  const decided = new Promise<Decided>((resolve, reject) => {
    const evaluate = () => {
      if (stop.signal.aborted || run === undefined) return;
      const seen = run.snapshot();
      const decision = rank(seen, rankOpts);
      if (decision.kind === 'undecided') return;
      const at = opts.clock.now();
      stop.abort();
      resolve({ decision, seen, at });
    };
    run = probeNodes(opts.nodes, {
      file: opts.file,
      samples: opts.samples,
      timeoutMs: opts.timeoutMs,
      clock: opts.clock,
      signal: stop.signal,
      onChange: evaluate,
    });
    timer = setInterval(evaluate, opts.tickMs ?? TICK_MS);
    run.done.then(() => {
      evaluate();
      // With every request finished, rank always decides; this guards against a bug there.
      if (!stop.signal.aborted) reject(new Error('rank stayed undecided with no request in flight'));
    }, reject);
  });
  try {
    const { decision, seen, at } = await decided;
    await run?.done;
    const urls = new Map(opts.nodes.map((n) => [n.name, n.client.baseUrl]));
    const newest = newestCopy(seen);
    const nodes = [...seen].sort(byRoundTrip).map((o) => report(o, urls.get(o.name) ?? '', newest));
    const result: PickResult = { decision, decisionMs: at - started, nodes };
    if (decision.kind === 'chosen') result.url = fileUrl(urls.get(decision.node) ?? '', opts.file);
    return result;
  } finally {
    clearInterval(timer);
    stop.abort();
  }
}

interface Decided {
  decision: PickResult['decision'];
  seen: NodeObservation[];
  at: number;
}

function copyOf(o: NodeObservation, newest: NewestCopy): NodeReport['copy'] {
  if (o.file === undefined) return 'unknown';
  if (newest.holds(o)) return 'newest';
  if (o.file.present) return 'older';
  return o.file.version > 0 && o.file.version === newest.version ? 'deleted' : 'absent';
}

function report(o: NodeObservation, url: string, newest: NewestCopy): NodeReport {
  const r: NodeReport = { name: o.name, url, state: 'up', samplesMs: o.rttsMs, copy: copyOf(o, newest) };
  if (o.failure) {
    r.state = 'down';
    r.failure = o.failure;
  } else if (o.rttsMs.length === 0 && o.file === undefined) {
    r.state = 'silent';
    r.silentMs = Math.max(o.healthWaitMs ?? 0, o.fileWaitMs ?? 0);
  }
  if (o.rttsMs.length > 0) {
    r.medianMs = median(o.rttsMs);
    r.minMs = Math.min(...o.rttsMs);
    r.maxMs = Math.max(...o.rttsMs);
  }
  if (o.file !== undefined) r.file = o.file;
  return r;
}
