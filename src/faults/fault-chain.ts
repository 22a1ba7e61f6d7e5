/**
 * The faults of one node, as a chain of stages (toxiproxy's `link.go`, for HTTP responses):
 *
 *                 beforeResponse, in list order                          body steps, combined
 *            ┌──────────────────────────────────────┐               ┌──────────────────────────┐
 *   request ─► down ─► latency ─► hang ─► errors ─┬──► handler ─► body ─► bandwidth ─► reset ─► socket
 *              drop    delay      hang    respond │                      send|wait    send|cut
 *                                                 └─► 503/500 (errors), reset connection (down)
 *
 * The list is what `PUT /_dsm/faults` gave: at most one fault per type, applied in that order (the
 * diagram shows the order `dsm fault` writes). Each stage is the fault's bare stage (registry.ts)
 * wrapped for `toxicity` (toxicity.ts) and `forSeconds` (expiry.ts).
 *
 * - Hot path: `requestStages` and `bodyStages` are the same frozen empty array when no fault has that
 *   hook, so the node checks `.length` and does nothing else: no allocation, no timer, no promise.
 * - Changes: `set` replaces the list. A fault whose settings did not change keeps its stage, its start
 *   and its expiry (a PUT of the same list changes nothing). Every change, and every expiry, wakes every
 *   wait (latency, hang, bandwidth), which then decides again with the new list: a removed fault never
 *   leaves a request or a stream waiting (toxiproxy issues #210, #412, #558).
 * - A request woken from a wait runs the chain again from its start; delays count from its arrival,
 *   so a latency that stays is not paid twice.
 *
 * Body steps of several stages combine into one:
 *
 * | steps                      | combined   |
 * |----------------------------|------------|
 * | (none)                     | send all   |
 * | send 50000, send 400       | send 400   |
 * | send 400, wait 40          | wait 40    |
 * | wait 40, wait 90           | wait 90    |
 * | wait 40, cut               | cut        |
 */
import type { Clock, Rng } from '../shared/random.js';
import { expiresAtMs, isExpired, remainingSeconds, withExpiry } from './expiry.js';
import { type BodyProgress, type BodyStep, CONTINUE, SEND_ALL, type Stage } from './fault.js';
import type { FaultOf, FaultSpec, FaultType } from './fault-schema.js';
import { stageOf } from './registry.js';
import { withToxicity } from './toxicity.js';

/** A fault as `GET /_dsm/faults` lists it: its settings, and the seconds left when it expires. */
export type ListedFault = FaultSpec & { remainingSeconds?: number };

export type RequestOutcome =
  | { kind: 'continue'; delayMs: number; hung: boolean }
  | { kind: 'respond'; status: 500 | 503; delayMs: number; fault: FaultType }
  | { kind: 'drop'; delayMs: number; fault: FaultType }
  /** The client went away while the request waited (latency, hang). */
  | { kind: 'gone'; delayMs: number; hung: boolean };

/** Per-response state of the body stages, keyed by stage; the body owns it, the chain fills it. */
export type BodyStates = Map<Stage, unknown>;

/** What a response body needs from the chain (src/node/body-stream.ts). */
export interface BodyFaults {
  readonly bodyStages: readonly Stage[];
  bodyStep(states: BodyStates, sentBytes: number): BodyStep;
  /** Calls `wake` once, after `ms` or at the next change, whichever comes first; returns a cancel. */
  wait(ms: number, wake: () => void): () => void;
}

interface Entry {
  spec: FaultSpec;
  key: string;
  expiresAtMs: number;
  stage: Stage;
}

const NONE: readonly Stage[] = Object.freeze([]);

type Woken = 'time' | 'changed' | 'gone';

export function combineSteps(a: BodyStep, b: BodyStep): BodyStep {
  if (a.kind === 'cut' || b.kind === 'cut') return a.kind === 'cut' ? a : b;
  if (a.kind === 'wait' || b.kind === 'wait') {
    if (a.kind === 'wait' && b.kind === 'wait') return a.ms >= b.ms ? a : b;
    return a.kind === 'wait' ? a : b;
  }
  return a.maxBytes <= b.maxBytes ? a : b;
}

