import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StallWatch } from './stall-watch.js';

describe('StallWatch', () => {
  it('switches once the video waits and its clock stands still for more than 1.5 s', () => {
    const w = new StallWatch(1500, 5000);
    w.reset(0);
    assert.equal(w.check(100, 1, false), 'fine');
    assert.equal(w.check(200, 2, false), 'fine');
    w.waiting(300);
    assert.equal(w.check(1500, 2, false), 'fine');
    assert.equal(w.check(1801, 2, false), 'switch');
  });

  it('a clock that moves again, or `playing`, ends the wait', () => {
    const w = new StallWatch(1500, 5000);
    w.reset(0);
    w.check(0, 1, false);
    w.waiting(100);
    assert.equal(w.check(1000, 1.5, false), 'fine');
    assert.equal(w.check(3000, 1.5, false), 'fine', 'not waiting any more');
    w.waiting(3000);
    w.playing();
    assert.equal(w.check(9000, 1.5, false), 'fine');
  });

  it('a paused video without waiting is not stalled; before the first frame it gets 5 s', () => {
    const w = new StallWatch(1500, 5000);
    w.reset(0);
    assert.equal(w.check(10_000, 0, true), 'fine');
    w.reset(0);
    w.waiting(0);
    assert.equal(w.check(4000, 0, false), 'fine');
    assert.equal(w.check(5001, 0, false), 'switch');
  });
});
