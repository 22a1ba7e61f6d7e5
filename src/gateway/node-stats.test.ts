import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEjected, NEW_NODE, type NodeStats, updateStats } from './node-stats.js';

const policy = { alpha: 0.5, consecutiveFailures: 3, baseEjectionMs: 1000, maxEjectionMs: 4000 };
const stats = (s: Partial<NodeStats>): NodeStats => ({ ...NEW_NODE, ...s });

describe('updateStats', () => {
  it('starts the EWMA with the first TTFB, then averages', () => {
    const a = updateStats(NEW_NODE, { kind: 'success', ttfbMs: 100, nowMs: 0 }, policy);
    assert.equal(a.ewmaTtfbMs, 100);
    assert.equal(updateStats(a, { kind: 'success', ttfbMs: 200, nowMs: 0 }, policy).ewmaTtfbMs, 150);
  });
  it('clears failures in a row on a success', () => {
    const s = updateStats(
      stats({ consecutiveFailures: 1 }),
      { kind: 'success', ttfbMs: 50, nowMs: 0 },
      policy,
    );
    assert.equal(s.consecutiveFailures, 0);
  });
  it('ejects on the third failure in a row, longer each time, up to the max', () => {
    const f = { kind: 'failure', nowMs: 10 } as const;
    assert.equal(updateStats(stats({ consecutiveFailures: 1 }), f, policy).ejectedUntilMs, undefined);
    const once = updateStats(stats({ consecutiveFailures: 2 }), f, policy);
    assert.deepEqual([once.ejectedUntilMs, once.ejections], [1010, 1]);
    assert.equal(
      updateStats(stats({ consecutiveFailures: 2, ejections: 1 }), f, policy).ejectedUntilMs,
      2010,
    );
    assert.equal(
      updateStats(stats({ consecutiveFailures: 2, ejections: 9 }), f, policy).ejectedUntilMs,
      4010,
    );
  });
  it('re-admits when the time is up or an active probe succeeds', () => {
    const ejected = stats({ ejectedUntilMs: 1010, ejections: 1 });
    assert.equal(isEjected(ejected, 500), true);
    assert.equal(isEjected(ejected, 1010), false);
    assert.equal(isEjected(updateStats(ejected, { kind: 'probe-ok', nowMs: 500 }, policy), 500), false);
    assert.deepEqual(updateStats(ejected, { kind: 'probe-failed', nowMs: 500 }, policy), ejected);
  });
  it('forgives one past ejection per success once re-admitted', () => {
    const s = updateStats(stats({ ejections: 2 }), { kind: 'success', ttfbMs: 5, nowMs: 0 }, policy);
    assert.equal(s.ejections, 1);
  });
});
