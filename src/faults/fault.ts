/**
 * The contract of a fault (docs/ADDING_A_FAULT.md tells the whole of it). As toxiproxy's `Toxic`, a
 * fault is one small stage of a chain; where a toxic has one method, `Pipe()`, a stage has up to two
 * optional hooks, one per place a fault can act on an HTTP response:
 *
 *   beforeResponse(rng) → Decision    once per request, before the handler runs
 *   body: { start, step }             per piece of response body, also for responses already running
 *
 * Both only decide; they never wait, write, or hold a socket. The chain (fault-chain.ts) waits, and
 * every wait ends early when the faults change, so removing a fault can never leave anything hung
 * (toxiproxy issues #210, #412, #558). The node (src/node/) acts on the socket.
 *
 * | Decision                 | what the node does                                                   |
 * |--------------------------|----------------------------------------------------------------------|
 * | continue                 | next stage; after the last one, the real answer                      |
 * | delay(ms)                | waits until ms after the request arrived, then the next stage        |
 * | respond(503 or 500)      | answers that status (catalog error) instead of the real answer       |
 * | hang                     | waits until the faults change (or the client leaves), then runs the chain again |
 * | drop                     | resets the connection without a byte                                 |
 *
 * | BodyStep                 | what the body does                                                   |
 * |--------------------------|----------------------------------------------------------------------|
 * | send(maxBytes)           | lets up to maxBytes through now                                      |
 * | wait(ms)                 | lets nothing through; asks again after ms, or when the faults change |
 * | cut                      | ends the body here and closes the connection (the client sees an error) |
 */
import type { Rng } from '../shared/random.js';
import type { FaultType } from './fault-schema.js';

export type Decision =
  | { readonly kind: 'continue' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'respond'; readonly status: 500 | 503 }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

export const CONTINUE: Decision = { kind: 'continue' };

/** Where a response body stands when a body stage is asked about its next piece. */
export interface BodyProgress {
  /** Body bytes let through so far in this response (counted from its first byte, even before the fault came). */
  readonly sentBytes: number;
  /** The node's clock, in ms. */
  readonly nowMs: number;
}

export type BodyStep =
  | { readonly kind: 'send'; readonly maxBytes: number }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'cut' };

export const SEND_ALL: BodyStep = { kind: 'send', maxBytes: Number.POSITIVE_INFINITY };

/**
 * A stage that paces or cuts response bodies. `start` makes its state for one response, the first
 * time the stage sees it (toxiproxy's `StatefulToxic.NewState`); `step` decides the next piece and may
 * update that state. (Method syntax on purpose: a `BodyHook<PaceState>` is a `BodyHook<unknown>`.)
 */
export interface BodyHook<S> {
  start(rng: Rng, progress: BodyProgress): S;
  step(state: S, progress: BodyProgress): BodyStep;
}

export interface Stage {
  readonly type: FaultType;
  beforeResponse?(rng: Rng): Decision;
  readonly body?: BodyHook<unknown>;
}
