import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bandwidthStage, type PaceState, paceStep } from './bandwidth.js';

describe('paceStep', () => {
  // rate KB/s, sent since start, elapsed ms → step, and whether the pace restarted
  const table: Array<[number, number, number, string, boolean]> = [
    [500, 0, 0, 'send 50000', false],
    [500, 50_000, 0, 'wait 100', false],
    [500, 50_000, 60, 'wait 40', false],
    [500, 50_000, 100, 'send 50000', false],
    [500, 0, 1000, 'send 50000', true],
    [0.001, 0, 0, 'send 1', false],
  ];
  for (const [rate, sent, elapsed, expected, restarted] of table) {
    it(`${rate} KB/s, ${sent} B after ${elapsed} ms → ${expected}${restarted ? ', pace restarted' : ''}`, () => {
      const state: PaceState = { startMs: 1000, startBytes: 7 };
      const step = paceStep(rate, state, { sentBytes: 7 + sent, nowMs: 1000 + elapsed });
      const text =
        step.kind === 'send' ? `send ${step.maxBytes}` : step.kind === 'wait' ? `wait ${step.ms}` : 'cut';
      assert.equal(text, expected);
      assert.equal(state.startMs !== 1000, restarted);
    });
  }
});

describe('bandwidthStage', () => {
  it('paces a 1 MB body at 500 KB/s over about 2 s of simulated time', () => {
    const body = bandwidthStage({ type: 'bandwidth', bandwidthKBps: 500, toxicity: 1 }).body;
    assert.ok(body);
    let now = 0;
    let sent = 0;
    const state = body.start(() => 0, { sentBytes: 0, nowMs: now });
    while (sent < 1_000_000) {
      const step = body.step(state, { sentBytes: sent, nowMs: now });
      if (step.kind === 'wait') now += step.ms;
      else if (step.kind === 'send') sent += Math.min(step.maxBytes, 1_000_000 - sent);
      else assert.fail('cut');
    }
    // The first slice goes at once: 950 KB paced at 500 KB/s.
    assert.equal(now, 1900);
  });
});
