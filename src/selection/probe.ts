/**
 * Probes every node at the same time: per node, `samples` GET /health one after the other (each one a
 * round trip on the same kept-alive connection) and, alongside, one HEAD /<file> for its version.
 *
 *   node1  ──GET /health──►──GET /health──►──GET /health──►
 *          ──HEAD /demo.mp4──►
 *   node2  ──GET /health────────►──GET /health────────►…        all nodes in parallel
 *   node3  ──GET /health──────── (silent)
 *
 * The first failed request marks the node down and cancels its other request: a node that refuses one
 * request, or says nothing for `timeoutMs`, is not asked again during this pick.
 * `snapshot()` says what is known right now, including how long the requests in flight have waited,
 * which is what lets `rank` decide before a silent node answers. `onChange` fires after every answer.
 * Aborting `signal` cancels every request in flight (the pick is decided).
 */
import { classifyFailure, type Failure } from '../client/classify-failure.js';
import type { FileStat, NodeClient } from '../client/node-client.js';
import type { Clock } from '../shared/random.js';
import type { NodeObservation } from './rank.js';

export interface ProbeTarget {
  name: string;
  client: NodeClient;
}

export interface ProbeOptions {
  file: string;
  samples: number;
  /** A request with no answer after this long fails as a timeout. */
  timeoutMs: number;
  clock: Clock;
  signal: AbortSignal;
  onChange: () => void;
}

export interface ProbeRun {
  /** What is known now, one entry per target, in the order given. */
  snapshot(): NodeObservation[];
  /** Settles when every request has answered, failed or been cancelled. */
  done: Promise<void>;
}

interface NodeState {
  name: string;
  rttsMs: number[];
  healthSince?: number;
  file?: FileStat;
  fileSince?: number;
  failure?: Failure;
}

export function probeNodes(targets: readonly ProbeTarget[], opts: ProbeOptions): ProbeRun {
  const { clock } = opts;
  const states: NodeState[] = targets.map((t) => ({ name: t.name, rttsMs: [] }));

  async function probeOne(target: ProbeTarget, state: NodeState): Promise<void> {
    const node = new AbortController();
    const stopNode = () => node.abort();
    opts.signal.addEventListener('abort', stopNode, { once: true });
    if (opts.signal.aborted) node.abort();

    /** Runs one request with its own timeout; on failure marks the node down and stops its other request. */
    const attempt = async <T>(request: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> => {
      try {
        return await request(AbortSignal.any([node.signal, AbortSignal.timeout(opts.timeoutMs)]));
      } catch (err) {
        // Cancelled by us (the pick is decided, or the other request failed): not the node's fault.
        if (node.signal.aborted) return undefined;
        state.failure = classifyFailure(err);
        node.abort();
        opts.onChange();
        return undefined;
      }
    };

    const health = async () => {
      for (let i = 0; i < opts.samples && !node.signal.aborted; i++) {
        const started = clock.now();
        state.healthSince = started;
        const ok = await attempt((signal) => target.client.health(signal));
        state.healthSince = undefined;
        if (ok === undefined) return;
        state.rttsMs.push(clock.now() - started);
        opts.onChange();
      }
    };
    const stat = async () => {
      state.fileSince = clock.now();
      const file = await attempt((signal) => target.client.stat(opts.file, signal));
      state.fileSince = undefined;
      if (file === undefined) return;
      state.file = file;
      opts.onChange();
    };

    try {
      await Promise.all([health(), stat()]);
    } finally {
      opts.signal.removeEventListener('abort', stopNode);
    }
  }

  const done = Promise.all(targets.map((t, i) => probeOne(t, states[i] as NodeState))).then(() => undefined);

  return {
    done,
    snapshot() {
      const now = clock.now();
      return states.map((s) => {
        const o: NodeObservation = { name: s.name, rttsMs: [...s.rttsMs] };
        if (s.healthSince !== undefined && s.failure === undefined) o.healthWaitMs = now - s.healthSince;
        if (s.file !== undefined) o.file = s.file;
        if (s.fileSince !== undefined && s.failure === undefined) o.fileWaitMs = now - s.fileSince;
        if (s.failure !== undefined) o.failure = s.failure;
        return o;
      });
    },
  };
}
