/**
 * The fault controls' text inputs → a fault to apply, or which field is wrong. The bounds are the
 * node's own (src/faults/fault-schema.ts), checked here so that a typo gets a message in the page's
 * language before any request.
 */
import type { Fault } from '../protocol.js';
import type { FaultType } from './fault-edit.js';
import type { MessageKey, Params } from './messages.js';

/** What the inputs of one fault type hold (strings, as typed). */
export interface FaultInputs {
  latencyMs: string;
  jitterMs: string;
  bandwidthKBps: string;
  errorRate: string;
  status: string;
  resetAfterBytes: string;
}

export const DEFAULT_INPUTS: FaultInputs = {
  latencyMs: '800',
  jitterMs: '0',
  bandwidthKBps: '200',
  errorRate: '0.5',
  status: '503',
  resetAfterBytes: '1000000',
};

export type FormResult = { ok: true; fault: Fault } | { ok: false; key: MessageKey; params: Params };

function num(
  text: string,
  field: MessageKey,
  min: number,
  max: number,
  whole: boolean,
): { ok: true; value: number } | { ok: false; key: MessageKey; params: Params } {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value))) {
    return { ok: false, key: 'invalid.number', params: { field } };
  }
  if (value < min || value > max) return { ok: false, key: 'invalid.range', params: { field, min, max } };
  return { ok: true, value };
}

/**
 * The fault of `type` from the inputs. `field` params are message keys (the caller translates them).
 * Every fault applies to every request (toxicity 1) and stays until cleared: the page's controls are
 * for the classroom, `dsm fault` has the rest.
 */
export function faultFromInputs(type: FaultType, inputs: FaultInputs): FormResult {
  switch (type) {
    case 'latency': {
      const ms = num(inputs.latencyMs, 'fault.latency', 0, 600_000, true);
      if (!ms.ok) return ms;
      const jitter = num(inputs.jitterMs, 'field.jitter', 0, 600_000, true);
      if (!jitter.ok) return jitter;
      return { ok: true, fault: { type, latencyMs: ms.value, jitterMs: jitter.value, toxicity: 1 } };
    }
    case 'bandwidth': {
      const kbps = num(inputs.bandwidthKBps, 'fault.bandwidth', 0.001, 10_000_000, false);
      if (!kbps.ok) return kbps;
      return { ok: true, fault: { type, bandwidthKBps: kbps.value, toxicity: 1 } };
    }
    case 'errors': {
      const rate = num(inputs.errorRate, 'field.rate', 0, 1, false);
      if (!rate.ok) return rate;
      const status = inputs.status === '500' ? 500 : 503;
      return { ok: true, fault: { type, errorRate: rate.value, status, toxicity: 1 } };
    }
    case 'reset': {
      const bytes = num(inputs.resetAfterBytes, 'field.afterBytes', 0, Number.MAX_SAFE_INTEGER, true);
      if (!bytes.ok) return bytes;
      return { ok: true, fault: { type, resetAfterBytes: bytes.value, toxicity: 1 } };
    }
    case 'hang':
    case 'down':
      return { ok: true, fault: { type, toxicity: 1 } };
  }
}
