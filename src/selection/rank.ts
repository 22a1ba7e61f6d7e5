/**
 * Which node should serve a file, decided from what the probes have seen so far: pure, no clock, no I/O.
 * Called again after every answer and as time passes; it says `undecided` until the answer is certain.
 *
 * The rules, with n = samples per node:
 *
 * 1. Only a live node (no failed request) that holds the newest version counts. The target version is
 *    the highest any live node reported, whether it holds the file or a deletion of it. A copy with an
 *    older version number but the same strong ETag (the same SHA-256) as a newest copy counts too: the
 *    bytes are the same, and copies put into the folders by hand get their version from their mtime,
 *    so identical copies often differ in version.
 * 2. Among the holders with all n samples, the lowest median round trip wins; equal medians go to the
 *    name that sorts first, so the same answers always give the same pick.
 * 3. The pick is certain once no other live node can change it:
 *    a) A node whose version is still unknown may hold a newer one (or the same and be faster). It is
 *       waited for until its HEAD has been silent for `W = max(silenceFloorMs, (n + 1) × m)`, m the
 *       best holder's median. Such a node has stayed silent while the best could have answered n + 1
 *       times: too slow to serve this file well, so it is not waited for (the floor keeps a best on
 *       loopback, 2 ms, from cutting off nodes a few ms slower). With no holder yet there is
 *       no bound: a slow node may be the only one with the file, and "none" must not be said lightly
 *       (the request timeout still bounds the wait).
 *    b) A holder with fewer than n samples can still win while its lower bound L is below the best's
 *       median (or equal, with a name that sorts first). L is the median of its answered samples and
 *       its unanswered ones, each counted as `max(fastest answer so far, time the one in flight has
 *       waited)`. That is where "a node silent for longer than the best's median cannot beat it" comes
 *       from. It assumes a node's round trip is steady, which is what the simulated latency is; with
 *       jitter it is the same bet the median already makes.
 *    Nodes that lack the file or hold an older version never change the pick.
 * 4. With no holder and nothing left that could change that: `none`, because every node is down, or the
 *    newest version is a deletion, or no live node has the file.
 *
 * Examples (n = 3, floor 100 ms; `wait` = how long the request in flight has waited):
 *
 * | observations                                                        | decision                               |
 * |---------------------------------------------------------------------|----------------------------------------|
 * | a [50,50,50] v1; b [150,150,150] v1                                 | chosen a                               |
 * | b [80,80,80] v1; a [80,80,80] v1                                    | chosen a (name order)                  |
 * | a [50,50,50] v1; b [] file ? head wait 150                          | undecided (b may hold v2; W = 200)     |
 * | a [50,50,50] v1; b [] file ? head wait 201                          | chosen a, b not waited for             |
 * | a [50,50,50] v1; b [40] v1 in flight 10                             | undecided (L = 40 < 50)                |
 * | a [50,50,50] v1; b [150] v1 in flight 5                             | chosen a (L = 150)                     |
 * | a [50,50,50] v1; b [] v1 in flight 60                               | chosen a (L = 60: silent longer)       |
 * | a [50,50,50] v1; b [40,40] v1 in flight 500                         | undecided (L = 40 whatever happens)    |
 * | a [50,50,50] v1; b [150,150,150] v2                                 | chosen b, skipped a (stale, faster)    |
 * | a [50,50,50] v1 etag X; b [150,150,150] v2 etag X                   | chosen a (same bytes)                  |
 * | a [50,50,50] absent; b [150,150,150] v0                             | chosen b, skipped a (lacks the file)   |
 * | a refused; b refused                                                | none, all down                         |
 * | a [50,50,50] absent; b [150,150,150] absent                         | none, not found                        |
 * | a [2,2,2] absent; b [] file ? head wait 140                         | undecided (b may be the only holder)   |
 * | a [50,50,50] v1; b [150,150,150] deleted at v2                      | none, deleted (v2 on b)                |
 * | a [50] v1 in flight 10; b refused                                   | undecided (a is the only hope)         |
 */
import type { Failure } from '../client/classify-failure.js';
import type { FileStat } from '../client/node-client.js';

/** What the probes know about one node at one moment. */
export interface NodeObservation {
  name: string;
  /** Round trips of the /health samples answered so far, ms, in order. */
  rttsMs: number[];
  /** How long the /health request in flight has waited, ms; undefined when none is in flight. */
  healthWaitMs?: number;
  /** The node's answer about the file; undefined while unknown. */
  file?: FileStat;
  /** How long the HEAD in flight has waited, ms; undefined when none is in flight. */
  fileWaitMs?: number;
  /** Set when a request failed: the node is down and no longer asked. */
  failure?: Failure;
}

export interface RankOptions {
  /** Samples per node (n). */
  samples: number;
  /** Least time a node with an unknown version is waited for, ms. */
  silenceFloorMs: number;
}

/** A faster node that was passed over, and why. */
export interface Skipped {
  node: string;
  why: 'lacks-file' | 'stale';
  /** The version it holds (or, lacking the file, that of its deletion; 0 if none). */
  version: number;
  medianMs: number;
}

