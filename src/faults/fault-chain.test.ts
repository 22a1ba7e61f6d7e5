import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Clock, seededRng, systemClock } from '../shared/random.js';
import type { BodyStep } from './fault.js';
import { type BodyStates, combineSteps, FaultChain } from './fault-chain.js';
import { type FaultInput, type FaultSpec, faultSpecSchema } from './fault-schema.js';

function fakeClock(start = 0): Clock & { t: number } {
  const c = { t: start, now: () => c.t, wallMs: () => c.t };
  return c;
}

const specs = (...faults: FaultInput[]): FaultSpec[] => faults.map((f) => faultSpecSchema.parse(f));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('FaultChain: the list', () => {
  it('lists the faults with their defaults and the seconds left', () => {
    const clock = fakeClock(1000);
    const chain = new FaultChain({ rng: seededRng(1), clock });
    chain.set(specs({ type: 'latency', latencyMs: 500 }, { type: 'hang', forSeconds: 30 }));
    clock.t = 11_000;
    assert.deepEqual(chain.list(), [
      { type: 'latency', latencyMs: 500, jitterMs: 0, toxicity: 1 },
      { type: 'hang', toxicity: 1, forSeconds: 30, remainingSeconds: 20 },
    ]);
    assert.equal(chain.current('latency')?.latencyMs, 500);
    assert.equal(chain.current('bandwidth'), undefined);
    chain.close();
  });

  it('keeps the expiry of a fault sent again unchanged (a PUT of the same list changes nothing)', () => {
    const clock = fakeClock(0);
    const chain = new FaultChain({ rng: seededRng(1), clock });
    chain.set(specs({ type: 'down', forSeconds: 10 }));
    clock.t = 4000;
    chain.set(specs({ type: 'down', forSeconds: 10 }));
    assert.equal(chain.list()[0]?.remainingSeconds, 6);
    chain.set(specs({ type: 'down', forSeconds: 10, toxicity: 0.5 }));
    assert.equal(chain.list()[0]?.remainingSeconds, 10, 'changed settings start again');
    chain.close();
  });

  it('drops an expired fault and tells the listeners', () => {
    const clock = fakeClock(0);
    const chain = new FaultChain({ rng: seededRng(1), clock });
    const seen: string[][] = [];
    chain.onChange((faults) => seen.push(faults.map((f) => f.type)));
    chain.set(specs({ type: 'errors', forSeconds: 5 }, { type: 'reset', resetAfterBytes: 1 }));
    assert.equal(chain.requestStages.length, 1);
    clock.t = 5000;
    chain.prune();
    assert.deepEqual(
      chain.list().map((f) => f.type),
      ['reset'],
    );
    assert.equal(chain.requestStages.length, 0);
    assert.deepEqual(seen, [['errors', 'reset'], ['reset']]);
    chain.close();
  });

  it('has the same frozen empty stage lists whenever a hook has no stage (the hot path checks .length)', () => {
    const a = new FaultChain({ rng: seededRng(1), clock: fakeClock() });
    const b = new FaultChain({ rng: seededRng(1), clock: fakeClock() });
    assert.equal(a.requestStages, b.requestStages);
    assert.ok(Object.isFrozen(a.requestStages));
    a.set(specs({ type: 'bandwidth', bandwidthKBps: 10 }));
    assert.equal(a.requestStages, b.requestStages);
    assert.equal(a.bodyStages.length, 1);
    a.set([]);
    assert.equal(a.bodyStages, b.bodyStages);
  });
});

