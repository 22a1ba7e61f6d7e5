import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sparkline } from './sparkline.js';

describe('sparkline', () => {
  it('fills the width with `slots` samples, newest at the right, top = the largest value', () => {
    const s = sparkline([0, 50, 100], { width: 100, height: 10, slots: 3 });
    assert.deepEqual(s, { segments: ['0,10 50,5 100,0'], max: 100 });
  });

  it('leaves a gap where the node did not answer', () => {
    const s = sparkline([10, null, 10, 10], { width: 30, height: 10, slots: 4, minMax: 20 });
    assert.deepEqual(s.segments, ['0,5', '20,5 30,5']);
    assert.equal(s.max, 20);
  });

  it('few samples start at the right edge; more than `slots` keep only the newest', () => {
    assert.deepEqual(sparkline([5], { width: 40, height: 10, slots: 5, minMax: 10 }).segments, ['40,5']);
    const many = sparkline([1000, 1, 1], { width: 10, height: 10, slots: 2, minMax: 1 });
    assert.deepEqual(many, { segments: ['0,0 10,0'], max: 1 });
  });

  it('nothing measured: no line', () => {
    assert.deepEqual(sparkline([null, null], { width: 10, height: 10, slots: 60 }).segments, []);
    assert.deepEqual(sparkline([], { width: 10, height: 10, slots: 60 }).segments, []);
  });
});
