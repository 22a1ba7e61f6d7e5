import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isDsmError } from '../shared/errors.js';
import { seededRng, systemClock } from '../shared/random.js';
import type { NodeSnapshot } from '../supervisor/node-process.js';
import { createClusterActions } from './cluster-actions.js';

const node = (name: string, state: NodeSnapshot['state']): NodeSnapshot => ({
  name,
  state,
  pid: null,
  port: 1,
  url: state === 'up' ? 'http://127.0.0.1:1' : null,
  exitCode: null,
  signal: null,
  lastError: null,
  restarts: 0,
});

describe('cluster actions (no node is reached: each call stops before)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dsm-actions-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const actions = (nodes: NodeSnapshot[]) =>
    createClusterActions({
      snapshots: () => nodes,
      configFile: '/lab/nodes.json',
      token: 't',
      fetch,
      probeFetch: async () => {
        throw new Error('not reached');
      },
      clock: systemClock,
      rng: seededRng(1),
      tmpDir: dir,
      maxUploadBytes: 10,
      onUpload: () => undefined,
    });
  const code = (err: unknown) => (isDsmError(err) ? err.code : String(err));

  it('refuses an upload larger than the limit, and leaves no temp file', async () => {
    await assert.rejects(
      actions([node('n1', 'up')]).upload('a.bin', Readable.from([Buffer.alloc(8), Buffer.alloc(8)]), 'u1'),
      (err) => code(err) === 'DSM_TOO_LARGE',
    );
    assert.deepEqual(await readdir(dir), []);
  });

  it('refuses a bad name and an upload with no node up, before reading the body', async () => {
    await assert.rejects(
      actions([node('n1', 'up')]).upload('.env', Readable.from([]), 'u2'),
      (err) => code(err) === 'DSM_BAD_NAME',
    );
    await assert.rejects(
      actions([node('n1', 'down')]).upload('a.bin', Readable.from([]), 'u3'),
      (err) => code(err) === 'DSM_NO_NODE_UP',
    );
  });

  it('says a node is not up, or not in the cluster, when its faults are changed', async () => {
    await assert.rejects(
      actions([node('n1', 'crashed')]).setFaults('n1', '{"faults":[]}'),
      (err) => code(err) === 'DSM_NODE_NOT_UP',
    );
    await assert.rejects(
      actions([node('n1', 'up')]).setFaults('n9', '{"faults":[]}'),
      (err) => code(err) === 'DSM_NODE_NOT_IN_CONFIG',
    );
  });

  it('picks nothing when every node is down or excluded', async () => {
    const r = await actions([node('n1', 'up'), node('n2', 'down')]).pick('demo.mp4', ['n1']);
    assert.deepEqual(r, { node: null, url: null, reason: 'all-down', decisionMs: 0, nodes: [] });
  });
});
