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
  /** For every type: the share of requests it applies to, in % (toxiproxy's toxicity), and its lifetime. */
  toxicityPercent: string;
  /** Seconds until the fault removes itself; empty: until cleared. */
  forSeconds: string;
}

export const DEFAULT_INPUTS: FaultInputs = {
  latencyMs: '800',
  jitterMs: '0',
  bandwidthKBps: '200',
  errorRate: '0.5',
  status: '503',
  resetAfterBytes: '1000000',
  toxicityPercent: '100',
  forSeconds: '',
};

/** The longest `forSeconds` a node accepts: a week (MAX_FOR_SECONDS in src/faults/fault-schema.ts). */
const MAX_FOR_SECONDS = 7 * 24 * 3600;

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
 * The fault of `type` from the inputs, with the shared probability and lifetime. `field` params are
 * message keys (the caller translates them).
 */
export function faultFromInputs(type: FaultType, inputs: FaultInputs): FormResult {
  const pct = num(inputs.toxicityPercent, 'field.toxicity', 0, 100, false);
  if (!pct.ok) return pct;
  let forSeconds: number | undefined;
  if (inputs.forSeconds.trim() !== '') {
    const s = num(inputs.forSeconds, 'field.forSeconds', 1, MAX_FOR_SECONDS, false);
    if (!s.ok) return s;
    forSeconds = s.value;
  }
  const r = baseFault(type, inputs);
  if (!r.ok) return r;
  // 100 % is written as 1 exactly, so that the node's list reads as the CLI would set it.
  const fault: Fault = { ...r.fault, toxicity: pct.value === 100 ? 1 : pct.value / 100 };
  if (forSeconds !== undefined) fault.forSeconds = forSeconds;
  return { ok: true, fault };
}

function baseFault(type: FaultType, inputs: FaultInputs): FormResult {
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
