/**
 * Replication of one file to every node: the file is read ONCE and each chunk is hashed and written
 * to all uploads at the same time (one read, N uploads, never the whole file in memory). Chunks are read
 * into a small ring of buffers, each reused once every upload's socket has taken it: no buffer is
 * allocated per chunk, so a 1 GiB file does not make 1 GiB of garbage (which cost this process an
 * eighth of its CPU in V8's mark-compacts, perf, 1 GiB to 3 nodes). The slowest live node sets the
 * pace: a buffer still held by it cannot be refilled; a node that fails or stops reading for
 * `stallTimeoutMs` is dropped and the others go on. The SHA-256 goes to every node in a trailer and
 * each node verifies it before the file becomes visible; the answer's sha256 is checked again here.
 *
 *   file ──read 1 MiB──► sha256 ─┬─► PUT node1 ─► temp ─► verify ─► rename
 *                                ├─► PUT node2 ─► …
 *                                └─► PUT node3 ─► …   (slowest live node gates the next read)
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { classifyFailure } from '../client/classify-failure.js';
import { Upload, type UploadAnswer, type UploadTarget } from '../client/upload.js';
import { reprDigest } from '../shared/checksum.js';
import { DEFAULTS } from '../shared/defaults.js';
import { type Clock, systemClock } from '../shared/random.js';

export type FailureReason =
  | 'refused'
  | 'timeout'
  | 'unauthorized'
  | 'read-only'
  | 'stale'
  | 'too-large'
  | 'disk-full'
  | 'digest-mismatch'
  | 'bad-name'
  | 'name-is-folder'
  | 'http'
  | 'error';

export type NodeOutcome =
  | {
      node: string;
      kind: 'stored';
      result: 'created' | 'replaced' | 'unchanged';
      bytes: number;
      ms: number;
      /** The node's answer names the same SHA-256 as the one computed here. */
      verified: boolean;
    }
  | { node: string; kind: 'failed'; reason: FailureReason; detail: string; bytes: number; ms: number };

export interface ReplicateOptions {
  file: string;
  /** Name on the nodes (`films/a.mp4`). */
  name: string;
  targets: UploadTarget[];
  token: string;
  version: number;
  /** A node that takes no byte for this long is dropped. */
  stallTimeoutMs?: number;
  chunkBytes?: number;
  clock?: Clock;
  /** Called after every chunk with the bytes handed to each node's upload so far. */
  onProgress?: (sent: ReadonlyMap<string, number>, size: number) => void;
}

export interface ReplicateResult {
  name: string;
  size: number;
  sha256: string;
  version: number;
  outcomes: NodeOutcome[];
}

/**
 * What an HTTP answer means for a node.
 *
 * | status, error code              | outcome                         |
 * |---------------------------------|---------------------------------|
 * | 201                             | stored created                  |
 * | 200, result 'unchanged'         | stored unchanged                |
 * | 401                             | failed unauthorized             |
 * | 403 DSM_READ_ONLY               | failed read-only                |
 * | 409 DSM_NAME_IS_FOLDER          | failed name-is-folder           |
 * | 409                             | failed stale                    |
 * | 413                             | failed too-large                |
 * | 507                             | failed disk-full                |
 * | 400 DSM_DIGEST_MISMATCH         | failed digest-mismatch          |
 * | 400 DSM_BAD_NAME                | failed bad-name                 |
 * | 500                             | failed http                     |
 */
/** Error codes that name their own reason, whatever the status (a 409 may be stale or a folder). */
const REASON_BY_CODE: Record<string, FailureReason> = {
  DSM_READ_ONLY: 'read-only',
  DSM_NAME_IS_FOLDER: 'name-is-folder',
  DSM_DIGEST_MISMATCH: 'digest-mismatch',
  DSM_BAD_NAME: 'bad-name',
};
const REASON_BY_STATUS: Record<number, FailureReason> = {
  409: 'stale',
  413: 'too-large',
  507: 'disk-full',
};

export function outcomeOfAnswer(
  node: string,
  answer: UploadAnswer,
  sha256: string,
  bytes: number,
  ms: number,
): NodeOutcome {
  const { status, body } = answer;
  if (status === 200 || status === 201) {
    const result = body.result === 'unchanged' ? 'unchanged' : status === 201 ? 'created' : 'replaced';
    return { node, kind: 'stored', result, bytes, ms, verified: body.sha256 === sha256 };
  }
  const error = (body.error ?? {}) as { code?: string; message?: string };
  const detail = error.message ?? `HTTP ${status}`;
  const reason: FailureReason =
    status === 401
      ? 'unauthorized'
      : (REASON_BY_CODE[error.code ?? ''] ?? REASON_BY_STATUS[status] ?? 'http');
  return { node, kind: 'failed', reason, detail, bytes, ms };
}

