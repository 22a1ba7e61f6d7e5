/**
 * What the dashboard's buttons do, as one service the routes call (handlers stay thin): change a
 * node's faults, pick a node for a file, and store an uploaded file on every node that is up.
 * Each goes through the same modules as the CLI (`dsm fault`, `dsm pick`, `dsm replicate`).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { classifyFailure } from '../client/classify-failure.js';
import { createNodeClient, type FetchLike } from '../client/node-client.js';
import { replicateFile } from '../replication/replicate-file.js';
import { pickNode } from '../selection/pick.js';
import { DEFAULTS } from '../shared/defaults.js';
import { DsmError } from '../shared/errors.js';
import type { Clock, Rng } from '../shared/random.js';
import { storableName } from '../shared/safe-path.js';
import { newVersion } from '../shared/version.js';
import type { NodeSnapshot } from '../supervisor/node-process.js';
import type { PickAnswer, UploadAnswer, UploadProgress } from './protocol.js';

export interface ActionsOptions {
  snapshots(): NodeSnapshot[];
  /** nodes.json, named in the error for a node it does not list. */
  configFile: string;
  token: string;
  /** For the fault calls (global fetch: undici). */
  fetch: typeof fetch;
  /** For pick's probes (client/http-fetch.ts). */
  probeFetch: FetchLike;
  clock: Clock;
  rng: Rng;
  /** Where an upload waits while it is replicated; the OS's temp folder by default. */
  tmpDir?: string;
  maxUploadBytes: number;
  onUpload(p: UploadProgress): void;
}

/** Node answers forwarded as they are: their status and JSON body. */
export interface Forwarded {
  status: number;
  body: unknown;
}

/** Progress events at most this often per upload: enough for a smooth bar, not a flood. */
const PROGRESS_EVERY_MS = 100;

export function createClusterActions(o: ActionsOptions) {
  const upNode = (name: string): NodeSnapshot & { url: string } => {
    const s = o.snapshots().find((n) => n.name === name);
    if (!s) {
      throw new DsmError('DSM_NODE_NOT_IN_CONFIG', {
        name,
        file: o.configFile,
        names: o
          .snapshots()
          .map((n) => n.name)
          .join(', '),
      });
    }
    if (s.state !== 'up' || !s.url) throw new DsmError('DSM_NODE_NOT_UP', { node: name, state: s.state });
    return s as NodeSnapshot & { url: string };
  };
  const upNodes = () =>
    o.snapshots().filter((s): s is NodeSnapshot & { url: string } => s.state === 'up' && !!s.url);

  return {
    /** `PUT /_dsm/faults` on the node, with the cluster's token; the node validates the list. */
    async setFaults(node: string, json: string): Promise<Forwarded> {
      const s = upNode(node);
      let res: Response;
      try {
        res = await o.fetch(`${s.url}/_dsm/faults`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${o.token}`, 'Content-Type': 'application/json' },
          body: json,
          signal: AbortSignal.timeout(DEFAULTS.probeTimeoutMs * 2),
        });
      } catch (err) {
        throw new DsmError('DSM_NODE_UNREACHABLE', { node, detail: classifyFailure(err).kind });
      }
      return { status: res.status, body: await res.json().catch(() => ({})) };
    },

    /** `dsm pick` over the nodes that are up, leaving out `exclude` (a player's failed node). */
    async pick(name: string, exclude: readonly string[]): Promise<PickAnswer> {
      const nodes = upNodes()
        .filter((s) => !exclude.includes(s.name))
        .map((s) => ({ name: s.name, client: createNodeClient(s.url, o.probeFetch) }));
      if (nodes.length === 0) return { node: null, url: null, reason: 'all-down', decisionMs: 0, nodes: [] };
      const r = await pickNode({
        nodes,
        file: name,
        samples: DEFAULTS.pickSamples,
        timeoutMs: DEFAULTS.pickTimeoutMs,
        clock: o.clock,
      });
      const chosen = r.decision.kind === 'chosen' ? r.decision.node : null;
      return {
        node: chosen,
        url: chosen ? (r.url ?? null) : null,
        reason: r.decision.kind === 'chosen' ? 'fastest' : r.decision.reason.why,
        decisionMs: Math.round(r.decisionMs),
        nodes: r.nodes.map((n) => ({
          name: n.name,
          state: n.state,
          medianMs: n.medianMs === undefined ? null : Math.round(n.medianMs),
          copy: n.copy,
        })),
      };
    },

    /**
     * Stores a file the page sent on every node that is up: first into a temp file (the body arrives at
     * the browser's pace, replication streams at the nodes' pace), then `replicateFile` with per-node
     * progress as `upload` events. The temp file is removed in every case.
     */
    async upload(rawName: string, body: Readable, id: string): Promise<UploadAnswer> {
      const checked = storableName(`/${rawName}`);
      if (checked.kind === 'bad')
        throw new DsmError('DSM_BAD_NAME', { name: `"${rawName}"`, reason: checked.reason });
      const { name } = checked;
      const targets = upNodes().map((s) => ({ node: s.name, base: s.url }));
      if (targets.length === 0) throw new DsmError('DSM_NO_NODE_UP', { name });
      const tmp = join(o.tmpDir ?? tmpdir(), `dsm-upload-${randomUUID()}`);
      try {
        let received = 0;
        const limit = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            received += chunk.length;
            if (received > o.maxUploadBytes) {
              cb(
                new DsmError('DSM_TOO_LARGE', {
                  name,
                  limit: `${Math.round(o.maxUploadBytes / 1048576)} MiB`,
                }),
              );
              return;
            }
            cb(null, chunk);
          },
        });
        await pipeline(body, limit, createWriteStream(tmp));
        let last = 0;
        const progress = (
          sent: ReadonlyMap<string, number>,
          size: number,
          done: boolean,
          answer?: UploadAnswer,
        ) =>
          o.onUpload({
            id,
            name,
            size,
            done,
            nodes: targets.map((t) => {
              const final = answer?.nodes.find((n) => n.node === t.node);
              return {
                node: t.node,
                bytes: sent.get(t.node) ?? 0,
                state: final?.state ?? 'sending',
                ...(final?.detail ? { detail: final.detail } : {}),
              };
            }),
          });
        progress(new Map(), received, false);
        const result = await replicateFile({
          file: tmp,
          name,
          targets,
          token: o.token,
          version: newVersion(o.clock.wallMs(), o.rng),
          clock: o.clock,
          onProgress: (sent, size) => {
            const now = o.clock.now();
            if (now - last < PROGRESS_EVERY_MS) return;
            last = now;
            progress(sent, size, false);
          },
        });
        const answer: UploadAnswer = {
          name: result.name,
          size: result.size,
          sha256: result.sha256,
          version: result.version,
          nodes: result.outcomes.map((n) =>
            n.kind === 'stored'
              ? { node: n.node, state: 'stored' as const }
              : { node: n.node, state: 'failed' as const, detail: n.detail },
          ),
        };
        progress(new Map(result.outcomes.map((n) => [n.node, n.bytes])), result.size, true, answer);
        return answer;
      } finally {
        await rm(tmp, { force: true });
      }
    },
  };
}

export type ClusterActions = ReturnType<typeof createClusterActions>;
