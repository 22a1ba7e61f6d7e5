/**
 * The faults JSON: what `GET /_dsm/faults` answers, what `PUT /_dsm/faults` takes, what `dsm fault` builds.
 * One zod schema, units in the names, every field documented with its default.
 *
 *   { "faults": [
 *       { "type": "latency",   "latencyMs": 500, "jitterMs": 50 },
 *       { "type": "bandwidth", "bandwidthKBps": 300, "forSeconds": 30 },
 *       { "type": "errors",    "errorRate": 0.5, "status": 503, "toxicity": 1 },
 *       { "type": "hang" },
 *       { "type": "reset",     "resetAfterBytes": 1000000 },
 *       { "type": "down" }
 *   ] }
 *
 * At most one fault of each type; they run in the order listed (see fault-chain.ts). KB is 1000 bytes,
 * so `bandwidthKBps` is also bytes per millisecond.
 */
import { z } from 'zod';
import { describeIssues } from '../shared/config-loader.js';
import { DsmError } from '../shared/errors.js';

/** The longest `forSeconds`: a week (timers cannot wait longer than 24.8 days anyway). */
export const MAX_FOR_SECONDS = 7 * 24 * 3600;

const wholeMs = z.number().int('must be a whole number of ms').min(0).max(600_000);

/** What every fault has: how often it applies and for how long. */
const common = {
  /**
   * Probability (0-1) that the fault applies to a request, rolled once per request with the node's
   * seeded rng (toxiproxy's `toxicity`). Default 1: every request.
   */
  toxicity: z.number().min(0).max(1).default(1),
  /** The fault removes itself after this many seconds. Default: it stays until changed or cleared. */
  forSeconds: z.number().positive().max(MAX_FOR_SECONDS).optional(),
};

export const latencyFaultSchema = z.strictObject({
  type: z.literal('latency'),
  /** Wait before the first byte of the response, in ms. */
  latencyMs: wholeMs,
  /** Random spread of that wait, ± this many ms, uniform. Default 0. */
  jitterMs: wholeMs.default(0),
  ...common,
});

export const bandwidthFaultSchema = z.strictObject({
  type: z.literal('bandwidth'),
  /** Cap on the response body, in KB/s (1 KB = 1000 bytes), per response. */
  bandwidthKBps: z.number().positive().max(10_000_000),
  ...common,
});

export const errorsFaultSchema = z.strictObject({
  type: z.literal('errors'),
  /** Share of requests (0-1) answered with `status` instead of their real answer. Default 1. */
  errorRate: z.number().min(0).max(1).default(1),
  /** The status of those answers: 503 (unavailable) or 500 (internal error). Default 503. */
  status: z.union([z.literal(503), z.literal(500)]).default(503),
  ...common,
});

export const hangFaultSchema = z.strictObject({
  /** Requests are accepted and never answered, until the fault goes (then they are served). */
  type: z.literal('hang'),
  ...common,
});

export const resetFaultSchema = z.strictObject({
  type: z.literal('reset'),
  /** The connection is closed after this many bytes of response body (0: right after the headers). */
  resetAfterBytes: z.number().int('must be a whole number').min(0).max(Number.MAX_SAFE_INTEGER),
  ...common,
});

export const downFaultSchema = z.strictObject({
  /** Every connection is reset without an answer; only `/_dsm/faults` still answers. */
  type: z.literal('down'),
  ...common,
});

export const faultSpecSchema = z.discriminatedUnion('type', [
  latencyFaultSchema,
  bandwidthFaultSchema,
  errorsFaultSchema,
  hangFaultSchema,
  resetFaultSchema,
  downFaultSchema,
]);

export const FAULT_TYPES = ['latency', 'bandwidth', 'errors', 'hang', 'reset', 'down'] as const;

export const faultListSchema = z
  .strictObject({ faults: z.array(faultSpecSchema).max(FAULT_TYPES.length) })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.faults.forEach((f, i) => {
      if (seen.has(f.type))
        ctx.addIssue({ code: 'custom', path: ['faults', i, 'type'], message: `a second "${f.type}" fault` });
      seen.add(f.type);
    });
  });

/** A fault with its defaults filled in. */
export type FaultSpec = z.infer<typeof faultSpecSchema>;
/** A fault as written (defaults may be left out). */
export type FaultInput = z.input<typeof faultSpecSchema>;
export type FaultType = FaultSpec['type'];
export type FaultOf<T extends FaultType> = Extract<FaultSpec, { type: T }>;

/** Validates a faults document; throws DSM_BAD_FAULTS naming the first bad field. */
export function parseFaultList(value: unknown): FaultSpec[] {
  const parsed = faultListSchema.safeParse(value);
  if (!parsed.success) throw new DsmError('DSM_BAD_FAULTS', { detail: describeIssues(parsed.error) });
  return parsed.data.faults;
}
