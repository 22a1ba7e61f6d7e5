/**
 * The nodes of `dsm cluster`: one OS process each (see node-process.ts), started and stopped by name,
 * crashes reported as events and, with `--restart`, restarted after a backoff (restart-policy.ts).
 *
 * It prints nothing itself: everything it has to say is a `SupervisorEvent`, which the CLI words
 * in the user's language.
 */

import type { NodeConfig } from '../shared/config-schema.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import type { Clock } from '../shared/random.js';
import { isRequestBatch, type RequestBatch } from '../shared/request-feed.js';
import { NodeProcess, type NodeSnapshot, type SpawnFn } from './node-process.js';
import { decideRestart, type RestartDecision, type RestartPolicy } from './restart-policy.js';

export type SupervisorEvent =
  | { kind: 'output'; node: string; stream: 'stdout' | 'stderr'; line: string }
  | { kind: 'up'; node: NodeSnapshot }
  | { kind: 'stopped'; node: NodeSnapshot }
  | { kind: 'crashed'; node: NodeSnapshot; decision: RestartDecision }
  | { kind: 'restarting'; node: NodeSnapshot; attempt: number }
  /** Request records a node sent (shared/request-feed.ts), for the dashboard. */
  | { kind: 'requests'; node: string; batch: RequestBatch };

/** A node as `GET /_dsm/cluster/status` shows it. */
export interface NodeStatus extends NodeSnapshot {
  /** Simulated latency: what the node's /health says now, else nodes.json's value. */
  latencyMs: number;
  /** Round trip of a `GET /health` just now, simulated latency included; null when down or too slow. */
  rttMs: number | null;
}

export interface ActionResult {
  /** False when the node already was in the asked state. */
  changed: boolean;
  node: NodeSnapshot;
}

export interface SupervisorOptions {
  nodes: readonly NodeConfig[];
  /** nodes.json, absolute: each child reads its own settings from it. */
  configFile: string;
  /** How to run `dsm` itself: `process.execPath` and `[bin/dsm.js]`. */
  dsm: { command: string; args: readonly string[] };
  /** Appended to every child's command line (e.g. `--lang pt-BR`). */
  extraArgs?: readonly string[];
  cwd: string;
  /** The children's environment (the token goes in as DSM_TOKEN). */
  env: NodeJS.ProcessEnv;
  spawn: SpawnFn;
  platform: NodeJS.Platform;
  clock: Clock;
  /** For the health probes of `status()`. */
  fetch: typeof fetch;
  restart: RestartPolicy;
  stopGraceMs?: number;
  startTimeoutMs?: number;
  probeTimeoutMs?: number;
  onEvent: (e: SupervisorEvent) => void;
}

/** The command line of one node: `dsm node --config <file> --name <name>`. */
export function nodeArgs(
  dsmArgs: readonly string[],
  configFile: string,
  name: string,
  extra: readonly string[] = [],
) {
  return [...dsmArgs, 'node', '--config', configFile, '--name', name, ...extra];
}

interface Managed {
  proc: NodeProcess;
  config: NodeConfig;
  /** Restarts in a row, each after a short run (see restart-policy.ts). */
  quickCrashes: number;
  restartTimer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  readonly #o: SupervisorOptions;
  readonly #nodes = new Map<string, Managed>();
  #closing = false;

  constructor(opts: SupervisorOptions) {
    this.#o = opts;
    for (const config of opts.nodes) {
      const m: Managed = {
        config,
        quickCrashes: 0,
        restartTimer: undefined,
        proc: new NodeProcess({
          name: config.name,
          configuredPort: config.port,
          command: opts.dsm.command,
          args: nodeArgs(opts.dsm.args, opts.configFile, config.name, opts.extraArgs),
          cwd: opts.cwd,
          env: opts.env,
          spawn: opts.spawn,
          platform: opts.platform,
          clock: opts.clock,
          stopGraceMs: opts.stopGraceMs ?? DEFAULTS.nodeStopGraceMs,
          startTimeoutMs: opts.startTimeoutMs ?? DEFAULTS.nodeStartTimeoutMs,
          onLine: (stream, line) => opts.onEvent({ kind: 'output', node: config.name, stream, line }),
          onUp: (node) => opts.onEvent({ kind: 'up', node }),
          onMessage: (message) => {
            if (isRequestBatch(message))
              opts.onEvent({ kind: 'requests', node: config.name, batch: message });
          },
          onExit: (exit, node) => {
            if (exit.state === 'down') {
              opts.onEvent({ kind: 'stopped', node });
              return;
            }
            this.#crashed(m, exit.upForMs, node);
          },
        }),
      };
      this.#nodes.set(config.name, m);
    }
  }

