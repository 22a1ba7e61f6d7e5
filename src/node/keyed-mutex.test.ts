import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs sections of one key in turn and different keys at once', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    const section = (key: string, id: string, ms: number) =>
      m.run(key, async () => {
        log.push(`${id}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${id}-`);
      });
    await Promise.all([section('a', 'a1', 30), section('a', 'a2', 1), section('b', 'b1', 5)]);
    assert.deepEqual(log, ['a1+', 'b1+', 'b1-', 'a1-', 'a2+', 'a2-']);
  });
  it('releases the key when a section throws', async () => {
    const m = new KeyedMutex();
    await assert.rejects(m.run('a', async () => Promise.reject(new Error('x'))));
    assert.equal(await m.run('a', async () => 1), 1);
  });
});
