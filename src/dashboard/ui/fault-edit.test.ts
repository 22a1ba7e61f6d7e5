import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListedFault } from '../protocol.js';
import { findFault, toSpec, withFault, withoutFault } from './fault-edit.js';

const latency: ListedFault = { type: 'latency', latencyMs: 500, jitterMs: 0, toxicity: 1 };
const timedBandwidth: ListedFault = {
  type: 'bandwidth',
  bandwidthKBps: 300,
  toxicity: 1,
  forSeconds: 60,
  remainingSeconds: 12.3,
};

describe('fault list edits', () => {
  it('a listed fault goes back without remainingSeconds, ending when it was going to', () => {
    assert.deepEqual(toSpec(timedBandwidth), {
      type: 'bandwidth',
      bandwidthKBps: 300,
      toxicity: 1,
      forSeconds: 13,
    });
    assert.deepEqual(toSpec(latency), latency);
  });

  it('applying replaces the fault of the same type in place and keeps the others', () => {
    const next = withFault([latency, timedBandwidth], {
      type: 'latency',
      latencyMs: 800,
      jitterMs: 50,
      toxicity: 1,
    });
    assert.deepEqual(next, [
      { type: 'latency', latencyMs: 800, jitterMs: 50, toxicity: 1 },
      { type: 'bandwidth', bandwidthKBps: 300, toxicity: 1, forSeconds: 13 },
    ]);
  });

  it('applying a new type appends it; an unknown list counts as empty', () => {
    assert.deepEqual(withFault([latency], { type: 'down', toxicity: 1 }), [
      latency,
      { type: 'down', toxicity: 1 },
    ]);
    assert.deepEqual(withFault(null, { type: 'hang', toxicity: 1 }), [{ type: 'hang', toxicity: 1 }]);
  });

  it('clearing removes only that type', () => {
    assert.deepEqual(withoutFault([latency, timedBandwidth], 'bandwidth'), [latency]);
    assert.deepEqual(withoutFault([latency], 'reset'), [latency]);
    assert.deepEqual(withoutFault(null, 'reset'), []);
  });

  it('finds a fault by type', () => {
    assert.equal(findFault([latency, timedBandwidth], 'bandwidth')?.bandwidthKBps, 300);
    assert.equal(findFault([latency], 'down'), undefined);
  });
});
