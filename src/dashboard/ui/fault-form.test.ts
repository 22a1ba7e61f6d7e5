import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_INPUTS, faultFromInputs } from './fault-form.js';

describe('faultFromInputs', () => {
  it('builds each fault type from the inputs, applying to every request', () => {
    const inputs = { ...DEFAULT_INPUTS, latencyMs: ' 1500 ', jitterMs: '20', status: '500' };
    assert.deepEqual(faultFromInputs('latency', inputs), {
      ok: true,
      fault: { type: 'latency', latencyMs: 1500, jitterMs: 20, toxicity: 1 },
    });
    assert.deepEqual(faultFromInputs('bandwidth', inputs), {
      ok: true,
      fault: { type: 'bandwidth', bandwidthKBps: 200, toxicity: 1 },
    });
    assert.deepEqual(faultFromInputs('errors', inputs), {
      ok: true,
      fault: { type: 'errors', errorRate: 0.5, status: 500, toxicity: 1 },
    });
    assert.deepEqual(faultFromInputs('reset', inputs), {
      ok: true,
      fault: { type: 'reset', resetAfterBytes: 1_000_000, toxicity: 1 },
    });
    assert.deepEqual(faultFromInputs('down', inputs), { ok: true, fault: { type: 'down', toxicity: 1 } });
    assert.deepEqual(faultFromInputs('hang', inputs), { ok: true, fault: { type: 'hang', toxicity: 1 } });
  });

  it('applies the shared probability and lifetime to any type', () => {
    const inputs = { ...DEFAULT_INPUTS, toxicityPercent: '25', forSeconds: '30' };
    assert.deepEqual(faultFromInputs('down', inputs), {
      ok: true,
      fault: { type: 'down', toxicity: 0.25, forSeconds: 30 },
    });
    assert.deepEqual(faultFromInputs('hang', { ...inputs, forSeconds: ' ' }), {
      ok: true,
      fault: { type: 'hang', toxicity: 0.25 },
    });
    assert.deepEqual(faultFromInputs('hang', { ...inputs, toxicityPercent: '101' }), {
      ok: false,
      key: 'invalid.range',
      params: { field: 'field.toxicity', min: 0, max: 100 },
    });
    assert.deepEqual(faultFromInputs('hang', { ...inputs, forSeconds: '0' }), {
      ok: false,
      key: 'invalid.range',
      params: { field: 'field.forSeconds', min: 1, max: 604800 },
    });
  });

  it('names the wrong field, with the bounds when out of range', () => {
    assert.deepEqual(faultFromInputs('latency', { ...DEFAULT_INPUTS, latencyMs: 'abc' }), {
      ok: false,
      key: 'invalid.number',
      params: { field: 'fault.latency' },
    });
    assert.deepEqual(faultFromInputs('latency', { ...DEFAULT_INPUTS, latencyMs: '1.5' }), {
      ok: false,
      key: 'invalid.number',
      params: { field: 'fault.latency' },
    });
    assert.deepEqual(faultFromInputs('errors', { ...DEFAULT_INPUTS, errorRate: '2' }), {
      ok: false,
      key: 'invalid.range',
      params: { field: 'field.rate', min: 0, max: 1 },
    });
    assert.equal(faultFromInputs('bandwidth', { ...DEFAULT_INPUTS, bandwidthKBps: '0' }).ok, false);
    assert.equal(faultFromInputs('reset', { ...DEFAULT_INPUTS, resetAfterBytes: '' }).ok, false);
  });
});
