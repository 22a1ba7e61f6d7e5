import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRng } from '../shared/random.js';
import { errorsDecision, errorsStage } from './errors.js';

describe('errorsDecision', () => {
  const table: Array<[number, 500 | 503, number, string]> = [
    [1, 503, 0.99, 'respond 503'],
    [0.5, 500, 0.2, 'respond 500'],
    [0.5, 503, 0.7, 'continue'],
    [0, 503, 0, 'continue'],
  ];
  for (const [errorRate, status, r, expected] of table) {
    it(`rate ${errorRate}, status ${status}, rng ${r} → ${expected}`, () => {
      const d = errorsDecision({ errorRate, status }, () => r);
      assert.equal(d.kind === 'respond' ? `respond ${d.status}` : d.kind, expected);
    });
  }
});

describe('errorsStage', () => {
  it('fails about errorRate of the requests, the same ones for the same seed', () => {
    const stage = errorsStage({ type: 'errors', errorRate: 0.3, status: 503, toxicity: 1 });
    const run = () => {
      const rng = seededRng(7);
      return Array.from({ length: 1000 }, () => stage.beforeResponse?.(rng).kind === 'respond');
    };
    const failed = run().filter(Boolean).length;
    assert.ok(failed > 250 && failed < 350, `${failed} of 1000`);
    assert.deepEqual(run(), run());
  });
});
