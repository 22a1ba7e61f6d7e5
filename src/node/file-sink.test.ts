import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { FileSink } from './file-sink.js';

describe('FileSink', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dsm-sink-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes pieces larger and smaller than its write size, in order, and fsyncs at the end', async () => {
    const pieces = [
      randomBytes(100 * 1024),
      randomBytes(1),
      randomBytes(300 * 1024 + 5),
      randomBytes(64 * 1024),
    ];
    const path = join(dir, 'a.part');
    const handle = await open(path, 'wx');
    const sink = new FileSink(handle, { writeBytes: 64 * 1024, datasyncEveryBytes: 128 * 1024 });
    try {
      await pipeline(Readable.from(pieces), sink);
    } finally {
      await handle.close();
    }
    const all = Buffer.concat(pieces);
    assert.equal(sink.written, all.length);
    assert.ok((await readFile(path)).equals(all));
  });

  it('writes through the thread pool while an fdatasync runs, and the bytes stay in order', async () => {
    const pieces = Array.from({ length: 64 }, (_, i) => randomBytes(16 * 1024 + i));
    const path = join(dir, 'c.part');
    const handle = await open(path, 'wx');
    const write = handle.write.bind(handle);
    let pooled = 0;
    handle.write = ((...args: Parameters<typeof write>) => {
      pooled++;
      return write(...args);
    }) as typeof handle.write;
    // An fdatasync after every 1 byte: the next piece almost always finds one running.
    const sink = new FileSink(handle, { writeBytes: 64 * 1024, datasyncEveryBytes: 1 });
    try {
      await pipeline(Readable.from(pieces), sink);
    } finally {
      await handle.close();
    }
    assert.ok(pooled > 0, 'some writes went through the thread pool');
    assert.ok((await readFile(path)).equals(Buffer.concat(pieces)));
  });

  it('fails the stream when a write fails (nothing is swallowed)', async () => {
    const path = join(dir, 'b.part');
    const handle = await open(path, 'wx');
    await handle.close(); // the descriptor is gone: every write fails with EBADF
    const sink = new FileSink(handle, { writeBytes: 64 * 1024, datasyncEveryBytes: 0 });
    await assert.rejects(pipeline(Readable.from([Buffer.from('abc')]), sink));
  });
});
