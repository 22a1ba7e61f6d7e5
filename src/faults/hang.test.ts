import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hangStage } from './hang.js';

describe('hangStage', () => {
  it('decides to hang every request, and draws nothing from the rng', () => {
    const d = hangStage().beforeResponse?.(() => assert.fail('drew a number'));
    assert.deepEqual(d, { kind: 'hang' });
    assert.equal(hangStage().body, undefined);
  });
});
