import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDsmError } from '../shared/errors.js';
import { parseFaultList } from './fault-schema.js';

describe('parseFaultList', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(parseFaultList({ faults: [{ type: 'errors' }, { type: 'latency', latencyMs: 5 }] }), [
      { type: 'errors', errorRate: 1, status: 503, toxicity: 1 },
      { type: 'latency', latencyMs: 5, jitterMs: 0, toxicity: 1 },
    ]);
    assert.deepEqual(parseFaultList({ faults: [] }), []);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', [], /expected object/],
    ['an unknown type', { faults: [{ type: 'slow' }] }, /faults\[0\]\.type/],
    ['a misspelt field', { faults: [{ type: 'latency', latency: 5 }] }, /unknown field "latency"/],
    ['a negative latency', { faults: [{ type: 'latency', latencyMs: -1 }] }, /faults\[0\]\.latencyMs/],
    ['a status other than 500/503', { faults: [{ type: 'errors', status: 404 }] }, /faults\[0\]\.status/],
    ['a toxicity above 1', { faults: [{ type: 'hang', toxicity: 2 }] }, /faults\[0\]\.toxicity/],
    ['a zero forSeconds', { faults: [{ type: 'down', forSeconds: 0 }] }, /faults\[0\]\.forSeconds/],
    ['a zero bandwidth', { faults: [{ type: 'bandwidth', bandwidthKBps: 0 }] }, /bandwidthKBps/],
    ['a fractional byte count', { faults: [{ type: 'reset', resetAfterBytes: 1.5 }] }, /resetAfterBytes/],
    ['two faults of one type', { faults: [{ type: 'hang' }, { type: 'hang' }] }, /a second "hang" fault/],
  ];
  for (const [what, value, message] of bad) {
    it(`refuses ${what} with DSM_BAD_FAULTS naming the field`, () => {
      assert.throws(
        () => parseFaultList(value),
        (err) =>
          isDsmError(err) && err.code === 'DSM_BAD_FAULTS' && err.status === 400 && message.test(err.message),
      );
    });
  }
});
