/**
 * Seeding of `dsm cluster`: when no node holds a video yet, put samples/demo.mp4 on the nodes, so that
 * a fresh cluster has something to play from the first minute of class.
 *
 * | listings (GET /_dsm/files of each node that is up) | decision                          |
 * |----------------------------------------------------|-----------------------------------|
 * | node1: [], node2: []                               | seed                              |
 * | node1: [notes.txt], node2: []                      | seed (no video yet)               |
 * | node1: [], node2: [films/a.webm]                   | skip: node2 has films/a.webm      |
 * | node1: [a.mp4 deleted], node2: []                  | skip: someone manages the videos  |
 * | node1: not answering, node2: []                    | seed (node2 answered)             |
 * | no node answering                                  | skip: nothing to ask              |
 */
import { extname } from 'node:path';
import { listNodeFiles } from '../client/list-node-files.js';
import type { NodeListing } from '../replication/replica-status.js';
import { replicateFile } from '../replication/replicate-file.js';
import { type Lang, tr } from '../shared/i18n.js';
import { newVersion } from '../shared/version.js';

/** Extensions that browsers (or VLC) play: what counts as "a video" here. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mp4',
  '.m4v',
  '.webm',
  '.mkv',
  '.mov',
  '.ogv',
]);

/** The name the sample gets on the nodes. */
export const DEMO_NAME = 'demo.mp4';

export type SeedDecision =
  | { action: 'seed' }
  | { action: 'skip'; reason: 'has-video'; node: string; file: string }
  | { action: 'skip'; reason: 'no-answer' };

export function seedDecision(listings: readonly NodeListing[]): SeedDecision {
  const answered = listings.filter((l) => l.files !== null);
  if (answered.length === 0) return { action: 'skip', reason: 'no-answer' };
  for (const l of answered) {
    // A tombstone counts too: a video was there and someone deleted it on purpose.
    const video = l.files?.find((f) => VIDEO_EXTENSIONS.has(extname(f.name).toLowerCase()));
    if (video) return { action: 'skip', reason: 'has-video', node: l.node, file: video.name };
  }
  return { action: 'seed' };
}

export interface SeedNode {
  name: string;
  url: string;
}

export interface SeedDeps {
  fetch: typeof fetch;
  lang: Lang;
  /** samples/demo.mp4 of this project, absolute. */
  samplePath: string;
  timeoutMs: number;
}

/** What `dsm cluster` calls once its nodes are up. */
export type SeedFn = (
  nodes: SeedNode[],
  opts: { token: string; log: (line: string) => void },
) => Promise<void>;

export function seedDemo(deps: SeedDeps): SeedFn {
  return async (nodes, opts) => {
    const listings = await Promise.all(
      nodes.map(async (n) => ({
        node: n.name,
        files: await listNodeFiles(n.url, deps.fetch, deps.timeoutMs),
      })),
    );
    const decision = seedDecision(listings);
    if (decision.action === 'skip') return;
    const result = await replicateFile({
      file: deps.samplePath,
      name: DEMO_NAME,
      token: opts.token,
      targets: nodes.map((n) => ({ node: n.name, base: n.url })),
      version: newVersion(Date.now(), Math.random),
    });
    const stored = result.outcomes.filter((o) => o.kind === 'stored' && o.verified).map((o) => o.node);
    const missed = result.outcomes.filter((o) => !stored.includes(o.node)).map((o) => o.node);
    opts.log(
      tr(deps.lang, {
        en: `no video on the nodes yet: replicated samples/${DEMO_NAME} to ${stored.join(', ') || 'no node'}${
          missed.length ? ` (missed: ${missed.join(', ')})` : ''
        }`,
        'pt-BR': `nenhum vídeo nos nós ainda: samples/${DEMO_NAME} replicado para ${stored.join(', ') || 'nenhum nó'}${
          missed.length ? ` (faltaram: ${missed.join(', ')})` : ''
        }`,
      }),
    );
  };
}
