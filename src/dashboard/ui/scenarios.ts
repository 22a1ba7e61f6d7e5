/**
 * The four classroom scenarios as plain async steps over the same API the rest of the page uses, so
 * that what a scenario does can be read top to bottom (and tested with a fake API). Each returns the
 * facts its result line shows; the card turns them into words.
 */
import type { Fault, ListedFault, PickAnswer } from '../protocol.js';
import type { Api } from './api.js';
import { findFault, toSpec, withFault, withoutFault } from './fault-edit.js';
import { formatClock, formatMs } from './format.js';
import type { MessageKey, Params } from './messages.js';

/** A step that cannot go on, with a message key for the page's language. */
export class ScenarioError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Params = {},
  ) {
    super(key);
  }
}

export interface ScenarioContext {
  api: Api;
  /** The demo video's name (from the hello event). */
  demo: string;
  /** Node names in nodes.json order, now. */
  nodes: () => string[];
  /** A node's faults as last reported (to keep the others when one changes). */
  faultsOf: (node: string) => ListedFault[] | null;
  /** Nodes that are up now. */
  upNodes: () => string[];
  /**
   * Restarts the player through the gateway (a new stream) and resolves with the node serving it once
   * it has played a few seconds; throws ScenarioError when it does not start.
   */
  restartPlayer: () => Promise<string>;
  /** A fresh `?upload=` id. */
  uploadId: () => string;
  /** GET with the browser's default HTTP cache: the second read of the same URL revalidates. */
  fetchText: (url: string) => Promise<string>;
  now: () => number;
}

/** The latency a pick measured for `node`, as text. */
function measured(answer: PickAnswer, node: string | null): string {
  return formatMs(answer.nodes.find((n) => n.name === node)?.medianMs ?? null);
}

function chosen(answer: PickAnswer, name: string): string {
  if (!answer.node) throw new ScenarioError('pickNone', { name, reason: answer.reason });
  return answer.node;
}

// Latency: the fastest node is made slow, and the next pick avoids it.
export const SLOW_MS = 1500;

export interface LatencyResult {
  node: string;
  /** The node's latency fault before (its configured latency is one): undo puts it back. */
  previous: Fault | null;
  before: string;
  beforeMs: string;
  after: string;
  afterMs: string;
}

export async function runLatency(ctx: ScenarioContext): Promise<LatencyResult> {
  const first = await ctx.api.pick(ctx.demo);
  const node = chosen(first, ctx.demo);
  const found = findFault(ctx.faultsOf(node), 'latency');
  const previous = found ? toSpec(found) : null;
  await ctx.api.setFaults(
    node,
    withFault(ctx.faultsOf(node), { type: 'latency', latencyMs: SLOW_MS, jitterMs: 0, toxicity: 1 }),
  );
  const second = await ctx.api.pick(ctx.demo);
  const after = chosen(second, ctx.demo);
  return {
    node,
    previous,
    before: node,
    beforeMs: measured(first, node),
    after,
    afterMs: measured(second, after),
  };
}

export async function undoLatency(ctx: ScenarioContext, r: LatencyResult): Promise<void> {
  const faults = ctx.faultsOf(r.node);
  await ctx.api.setFaults(
    r.node,
    r.previous ? withFault(faults, r.previous) : withoutFault(faults, 'latency'),
  );
}

// Availability: the node serving the player stops; the gateway carries on from another replica.
/**
 * A local node sends the 3.9 MB demo in a blink, and a finished download has nothing to fail over:
 * the scenario first caps every node at about twice the video's bitrate, so the stream is still
 * running when its node stops.
 */
export const CAP_KBPS = 150;

export interface AvailabilityResult {
  node: string;
  /** Each capped node's bandwidth fault before (null: none), for undo. */
  capped: Array<{ node: string; previous: Fault | null }>;
}

export async function runAvailability(ctx: ScenarioContext): Promise<AvailabilityResult> {
  const capped: AvailabilityResult['capped'] = [];
  for (const node of ctx.upNodes()) {
    const found = findFault(ctx.faultsOf(node), 'bandwidth');
    capped.push({ node, previous: found ? toSpec(found) : null });
    await ctx.api.setFaults(
      node,
      withFault(ctx.faultsOf(node), { type: 'bandwidth', bandwidthKBps: CAP_KBPS, toxicity: 1 }),
    );
  }
  const node = await ctx.restartPlayer();
  await ctx.api.stop(node);
  return { node, capped };
}

export async function undoAvailability(ctx: ScenarioContext, r: AvailabilityResult): Promise<void> {
  await ctx.api.start(r.node);
  for (const { node, previous } of r.capped) {
    // The restarted node is a new process: nodes.json's latency and no cap. Its faults are still unknown
    // to the page (null while it was down), and a list built from that would wipe its latency.
    if (node === r.node) continue;
    const faults = ctx.faultsOf(node);
    await ctx.api.setFaults(node, previous ? withFault(faults, previous) : withoutFault(faults, 'bandwidth'));
  }
}

export async function startAgain(ctx: ScenarioContext, node: string): Promise<void> {
  await ctx.api.start(node);
}

// Replication: a file written while a node is down reaches it by anti-entropy once it is back.
export const NOTE_NAME = 'class-note.txt';

export interface ReplicationResult {
  node: string;
  name: string;
  stored: string[];
}

export async function runReplication(ctx: ScenarioContext): Promise<ReplicationResult> {
  const node = ctx.nodes().at(-1);
  if (!node) throw new ScenarioError('noNodeUp');
  await ctx.api.stop(node);
  const text = `class note written at ${formatClock(ctx.now(), new Date(ctx.now()).getTimezoneOffset())}\n`;
  const answer = await ctx.api.upload(NOTE_NAME, new Blob([text]), ctx.uploadId());
  const stored = answer.nodes.filter((n) => n.state === 'stored').map((n) => n.node);
  return { node, name: NOTE_NAME, stored };
}

// Cache: no-cache + strong ETag means "always ask, rarely download": a new version shows at once.
export const VERSION_NAME = 'version.txt';

export interface CacheResult {
  node: string;
  first: string;
  second: string;
  third: string;
}

export async function runCache(ctx: ScenarioContext): Promise<CacheResult> {
  await ctx.api.upload(VERSION_NAME, new Blob(['v1']), ctx.uploadId());
  const answer = await ctx.api.pick(VERSION_NAME);
  const node = chosen(answer, VERSION_NAME);
  const url = answer.url ?? '';
  const first = await ctx.fetchText(url);
  const second = await ctx.fetchText(url);
  await ctx.api.upload(VERSION_NAME, new Blob(['v2']), ctx.uploadId());
  const third = await ctx.fetchText(url);
  return { node, first, second, third };
}
