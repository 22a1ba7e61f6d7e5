import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downStage } from './down.js';

describe('downStage', () => {
  it('drops every request, and draws nothing from the rng', () => {
    const d = downStage().beforeResponse?.(() => assert.fail('drew a number'));
    assert.deepEqual(d, { kind: 'drop' });
    assert.equal(downStage().body, undefined);
  });
});