describe('FaultChain: before the response', () => {
  it('answers an injected error, or drops the request, naming the fault', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: fakeClock() });
    chain.set(specs({ type: 'errors', status: 500 }));
    assert.deepEqual(await chain.beforeResponse(0), {
      kind: 'respond',
      status: 500,
      delayMs: 0,
      fault: 'errors',
    });
    chain.set(specs({ type: 'down' }, { type: 'errors' }));
    assert.deepEqual(await chain.beforeResponse(0), { kind: 'drop', delayMs: 0, fault: 'down' });
  });

  it('waits the latency, counted from the arrival of the request', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'latency', latencyMs: 80 }));
    const arrived = systemClock.now() - 30;
    const out = await chain.beforeResponse(arrived);
    assert.deepEqual(out, { kind: 'continue', delayMs: 80, hung: false });
    const waited = systemClock.now() - arrived;
    assert.ok(waited >= 78 && waited < 400, `answered after ${waited} ms`);
  });

  it('reports the delay in whole ms, whatever the arrival time (no float drift in the log)', async () => {
    // (7946.674010915755 + 300) - 7946.674010915755 is 299.9999999999991 in floating point.
    const arrived = 7946.674010915755;
    const clock = fakeClock(arrived + 300);
    const chain = new FaultChain({ rng: seededRng(1), clock });
    chain.set(specs({ type: 'latency', latencyMs: 300 }));
    assert.deepEqual(await chain.beforeResponse(arrived), { kind: 'continue', delayMs: 300, hung: false });
  });

  it('applies a latency change to a request already waiting', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'latency', latencyMs: 5000 }));
    const t0 = systemClock.now();
    const pending = chain.beforeResponse(t0);
    await delay(30);
    assert.equal(chain.waiting, 1);
    chain.set(specs({ type: 'latency', latencyMs: 100 }));
    const out = await pending;
    const took = systemClock.now() - t0;
    assert.equal(out.kind, 'continue');
    assert.ok(took >= 98 && took < 1000, `took ${took} ms`);
    assert.equal(chain.waiting, 0);
  });

  it('does not make a request pay an unchanged latency twice when another fault is added', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'latency', latencyMs: 200 }));
    const t0 = systemClock.now();
    const pending = chain.beforeResponse(t0);
    await delay(100);
    chain.set(specs({ type: 'latency', latencyMs: 200 }, { type: 'bandwidth', bandwidthKBps: 1 }));
    await pending;
    const took = systemClock.now() - t0;
    assert.ok(took >= 198 && took < 350, `took ${took} ms`);
  });

  it('holds a hung request until the hang is removed, then lets it through', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'hang' }));
    let settled = false;
    const pending = chain.beforeResponse(systemClock.now()).then((o) => {
      settled = true;
      return o;
    });
    await delay(100);
    assert.equal(settled, false);
    chain.set([]);
    assert.deepEqual(await pending, { kind: 'continue', delayMs: 0, hung: true });
    assert.equal(chain.waiting, 0);
  });

  it('runs a released request through the new chain: a hang replaced by errors answers 503', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'hang' }));
    const pending = chain.beforeResponse(systemClock.now());
    await delay(20);
    chain.set(specs({ type: 'errors' }));
    assert.equal((await pending).kind, 'respond');
  });

  it('forgets a hung request whose client went away', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'hang' }));
    const ac = new AbortController();
    const pending = chain.beforeResponse(systemClock.now(), ac.signal);
    await delay(20);
    ac.abort();
    assert.equal((await pending).kind, 'gone');
    assert.equal(chain.waiting, 0);
  });

  it('releases a hang when its forSeconds are up', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'hang', forSeconds: 0.2 }));
    const t0 = systemClock.now();
    // The expiry timer is unref'd (in a node, the server keeps the process up); hold the test's loop.
    const hold = setTimeout(() => undefined, 5000);
    const out = await chain.beforeResponse(t0);
    clearTimeout(hold);
    const took = systemClock.now() - t0;
    assert.equal(out.kind, 'continue');
    assert.ok(took >= 195 && took < 1000, `took ${took} ms`);
    assert.deepEqual(chain.list(), []);
  });

  it('still releases the hang when the expiry timer fires before the clock says it is due', async () => {
    // A clock at half the timers' pace: each expiry timer fires before the clock says the fault is due.
    const start = systemClock.now();
    const lagging = { ...systemClock, now: () => start + (systemClock.now() - start) / 2 };
    const chain = new FaultChain({ rng: seededRng(1), clock: lagging });
    chain.set(specs({ type: 'hang', forSeconds: 0.1 }));
    let timedOut = false;
    const hold = setTimeout(() => {
      timedOut = true;
      chain.close();
    }, 3000);
    await chain.beforeResponse(lagging.now());
    clearTimeout(hold);
    assert.equal(timedOut, false, 'the hang was never released by its expiry');
    assert.deepEqual(chain.list(), []);
  });

  it('lets everything through on close', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    chain.set(specs({ type: 'hang' }));
    const pending = chain.beforeResponse(systemClock.now());
    await delay(10);
    chain.close();
    assert.equal((await pending).kind, 'continue');
  });
});

describe('FaultChain: bodies', () => {
  const show = (s: BodyStep) =>
    s.kind === 'send' ? `send ${s.maxBytes}` : s.kind === 'wait' ? `wait ${s.ms}` : 'cut';
  const send = (maxBytes: number): BodyStep => ({ kind: 'send', maxBytes });
  const wait = (ms: number): BodyStep => ({ kind: 'wait', ms });
  const cut: BodyStep = { kind: 'cut' };
  const table: Array<[BodyStep, BodyStep, string]> = [
    [send(50_000), send(400), 'send 400'],
    [send(400), wait(40), 'wait 40'],
    [wait(40), wait(90), 'wait 90'],
    [wait(40), cut, 'cut'],
  ];
  for (const [a, b, expected] of table) {
    it(`combines ${show(a)} and ${show(b)} → ${expected}`, () => {
      assert.equal(show(combineSteps(a, b)), expected);
      assert.equal(show(combineSteps(b, a)), expected);
    });
  }

  it('steps a body through bandwidth and reset together, with state kept per response', () => {
    const clock = fakeClock(0);
    const chain = new FaultChain({ rng: seededRng(1), clock });
    chain.set(specs({ type: 'bandwidth', bandwidthKBps: 1 }, { type: 'reset', resetAfterBytes: 150 }));
    const states: BodyStates = new Map();
    assert.equal(show(chain.bodyStep(states, 0)), 'send 100');
    assert.equal(show(chain.bodyStep(states, 100)), 'wait 100');
    clock.t = 100;
    assert.equal(show(chain.bodyStep(states, 100)), 'send 50');
    assert.equal(show(chain.bodyStep(states, 150)), 'cut');
    assert.equal(states.size, 2);
    assert.equal(show(chain.bodyStep(new Map(), 0)), 'send 100', 'another response paces on its own');
  });

  it('wakes a waiting body at the next change, and a cancelled wait leaves nothing behind', async () => {
    const chain = new FaultChain({ rng: seededRng(1), clock: systemClock });
    let woken = 0;
    chain.wait(60_000, () => woken++);
    const cancel = chain.wait(60_000, () => woken++);
    cancel();
    assert.equal(chain.waiting, 1);
    chain.set([]);
    assert.equal(woken, 1);
    assert.equal(chain.waiting, 0);
  });
});