export async function replicateFile(opts: ReplicateOptions): Promise<ReplicateResult> {
  const clock = opts.clock ?? systemClock;
  const stallMs = opts.stallTimeoutMs ?? 10_000;
  const { size } = await stat(opts.file);
  const t0 = clock.now();
  const uploads = opts.targets.map(
    (t) => new Upload(t, opts.name, { token: opts.token, version: opts.version, size }),
  );
  const sent = new Map<string, number>(opts.targets.map((t) => [t.node, 0]));
  const answered = new Map<Upload, UploadAnswer>();
  const answeredAt = new Map<Upload, number>();
  const dropped = new Map<Upload, { reason: FailureReason; detail: string }>();

  for (const u of uploads) {
    u.answer.then(
      (a) => {
        answered.set(u, a);
        answeredAt.set(u, clock.now());
        // An early refusal (401, 409, 413…): stop sending it the rest.
        if (a.status >= 300 && u.writable) u.abort(new Error(`answered ${a.status}`));
      },
      () => answeredAt.set(u, clock.now()),
    );
  }
  const alive = (u: Upload) => u.writable && !dropped.has(u) && !answered.has(u);

  const waitFor = async (u: Upload, p: Promise<void>) => {
    let timer: NodeJS.Timeout | undefined;
    const stall = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), stallMs);
    });
    try {
      const r = await Promise.race([p.then(() => 'ok' as const), stall]);
      if (r === 'stalled') {
        dropped.set(u, { reason: 'timeout', detail: `took no data for ${stallMs / 1000} s` });
        u.abort(new Error('stalled'));
      }
    } catch {
      // The upload failed; its error or answer says why, below.
    } finally {
      clearTimeout(timer);
    }
  };

  await Promise.all(uploads.map((u) => u.ready));
  const hash = createHash('sha256');
  const chunkBytes = opts.chunkBytes ?? DEFAULTS.bulkReadChunkBytes;
  const ring = Array.from({ length: DEFAULTS.replicateRingBuffers }, () =>
    Buffer.allocUnsafeSlow(chunkBytes),
  );
  /** Per ring slot: settles when every upload has taken (or dropped) the chunk in it. */
  const held: Promise<unknown>[] = ring.map(() => Promise.resolve());
  const file = await open(opts.file, 'r');
  try {
    for (let position = 0, slot = 0; ; slot = (slot + 1) % ring.length) {
      await held[slot];
      // With no node left the file is still read to the end: the summary names its real SHA-256.
      const live = uploads.filter(alive);
      const buffer = ring[slot] as Buffer;
      const { bytesRead } = await file.read(buffer, 0, chunkBytes, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const chunk = bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead);
      hash.update(chunk);
      if (live.length === 0) continue;
      held[slot] = Promise.all(live.map((u) => waitFor(u, u.write(chunk))));
      for (const u of live) sent.set(u.target.node, (sent.get(u.target.node) ?? 0) + bytesRead);
      opts.onProgress?.(sent, size);
    }
    await Promise.all(held);
  } finally {
    await file.close();
  }
  const sha256 = hash.digest('hex');
  const digest = reprDigest(sha256);
  for (const u of uploads) if (alive(u)) u.finish(digest);

  const outcomes = await Promise.all(
    uploads.map(async (u): Promise<NodeOutcome> => {
      const node = u.target.node;
      const bytes = sent.get(node) ?? 0;
      const drop = dropped.get(u);
      let answer: UploadAnswer | undefined = answered.get(u);
      if (!answer && !drop) {
        // The node verifies and fsyncs before it answers: give it the stall timeout to do so.
        answer = await Promise.race([
          u.answer.catch(() => undefined),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), stallMs).unref()),
        ]);
        if (!answer && !u.error) u.abort(new Error('no answer'));
      }
      const ms = (answeredAt.get(u) ?? clock.now()) - t0;
      if (answer) return outcomeOfAnswer(node, answer, sha256, bytes, ms);
      if (drop) return { node, kind: 'failed', ...drop, bytes, ms };
      const f = classifyFailure(u.error);
      return {
        node,
        kind: 'failed',
        reason: f.kind === 'refused' ? 'refused' : f.kind === 'timeout' ? 'timeout' : 'error',
        detail: u.error ? f.detail : `no answer within ${stallMs / 1000} s`,
        bytes,
        ms,
      };
    }),
  );
  return { name: opts.name, size, sha256, version: opts.version, outcomes };
}