export interface ChosenReason {
  /** The newest version, which the chosen node holds. */
  version: number;
  medianMs: number;
  /** Nodes with a lower median that lack the file or hold an older version. */
  skipped: Skipped[];
  /** Nodes whose version was still unknown when they stopped mattering (rule 3a). */
  notWaitedFor: string[];
}

export type NoneReason =
  | { why: 'all-down' }
  | { why: 'not-found' }
  | { why: 'deleted'; version: number; node: string };

export type PickDecision =
  | { kind: 'undecided'; waitingFor: string[] }
  | { kind: 'chosen'; node: string; reason: ChosenReason }
  | { kind: 'none'; reason: NoneReason };

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length % 2 === 1) return s[mid] as number;
  return ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Order for showing nodes: lowest median first; a node never measured ranks last (as Garage's
 * `request_order` gives an unmeasured peer a 10 s ping); then by name.
 */
export function byRoundTrip(a: NodeObservation, b: NodeObservation): number {
  const ma = a.rttsMs.length > 0 ? median(a.rttsMs) : Number.POSITIVE_INFINITY;
  const mb = b.rttsMs.length > 0 ? median(b.rttsMs) : Number.POSITIVE_INFINITY;
  if (ma !== mb) return ma < mb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Rule 3b's lower bound on the median a node with fewer than n samples can end with. */
export function medianLowerBound(o: NodeObservation, samples: number): number {
  const fastest = o.rttsMs.length > 0 ? Math.min(...o.rttsMs) : 0;
  const unanswered = Math.max(0, samples - o.rttsMs.length);
  const each = Math.max(fastest, o.healthWaitMs ?? 0);
  return median([...o.rttsMs, ...new Array<number>(unanswered).fill(each)]);
}

export interface NewestCopy {
  /** The highest version live nodes reported (of a copy or of a deletion); -1 when none answered. */
  version: number;
  /** Whether this node's copy counts as the newest (rule 1). */
  holds: (o: NodeObservation) => boolean;
}

/** Rule 1: the newest version among live nodes, and which copies count as it. */
export function newestCopy(observations: readonly NodeObservation[]): NewestCopy {
  const live = observations.filter((o) => o.failure === undefined);
  let version = -1;
  for (const o of live) if (o.file !== undefined && o.file.version > version) version = o.file.version;
  const etags = new Set<string>();
  for (const o of live) {
    const f = o.file;
    // Weak ETags (not hashed yet) say nothing about the bytes.
    if (f?.present && f.version === version && f.etag?.startsWith('"')) etags.add(f.etag);
  }
  const holds = (o: NodeObservation) =>
    o.file?.present === true &&
    (o.file.version === version || (o.file.etag !== undefined && etags.has(o.file.etag)));
  return { version, holds };
}

export function rank(observations: readonly NodeObservation[], opts: RankOptions): PickDecision {
  const n = opts.samples;
  const live = observations.filter((o) => o.failure === undefined);
  if (live.length === 0) return { kind: 'none', reason: { why: 'all-down' } };

  const { version: target, holds } = newestCopy(live);
  const complete = (o: NodeObservation) => o.rttsMs.length >= n;

  const best = live.filter((o) => holds(o) && complete(o)).sort(byRoundTrip)[0];
  const bestMedian = best ? median(best.rttsMs) : undefined;
  const versionWaitMs =
    bestMedian === undefined ? Number.POSITIVE_INFINITY : Math.max(opts.silenceFloorMs, (n + 1) * bestMedian);

  const waitingFor: string[] = [];
  const notWaitedFor: string[] = [];
  for (const o of live) {
    if (o === best) continue;
    if (o.file === undefined) {
      if ((o.fileWaitMs ?? 0) <= versionWaitMs) waitingFor.push(o.name);
      else notWaitedFor.push(o.name);
    } else if (holds(o) && !complete(o)) {
      if (best === undefined || bestMedian === undefined) {
        waitingFor.push(o.name);
        continue;
      }
      const bound = medianLowerBound(o, n);
      if (bound < bestMedian || (bound === bestMedian && o.name < best.name)) waitingFor.push(o.name);
    }
  }
  if (waitingFor.length > 0) return { kind: 'undecided', waitingFor };

  if (best !== undefined && bestMedian !== undefined) {
    const skipped: Skipped[] = [];
    for (const o of [...live].sort(byRoundTrip)) {
      if (o.file === undefined || holds(o) || o.rttsMs.length === 0) continue;
      const m = median(o.rttsMs);
      if (m >= bestMedian) continue;
      skipped.push({
        node: o.name,
        why: o.file.present ? 'stale' : 'lacks-file',
        version: o.file.version,
        medianMs: m,
      });
    }
    return {
      kind: 'chosen',
      node: best.name,
      reason: { version: target, medianMs: bestMedian, skipped, notWaitedFor },
    };
  }
  const deletedOn = live.find(
    (o) => o.file !== undefined && !o.file.present && o.file.version === target && target > 0,
  );
  if (deletedOn && !live.some(holds))
    return { kind: 'none', reason: { why: 'deleted', version: target, node: deletedOn.name } };
  return { kind: 'none', reason: { why: 'not-found' } };
}
