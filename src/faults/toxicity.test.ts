import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRng } from '../shared/random.js';
import { bandwidthStage } from './bandwidth.js';
import { errorsStage } from './errors.js';
import { applies, withToxicity } from './toxicity.js';

describe('applies', () => {
  const table: Array<[number, number | undefined, boolean]> = [
    [1, undefined, true],
    [0.5, 0.2, true],
    [0.5, 0.7, false],
    [0, undefined, false],
  ];
  for (const [toxicity, r, expected] of table) {
    it(`toxicity ${toxicity}, rng ${r ?? '(not drawn)'} → ${expected}`, () => {
      const rng = () => (r === undefined ? assert.fail('drew a number') : r);
      assert.equal(applies(toxicity, rng), expected);
    });
  }
});

describe('withToxicity', () => {
  const errors = errorsStage({ type: 'errors', errorRate: 1, status: 503, toxicity: 1 });

  it('returns the stage itself at toxicity 1', () => {
    assert.equal(withToxicity(errors, 1), errors);
  });

  it('falls back to a no-op when the roll misses', () => {
    const stage = withToxicity(errors, 0.5);
    assert.deepEqual(
      stage.beforeResponse?.(() => 0.9),
      { kind: 'continue' },
    );
    assert.deepEqual(
      stage.beforeResponse?.(() => 0.1),
      { kind: 'respond', status: 503 },
    );
  });

  it('applies to about `toxicity` of the requests, the same ones for the same seed', () => {
    const stage = withToxicity(errors, 0.25);
    const run = () => {
      const rng = seededRng(3);
      return Array.from({ length: 2000 }, () => stage.beforeResponse?.(rng).kind);
    };
    const hits = run().filter((k) => k === 'respond').length;
    assert.ok(hits > 400 && hits < 600, `${hits} of 2000`);
    assert.deepEqual(run(), run());
  });

  it('rolls once per response body, not per piece', () => {
    const slow = bandwidthStage({ type: 'bandwidth', bandwidthKBps: 1, toxicity: 1 });
    const body = withToxicity(slow, 0.5).body;
    assert.ok(body);
    let draws = 0;
    const missed = body.start(
      () => {
        draws++;
        return 0.9;
      },
      { sentBytes: 0, nowMs: 0 },
    );
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(body.step(missed, { sentBytes: i * 1000, nowMs: 0 }), {
        kind: 'send',
        maxBytes: Number.POSITIVE_INFINITY,
      });
    }
    const hit = body.start(
      () => {
        draws++;
        return 0.1;
      },
      { sentBytes: 0, nowMs: 0 },
    );
    assert.deepEqual(body.step(hit, { sentBytes: 0, nowMs: 0 }), { kind: 'send', maxBytes: 100 });
    assert.deepEqual(body.step(hit, { sentBytes: 100, nowMs: 0 }), { kind: 'wait', ms: 100 });
    assert.equal(draws, 2);
  });
});
