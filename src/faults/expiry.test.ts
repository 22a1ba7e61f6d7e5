import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../shared/random.js';
import { expiresAtMs, remainingSeconds, withExpiry } from './expiry.js';
import { hangStage } from './hang.js';
import { resetStage } from './reset.js';

function fakeClock(start = 0): Clock & { t: number } {
  const c = { t: start, now: () => c.t, wallMs: () => c.t };
  return c;
}

describe('expiresAtMs', () => {
  const table: Array<[number, number | undefined, number]> = [
    [1000, undefined, Number.POSITIVE_INFINITY],
    [1000, 30, 31_000],
    [1000, 0.5, 1500],
  ];
  for (const [added, forSeconds, expected] of table) {
    it(`added at ${added}, for ${forSeconds} s → ${expected}`, () =>
      assert.equal(expiresAtMs(added, forSeconds), expected));
  }
});

describe('remainingSeconds', () => {
  const table: Array<[number, number, number | undefined]> = [
    [0, Number.POSITIVE_INFINITY, undefined],
    [1000, 31_000, 30],
    [30_990, 31_000, 0.1],
    [40_000, 31_000, 0],
  ];
  for (const [now, expires, expected] of table) {
    it(`now ${now}, expires ${expires} → ${expected}`, () =>
      assert.equal(remainingSeconds(now, expires), expected));
  }
});

describe('withExpiry', () => {
  it('returns the stage itself when it never expires', () => {
    const stage = hangStage();
    assert.equal(withExpiry(stage, Number.POSITIVE_INFINITY, fakeClock()), stage);
  });

  it('makes a request stage a no-op from its expiry on, by the clock given', () => {
    const clock = fakeClock(1000);
    const stage = withExpiry(hangStage(), expiresAtMs(1000, 30), clock);
    assert.deepEqual(
      stage.beforeResponse?.(() => 0),
      { kind: 'hang' },
    );
    clock.t = 30_999;
    assert.deepEqual(
      stage.beforeResponse?.(() => 0),
      { kind: 'hang' },
    );
    clock.t = 31_000;
    assert.deepEqual(
      stage.beforeResponse?.(() => 0),
      { kind: 'continue' },
    );
  });

  it('lets a running body through once expired', () => {
    const stage = withExpiry(
      resetStage({ type: 'reset', resetAfterBytes: 10, toxicity: 1 }),
      5000,
      fakeClock(),
    );
    const body = stage.body;
    assert.ok(body);
    const state = body.start(() => 0, { sentBytes: 0, nowMs: 0 });
    assert.deepEqual(body.step(state, { sentBytes: 10, nowMs: 4999 }), { kind: 'cut' });
    assert.deepEqual(body.step(state, { sentBytes: 10, nowMs: 5000 }), {
      kind: 'send',
      maxBytes: Number.POSITIVE_INFINITY,
    });
  });
});
