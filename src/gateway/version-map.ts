/**
 * Which nodes hold the newest version of a file, asked with a `HEAD` to every node (and
 * `GET /_dsm/files` on a 404, to tell a deletion; see client/node-client.ts), remembered for
 * `ttlMs` so that a player's many range requests cost one round of HEADs.
 *
 * "Newest" is the rule `dsm pick` uses (selection/rank.ts `newestCopy`): the highest version any
 * reachable node reports, and copies with the same strong ETag as a newest copy count too.
 *
 * | nodes answer                                   | result                                       |
 * |------------------------------------------------|----------------------------------------------|
 * | a v1 "sha256-x"; b v2 "sha256-y"               | found b, etag "sha256-y"                     |
 * | a v1 "sha256-x"; b v2 "sha256-x"               | found a, b                                   |
 * | a 404; b refused                               | not-found                                    |
 * | a refused; b refused                           | all-down                                     |
 * | a v1; b deleted at v2                          | deleted                                      |
 */
import { classifyFailure } from '../client/classify-failure.js';
import type { FileStat, NodeClient } from '../client/node-client.js';
import { type NodeObservation, newestCopy } from '../selection/rank.js';
import type { Clock } from '../shared/random.js';

export type Holders =
  | { kind: 'found'; nodes: string[]; etag: string | undefined; version: number }
  | { kind: 'not-found' }
  | { kind: 'deleted'; version: number }
  | { kind: 'all-down' };

export interface VersionMapOptions {
  clients: ReadonlyArray<{ name: string; client: NodeClient }>;
  ttlMs: number;
  timeoutMs: number;
  clock: Clock;
  /** Passive health: a node whose HEAD failed. */
  onFailure(node: string, detail: string): void;
}

export interface VersionMap {
  holders(name: string): Promise<Holders>;
  /** Forgets what is known of `name` (after a node answered 404 or 412 for it). */
  forget(name: string): void;
}

/** Pure: the holders from each node's answer (undefined: the node failed). */
export function holdersOf(answers: ReadonlyArray<{ name: string; file: FileStat | undefined }>): Holders {
  const observations: NodeObservation[] = answers.map((a) =>
    a.file === undefined
      ? { name: a.name, rttsMs: [], failure: { kind: 'error', detail: 'failed' } }
      : { name: a.name, rttsMs: [], file: a.file },
  );
  const newest = newestCopy(observations);
  if (newest.version < 0) return { kind: 'all-down' };
  const nodes = observations.filter(newest.holds).map((o) => o.name);
  if (nodes.length > 0) {
    const first = observations.find((o) => o.name === nodes[0])?.file;
    const etag = first?.present ? first.etag : undefined;
    return { kind: 'found', nodes, etag, version: newest.version };
  }
  const deleted = observations.some((o) => o.file?.present === false && o.file.version === newest.version);
  return deleted && newest.version > 0 ? { kind: 'deleted', version: newest.version } : { kind: 'not-found' };
}

export function createVersionMap(o: VersionMapOptions): VersionMap {
  const cache = new Map<string, { atMs: number; holders: Promise<Holders> }>();
  async function ask(name: string): Promise<Holders> {
    const answers = await Promise.all(
      o.clients.map(async ({ name: node, client }) => {
        try {
          return { name: node, file: await client.stat(name, AbortSignal.timeout(o.timeoutMs)) };
        } catch (err) {
          o.onFailure(node, classifyFailure(err).kind);
          return { name: node, file: undefined };
        }
      }),
    );
    return holdersOf(answers);
  }
  return {
    holders(name) {
      const now = o.clock.now();
      const hit = cache.get(name);
      if (hit && now - hit.atMs < o.ttlMs) return hit.holders;
      const holders = ask(name);
      cache.set(name, { atMs: now, holders });
      if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
      return holders;
    },
    forget(name) {
      cache.delete(name);
    },
  };
}
