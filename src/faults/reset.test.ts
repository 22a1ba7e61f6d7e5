import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resetStage, resetStep } from './reset.js';

describe('resetStep', () => {
  const table: Array<[number, number, string]> = [
    [1000, 0, 'send 1000'],
    [1000, 600, 'send 400'],
    [1000, 1000, 'cut'],
    [1000, 5000, 'cut'],
    [0, 0, 'cut'],
  ];
  for (const [after, sent, expected] of table) {
    it(`reset after ${after}, ${sent} sent → ${expected}`, () => {
      const s = resetStep(after, { sentBytes: sent, nowMs: 0 });
      assert.equal(s.kind === 'send' ? `send ${s.maxBytes}` : s.kind, expected);
    });
  }
  it('is a body stage only', () => {
    const stage = resetStage({ type: 'reset', resetAfterBytes: 10, toxicity: 1 });
    assert.equal(stage.beforeResponse, undefined);
    assert.ok(stage.body);
  });
});