  names(): string[] {
    return [...this.#nodes.keys()];
  }

  snapshots(): NodeSnapshot[] {
    return [...this.#nodes.values()].map((m) => m.proc.snapshot());
  }

  /** Starts every node at once; resolves when each is up, has failed, or its start timeout passed. */
  async startAll(): Promise<NodeSnapshot[]> {
    await Promise.all(this.names().map((n) => this.start(n)));
    return this.snapshots();
  }

  /** Starts a node by hand: also cancels a pending automatic restart and resets its crash count. */
  async start(name: string): Promise<ActionResult> {
    const m = this.#get(name);
    this.#cancelRestart(m);
    if (this.#closing) return { changed: false, node: m.proc.snapshot() };
    m.quickCrashes = 0;
    const changed = await m.proc.start();
    return { changed, node: m.proc.snapshot() };
  }

  async stop(name: string): Promise<ActionResult> {
    const m = this.#get(name);
    this.#cancelRestart(m);
    const changed = await m.proc.stop();
    return { changed, node: m.proc.snapshot() };
  }

  /** Every node, with a live `GET /health` probe of those that are up. */
  async status(): Promise<NodeStatus[]> {
    return Promise.all(
      [...this.#nodes.values()].map(async (m): Promise<NodeStatus> => {
        const node = m.proc.snapshot();
        const probe = node.state === 'up' && node.url ? await this.#probe(node.url) : undefined;
        return { ...node, latencyMs: probe?.latencyMs ?? m.config.latencyMs, rttMs: probe?.rttMs ?? null };
      }),
    );
  }

  /** Stops every node (no more restarts) and resolves once every process has ended. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    for (const m of this.#nodes.values()) this.#cancelRestart(m);
    await Promise.all([...this.#nodes.values()].map((m) => m.proc.stop()));
  }

  #get(name: string): Managed {
    const m = this.#nodes.get(name);
    if (!m) {
      throw new DsmError('DSM_NODE_NOT_IN_CONFIG', {
        name,
        file: this.#o.configFile,
        names: this.names().join(', '),
      });
    }
    return m;
  }

  #crashed(m: Managed, upForMs: number, node: NodeSnapshot): void {
    const decision: RestartDecision = this.#closing
      ? { action: 'report' }
      : decideRestart(this.#o.restart, { quickCrashes: m.quickCrashes, upForMs });
    this.#o.onEvent({ kind: 'crashed', node, decision });
    if (decision.action !== 'restart') return;
    m.quickCrashes = decision.attempt;
    m.restartTimer = setTimeout(() => {
      m.restartTimer = undefined;
      if (this.#closing || m.proc.state !== 'crashed') return;
      m.proc.restarts++;
      this.#o.onEvent({ kind: 'restarting', node: m.proc.snapshot(), attempt: decision.attempt });
      void m.proc.start();
    }, decision.delayMs);
  }

  #cancelRestart(m: Managed): void {
    if (m.restartTimer) clearTimeout(m.restartTimer);
    m.restartTimer = undefined;
  }

  async #probe(url: string): Promise<{ rttMs: number; latencyMs: number | undefined } | undefined> {
    const t0 = this.#o.clock.now();
    try {
      const res = await this.#o.fetch(`${url}/health`, {
        signal: AbortSignal.timeout(this.#o.probeTimeoutMs ?? DEFAULTS.probeTimeoutMs),
      });
      const body = (await res.json()) as { latencyMs?: unknown };
      if (!res.ok) return undefined;
      return {
        rttMs: Math.round(this.#o.clock.now() - t0),
        latencyMs: typeof body.latencyMs === 'number' ? body.latencyMs : undefined,
      };
    } catch {
      return undefined;
    }
  }
}
