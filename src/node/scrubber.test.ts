import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, rm, stat, unlink, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../shared/logger.js';
import { systemClock } from '../shared/random.js';
import { FileStore } from './file-store.js';
import { paceDelayMs, Scrubber } from './scrubber.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('paceDelayMs (the table in scrubber.ts)', () => {
  const perMs = (50 * MiB) / 1000;
  const rows: Array<[number, number, number, number]> = [
    [MiB, 5, perMs, 15],
    [MiB, 30, perMs, 0],
    [10 * MiB, 100, perMs, 100],
    [0, 0, perMs, 0],
  ];
  for (const [bytes, elapsed, rate, wait] of rows) {
    it(`${bytes} bytes in ${elapsed} ms → wait ${wait} ms`, () => {
      assert.ok(Math.abs(paceDelayMs(bytes, elapsed, rate) - wait) < 0.01);
    });
  }
});

describe('Scrubber.check on a real folder', () => {
  let dir: string;
  let store: FileStore;
  const lines: string[] = [];
  const lost: string[] = [];
  let scrubber: Scrubber;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dsm-scrub-'));
    const log = createLogger({ name: 'node2', format: 'text', quiet: true, write: (l) => lines.push(l) });
    store = await FileStore.open(dir, log);
    scrubber = new Scrubber({
      store,
      log,
      clock: systemClock,
      intervalMs: 0,
      mbps: 1000,
      onLost: (name) => lost.push(name),
    });
  });

  after(async () => {
    await scrubber.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function store1(name: string, data: Buffer, version: number) {
    return store.put(name, Readable.from([data]), {
      version,
      expectedSha256: () => sha(data),
      maxBytes: 100 * MiB,
      nodeName: 'node2',
    });
  }

  /** Bit rot: one byte changed, size and modification time as before (as the manifest recorded them). */
  async function rot(name: string, at: number): Promise<void> {
    const path = join(dir, name);
    const fh = await open(path, 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = (b[0] ?? 0) ^ 0xff;
    await fh.write(b, 0, 1, at);
    await fh.close();
    // Putting back a nanosecond mtime is not portable (utimes takes a double): record the new one instead.
    const entry = store.manifest.get(name);
    assert.ok(entry);
    store.manifest.setFile(name, { ...entry, mtimeMs: (await stat(path)).mtimeMs });
  }

  it('finds an intact copy ok', async () => {
    await store1('ok.bin', randomBytes(100_000), 10);
    assert.equal(await scrubber.check('ok.bin'), 'ok');
  });

  it('quarantines a copy with one byte changed: not served, not listed, version remembered', async () => {
    const data = randomBytes(300_000);
    await store1('rot.bin', data, 20);
    await rot('rot.bin', 123_456);
    const digestBefore = store.manifestDigest();
    assert.equal(await scrubber.check('rot.bin'), 'corrupt');
    assert.deepEqual(lost, ['rot.bin']);
    assert.match(
      lines.join('\n'),
      /found rot\.bin v20 corrupt \(sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\), quarantined/,
    );
    assert.equal((await store.openFile(['rot.bin'])).kind, 'missing');
    assert.ok(!(await store.list()).some((f) => f.name === 'rot.bin'));
    assert.notEqual(store.manifestDigest(), digestBefore);
    assert.equal(store.manifest.quarantined('rot.bin')?.version, 20);
    // Listed as corrupt (GET /_dsm/files), so that `dsm ls` and the dashboard can say so until repaired.
    assert.deepEqual(
      store.corrupted().map((c) => [c.name, c.version, c.sha256 === sha(data), c.actualSha256 === sha(data)]),
      [['rot.bin', 20, true, false]],
    );
    const q = await readdir(join(dir, '.dsm', 'quarantine'));
    assert.equal(q.length, 1);
    assert.match(q[0] ?? '', /-v20-.*rot\.bin$/);

    // An older version is still refused; the same version (from a healthy peer) is accepted.
    await assert.rejects(store1('rot.bin', randomBytes(10), 19), { code: 'DSM_STALE_VERSION' });
    const again = await store1('rot.bin', data, 20);
    assert.equal(again.kind, 'stored');
    assert.equal(store.manifest.quarantined('rot.bin'), undefined);
    assert.deepEqual(store.corrupted(), []);
    assert.equal(await scrubber.check('rot.bin'), 'ok');
  });

  it('forgets a file deleted from disk by hand, so that it is fetched again', async () => {
    await store1('gone.bin', randomBytes(1000), 30);
    await unlink(join(dir, 'gone.bin'));
    lost.length = 0;
    assert.equal(await scrubber.check('gone.bin'), 'missing');
    assert.equal(store.manifest.get('gone.bin'), undefined);
    assert.deepEqual(lost, ['gone.bin']);
  });

  it('leaves a file edited by hand (new mtime) to the background hasher', async () => {
    await store1('edited.bin', randomBytes(1000), 40);
    const path = join(dir, 'edited.bin');
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from('x'), 0, 1, 0);
    await fh.close();
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    assert.equal(await scrubber.check('edited.bin'), 'changed');
    assert.ok(store.manifest.get('edited.bin'), 'the entry was dropped');
  });

  it('reads at the configured rate', async () => {
    const slow = new Scrubber({
      store,
      log: createLogger({ name: 'n', format: 'text', quiet: true, write: () => undefined }),
      clock: systemClock,
      intervalMs: 0,
      mbps: 20,
      onLost: () => undefined,
    });
    await store1('big.bin', randomBytes(4 * MiB), 50);
    const t0 = performance.now();
    assert.equal(await slow.check('big.bin'), 'ok');
    const ms = performance.now() - t0;
    // 4 MiB at 20 MB/s: 200 ms (the last chunk is not waited for).
    assert.ok(ms >= 140, `took ${ms} ms`);
    await slow.close();
  });
});
