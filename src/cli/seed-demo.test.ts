import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SeedNode, seedDecision, seedDemo } from './seed-demo.js';

describe('seedDecision', () => {
  it('seeds when no node has a video', () => {
    assert.deepEqual(
      seedDecision([
        { node: 'node1', files: [{ name: 'notes.txt' }] },
        { node: 'node2', files: [] },
      ]),
      { action: 'seed' },
    );
  });

  it('skips when any node has a video, in any folder, whatever the case of its extension', () => {
    assert.deepEqual(
      seedDecision([
        { node: 'node1', files: [] },
        { node: 'node2', files: [{ name: 'films/a.WEBM' }] },
      ]),
      { action: 'skip', reason: 'has-video', node: 'node2', file: 'films/a.WEBM' },
    );
  });

  it('counts a deleted video (tombstone) as a video: someone manages them', () => {
    assert.equal(seedDecision([{ node: 'node1', files: [{ name: 'a.mp4', deleted: true }] }]).action, 'skip');
  });

  it('decides from the nodes that answered, and skips when none did', () => {
    assert.deepEqual(
      seedDecision([
        { node: 'node1', files: null },
        { node: 'node2', files: [] },
      ]),
      { action: 'seed' },
    );
    assert.deepEqual(seedDecision([{ node: 'node1', files: null }]), { action: 'skip', reason: 'no-answer' });
  });
});

describe('seedDemo', () => {
  const nodes: SeedNode[] = [
    { name: 'node1', url: 'http://n1' },
    { name: 'node2', url: 'http://n2' },
  ];
  const fakeFetch = (lists: Record<string, unknown[]>) =>
    (async (input: string | URL | Request) => {
      const url = String(input);
      const host = new URL(url).host;
      return new Response(JSON.stringify(lists[host] ?? []), { status: 200 });
    }) as typeof fetch;

  it('does nothing when a node has a video', async () => {
    const lines: string[] = [];
    const seed = seedDemo({
      fetch: fakeFetch({ n2: [{ name: 'x.mp4', size: 1, sha256: null }] }),
      lang: 'en',
      samplePath: '/x/demo.mp4',
      timeoutMs: 1000,
    });
    await seed(nodes, { token: 't', log: (l) => lines.push(l) });
    assert.deepEqual(lines, []);
  });
});