export class FaultChain implements BodyFaults {
  /** Stages with a `beforeResponse` hook, in list order. */
  requestStages: readonly Stage[] = NONE;
  /** Stages with a `body` hook, in list order. */
  bodyStages: readonly Stage[] = NONE;
  readonly #rng: Rng;
  readonly #clock: Clock;
  #entries: readonly Entry[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #listeners = new Set<(faults: ListedFault[]) => void>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: { rng: Rng; clock: Clock; faults?: readonly FaultSpec[] }) {
    this.#rng = opts.rng;
    this.#clock = opts.clock;
    if (opts.faults?.length) this.set(opts.faults);
  }

  /** Replaces the list (already validated by fault-schema.ts). */
  set(specs: readonly FaultSpec[]): void {
    const now = this.#clock.now();
    const old = this.#entries;
    this.#entries = specs.map((spec) => {
      const key = JSON.stringify(spec);
      const same = old.find((e) => e.key === key && !isExpired(now, e.expiresAtMs));
      if (same) return same;
      const expires = expiresAtMs(now, spec.forSeconds);
      return {
        spec,
        key,
        expiresAtMs: expires,
        stage: withExpiry(withToxicity(stageOf(spec), spec.toxicity), expires, this.#clock),
      };
    });
    this.#changed(true);
  }

  /** The faults now, with the seconds left for those that expire. */
  list(): ListedFault[] {
    this.prune();
    const now = this.#clock.now();
    return this.#entries.map((e) => {
      const left = remainingSeconds(now, e.expiresAtMs);
      return left === undefined ? { ...e.spec } : { ...e.spec, remainingSeconds: left };
    });
  }

  /** The settings of the fault of that type, if there is one now. */
  current<T extends FaultType>(type: T): FaultOf<T> | undefined {
    const now = this.#clock.now();
    const e = this.#entries.find((x) => x.spec.type === type && !isExpired(now, x.expiresAtMs));
    return e?.spec as FaultOf<T> | undefined;
  }

  /** Called after every change of the list (a PUT, an expiry) with the new list; returns an unsubscribe. */
  onChange(listener: (faults: ListedFault[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drops the faults whose time is up (also run by a timer at the next expiry). */
  prune(): void {
    const now = this.#clock.now();
    const kept = this.#entries.filter((e) => !isExpired(now, e.expiresAtMs));
    if (kept.length === this.#entries.length) {
      // The timer can fire before the clock says a fault is due (libuv schedules from its cached loop
      // time, which lags when the loop is busy): set it again, or that fault would never end.
      this.#schedule();
      return;
    }
    this.#entries = kept;
    this.#changed(true);
  }

  /**
   * Runs the request stages for one request that arrived at `arrivedAtMs`; `signal` aborts when the
   * client goes away. Only called when `requestStages` is not empty.
   */
  async beforeResponse(arrivedAtMs: number, signal?: AbortSignal): Promise<RequestOutcome> {
    let hung = false;
    for (;;) {
      // The sum of the delays decided in this pass (whole ms: `until - arrivedAtMs` would not be exact).
      let delayMs = 0;
      let woken: Woken | undefined;
      for (const stage of this.requestStages) {
        const d = stage.beforeResponse?.(this.#rng) ?? CONTINUE;
        if (d.kind === 'continue') continue;
        if (d.kind === 'delay') {
          delayMs += d.ms;
          const left = arrivedAtMs + delayMs - this.#clock.now();
          if (left <= 0) continue;
          woken = await this.#sleep(left, signal);
          if (woken === 'time') {
            woken = undefined;
            continue;
          }
          break;
        }
        if (d.kind === 'hang') {
          hung = true;
          woken = await this.#sleep(Number.POSITIVE_INFINITY, signal);
          break;
        }
        if (d.kind === 'respond') return { kind: 'respond', status: d.status, delayMs, fault: stage.type };
        return { kind: 'drop', delayMs, fault: stage.type };
      }
      if (woken === 'gone') return { kind: 'gone', delayMs, hung };
      if (woken === 'changed') continue;
      return { kind: 'continue', delayMs, hung };
    }
  }

  bodyStep(states: BodyStates, sentBytes: number): BodyStep {
    const progress: BodyProgress = { sentBytes, nowMs: this.#clock.now() };
    let step = SEND_ALL;
    for (const stage of this.bodyStages) {
      const hook = stage.body;
      if (!hook) continue;
      let state = states.get(stage);
      if (state === undefined && !states.has(stage)) {
        state = hook.start(this.#rng, progress);
        states.set(stage, state);
      }
      step = combineSteps(step, hook.step(state, progress));
    }
    return step;
  }

  wait(ms: number, wake: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
      wake();
    };
    timer = setTimeout(done, ms);
    this.#waiters.add(done);
    return () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
    };
  }

  /** Requests and bodies waiting on the chain right now (latency, hang, bandwidth): for tests of leaks. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** No faults any more, no timer; every waiting request and stream goes on. For the node's shutdown. */
  close(): void {
    this.#entries = [];
    this.#listeners.clear();
    this.#changed(false);
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<Woken> {
    if (signal?.aborted) return Promise.resolve('gone');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (why: Woken) => {
        clearTimeout(timer);
        this.#waiters.delete(onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(why);
      };
      const onChange = () => finish('changed');
      const onAbort = () => finish('gone');
      if (ms !== Number.POSITIVE_INFINITY) timer = setTimeout(finish, ms, 'time');
      this.#waiters.add(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #changed(tellListeners: boolean): void {
    const request = this.#entries.filter((e) => e.stage.beforeResponse).map((e) => e.stage);
    const body = this.#entries.filter((e) => e.stage.body).map((e) => e.stage);
    this.requestStages = request.length ? Object.freeze(request) : NONE;
    this.bodyStages = body.length ? Object.freeze(body) : NONE;
    this.#schedule();
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
    if (tellListeners && this.#listeners.size > 0) {
      const now = this.list();
      for (const listener of this.#listeners) listener(now);
    }
  }

  /** One timer, at the next expiry, so that expired faults leave the list and their waits end. */
  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.#entries) next = Math.min(next, e.expiresAtMs);
    if (next === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(() => this.prune(), Math.max(0, next - this.#clock.now()) + 1);
    this.#timer.unref();
  }
}
