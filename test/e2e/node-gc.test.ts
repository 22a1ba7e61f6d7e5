/**
 * A node taking a large upload does not keep running full garbage collections (cli/v8-tuning.ts).
 * With V8's incremental marking on, this upload made a node run 12–15 mark-compacts; with it off, 0–1
 * (2 runs each, 2026-11-26); the bound, 5, leaves room for a machine busy with other tests. Counted from
 * the node's own `--trace-gc` lines, over a real socket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type RunningNode, startNode, tempDir } from './helpers.js';

const TOKEN = 'node-gc-test-token-0123456789abcdef';
const MiB = 1024 * 1024;
const UPLOAD_MIB = 512;
/** Written 16 KiB at a time, as small-buffered clients do: more, smaller body pieces (curl sends 64 KiB). */
const PIECE_BYTES = 16 * 1024;

/** PUTs `mib` MiB (one random piece, repeated) with a chunked body; resolves with the status. */
function upload(url: string, mib: number): Promise<number> {
  const piece = randomBytes(PIECE_BYTES);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Transfer-Encoding': 'chunked' },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < (mib * MiB) / piece.length) {
        sent++;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

const markCompacts = (output: string) => output.match(/Mark-Compact/g)?.length ?? 0;

describe('dsm node under a large upload', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let node: RunningNode;

  before(async () => {
    dir = await tempDir('dsm-gc-');
    node = await startNode({
      root: dir.path,
      args: ['--quiet', '--anti-entropy-interval-ms', '0', '--scrub-interval-ms', '0'],
      env: { DSM_TOKEN: TOKEN },
      nodeArgs: ['--trace-gc'],
    });
  });

  after(async () => {
    await node?.stop();
    await dir?.cleanup();
  });

  it(`runs at most 5 full collections while it stores ${UPLOAD_MIB} MiB`, async () => {
    const before = markCompacts(node.output());
    const status = await upload(`${node.url}/big.bin`, UPLOAD_MIB);
    assert.equal(status, 201);
    const during = markCompacts(node.output()) - before;
    // The trace is there and in the expected form (else a count of 0 would prove nothing).
    assert.match(node.output(), /Scavenge/);
    assert.ok(during <= 5, `${during} mark-compacts during the upload:\n${node.output().slice(-2000)}`);
  });
});
