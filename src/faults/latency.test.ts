import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRng } from '../shared/random.js';
import { configuredFaults, latencyDelayMs, latencyStage } from './latency.js';

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

describe('latencyStage', () => {
  const spec = { type: 'latency', latencyMs: 100, jitterMs: 20, toxicity: 1 } as const;
  it('decides a delay before the response', () => {
    const d = latencyStage(spec).beforeResponse?.(() => 0.5);
    assert.deepEqual(d, { kind: 'delay', ms: 100 });
  });
  it('continues at once when the delay comes out as 0', () => {
    const d = latencyStage({ ...spec, latencyMs: 0, jitterMs: 0 }).beforeResponse?.(() => 0.5);
    assert.deepEqual(d, { kind: 'continue' });
  });
  it('replays the same delays from the same seed', () => {
    const run = () => {
      const rng = seededRng(42);
      const stage = latencyStage(spec);
      return Array.from({ length: 5 }, () => stage.beforeResponse?.(rng));
    };
    assert.deepEqual(run(), run());
  });
});

describe('configuredFaults', () => {
  it('is nothing for a node without latency or jitter, else one latency fault', () => {
    assert.deepEqual(configuredFaults({ latencyMs: 0, jitterMs: 0 }), []);
    assert.deepEqual(configuredFaults({ latencyMs: 50, jitterMs: 0 }), [
      { type: 'latency', latencyMs: 50, jitterMs: 0, toxicity: 1 },
    ]);
    assert.deepEqual(configuredFaults({ latencyMs: 0, jitterMs: 10 }), [
      { type: 'latency', latencyMs: 0, jitterMs: 10, toxicity: 1 },
    ]);
  });
});
