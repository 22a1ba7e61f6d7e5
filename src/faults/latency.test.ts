import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latencyDelayMs, sleep } from './latency.js';

describe('latencyDelayMs', () => {
  const table: Array<[number, number, number, number]> = [
    [50, 0, 0.3, 50],
    [50, 10, 0, 40],
    [50, 10, 0.5, 50],
    [50, 10, 0.99999, 60],
    [5, 10, 0, 0],
  ];
  for (const [latencyMs, jitterMs, r, expected] of table) {
    it(`${latencyMs} ± ${jitterMs} with rng ${r} → ${expected}`, () => {
      assert.equal(
        latencyDelayMs({ latencyMs, jitterMs }, () => r),
        expected,
      );
    });
  }
});

describe('sleep', () => {
  it('ends early when aborted', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 10);
    await sleep(5000, ac.signal);
    assert.ok(performance.now() - t0 < 1000);
  });
});
