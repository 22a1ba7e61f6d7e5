import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseUpstreams } from './choose-upstream.js';
import { NEW_NODE } from './node-stats.js';

const node = (name: string, holds: boolean, ewma?: number, ejectedUntilMs?: number) => ({
  name,
  holds,
  stats: { ...NEW_NODE, ewmaTtfbMs: ewma, ejectedUntilMs },
});

describe('chooseUpstreams', () => {
  it('orders holders by EWMA of TTFB', () => {
    assert.deepEqual(chooseUpstreams([node('a', true, 50), node('b', true, 20), node('c', true, 90)], 0), [
      'b',
      'a',
      'c',
    ]);
  });
  it('leaves out nodes that do not hold the newest version', () => {
    assert.deepEqual(chooseUpstreams([node('a', true, 50), node('b', false, 20)], 0), ['a']);
  });
  it('ranks a node never measured after measured ones, then by name', () => {
    assert.deepEqual(chooseUpstreams([node('a', true), node('b', true, 200)], 0), ['b', 'a']);
    assert.deepEqual(chooseUpstreams([node('b', true), node('a', true)], 0), ['a', 'b']);
  });
  it('puts ejected holders last, but still tries them', () => {
    assert.deepEqual(chooseUpstreams([node('a', true, 10, 1000), node('b', true, 300)], 0), ['b', 'a']);
    assert.deepEqual(chooseUpstreams([node('a', true, 10, 1000), node('b', false)], 0), ['a']);
    assert.deepEqual(chooseUpstreams([node('a', true, 10, 1000), node('b', true, 300)], 1000), ['a', 'b']);
  });
});
