/**
 * FileStore.put: the atomic write of an upload, with the background fdatasyncs that overlap the disk
 * writes with the receiving (DEFAULTS.uploadSyncEveryBytes), on a real folder.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isDsmError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { FileStore, INTERNAL_DIR } from './file-store.js';

const KiB = 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `data` as a body of `piece`-byte chunks, as a socket delivers an upload. */
function body(data: Buffer, piece: number): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += piece) pieces.push(data.subarray(at, at + piece));
  return Readable.from(pieces);
}

/** A FileStore on a new temp folder for the tests of one `describe`, closed and removed after them. */
function storeInTempFolder(): { dir: () => string; store: () => FileStore } {
  let dir = '';
  let store: FileStore | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dsm-store-'));
    store = await FileStore.open(
      dir,
      createLogger({ name: 'n', format: 'text', quiet: true, write: () => {} }),
    );
  });
  after(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, store: () => store as FileStore };
}

describe('FileStore.put with background syncs', () => {
  const t = storeInTempFolder();

  it('stores the exact bytes while syncing every 128 KiB', async () => {
    const data = randomBytes(3 * 1024 * KiB + 17);
    const r = await t.store().put('a.bin', body(data, 64 * KiB), {
      version: 10,
      expectedLength: data.length,
      expectedSha256: () => sha(data),
      maxBytes: 10 * 1024 * KiB,
      nodeName: 'n',
      syncEveryBytes: 128 * KiB,
    });
    assert.equal(r.kind, 'stored');
    assert.equal(r.entry.sha256, sha(data));
    assert.ok((await readFile(join(t.dir(), 'a.bin'))).equals(data));
    assert.deepEqual(await readdir(join(t.dir(), INTERNAL_DIR, 'tmp')), []);
  });

  it('a wrong digest leaves the old version and no temp file, syncs in flight or not', async () => {
    const old = await readFile(join(t.dir(), 'a.bin'));
    const data = randomBytes(2 * 1024 * KiB);
    await assert.rejects(
      t.store().put('a.bin', body(data, 64 * KiB), {
        version: 11,
        expectedSha256: () => sha(Buffer.from('something else')),
        maxBytes: 10 * 1024 * KiB,
        nodeName: 'n',
        syncEveryBytes: 64 * KiB,
      }),
      (err) => isDsmError(err) && err.code === 'DSM_DIGEST_MISMATCH',
    );
    assert.ok((await readFile(join(t.dir(), 'a.bin'))).equals(old));
    assert.deepEqual(await readdir(join(t.dir(), INTERNAL_DIR, 'tmp')), []);
  });
});

describe('FileStore.openCached', () => {
  const t = storeInTempFolder();

  const put = (name: string, data: Buffer, version: number) =>
    t.store().put(name, body(data, 64 * KiB), {
      version,
      expectedSha256: () => sha(data),
      maxBytes: 1024 * KiB,
      nodeName: 'n',
    });

  it('answers without waiting only for a file the open-file cache holds fresh, and follows a new version', async () => {
    const v1 = randomBytes(1000);
    await put('c.bin', v1, 1);
    assert.equal(t.store().openCached('c.bin'), undefined, 'never opened: not cached');

    const first = await t.store().openFile(['c.bin']);
    assert.equal(first.kind, 'file');
    if (first.kind !== 'file') return;
    first.release();

    const hit = t.store().openCached('c.bin');
    assert.ok(hit !== undefined && hit.kind === 'file');
    assert.equal(hit.file, first.file, 'the same open entry');
    assert.equal(hit.entry?.sha256, sha(v1));
    hit.release();

    // A write through the node makes the cached entry stale at once.
    const v2 = randomBytes(2000);
    await put('c.bin', v2, 2);
    assert.equal(t.store().openCached('c.bin'), undefined, 'stale after a new version');
    const again = await t.store().openFile(['c.bin']);
    assert.ok(again.kind === 'file' && again.stats.size === 2000 && again.entry?.version === 2);
    again.release();
    assert.equal(t.store().openCached('missing.bin'), undefined);
  });
});
