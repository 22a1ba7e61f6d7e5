import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FaultInput, type FaultSpec, faultSpecSchema } from '../faults/fault-schema.js';
import { type FaultFlags, nextFaults, parseClearTypes } from './fault-flags.js';

const spec = (f: FaultInput): FaultSpec => faultSpecSchema.parse(f);

describe('nextFaults', () => {
  const table: Array<[string, FaultInput[], FaultFlags, FaultInput[]]> = [
    [
      'sets the faults given',
      [],
      { latencyMs: 500, bandwidthKbps: 300 },
      [
        { type: 'latency', latencyMs: 500, jitterMs: 0 },
        { type: 'bandwidth', bandwidthKBps: 300 },
      ],
    ],
    [
      'keeps the settings left out from the node',
      [{ type: 'latency', latencyMs: 100, jitterMs: 20 }],
      { latencyMs: 500 },
      [{ type: 'latency', latencyMs: 500, jitterMs: 20 }],
    ],
    [
      'keeps the other faults, and gives toxicity and forSeconds to the new ones only',
      [{ type: 'latency', latencyMs: 100 }],
      { hang: true, forSeconds: 5, toxicity: 0.5 },
      [
        { type: 'latency', latencyMs: 100, jitterMs: 0, toxicity: 1 },
        { type: 'hang', forSeconds: 5, toxicity: 0.5 },
      ],
    ],
    [
      'changes one setting of errors',
      [{ type: 'errors', errorRate: 0.3 }],
      { errorStatus: 500 },
      [{ type: 'errors', errorRate: 0.3, status: 500 }],
    ],
    ['clears everything', [{ type: 'latency', latencyMs: 1 }, { type: 'hang' }], { clear: true }, []],
    [
      'clears some types, then sets, in the chain order',
      [{ type: 'latency', latencyMs: 1 }, { type: 'hang' }],
      { clear: ['hang'], down: true },
      [{ type: 'down' }, { type: 'latency', latencyMs: 1, jitterMs: 0, toxicity: 1 }],
    ],
    ['sets reset after 0 bytes', [], { resetAfterBytes: 0 }, [{ type: 'reset', resetAfterBytes: 0 }]],
  ];
  for (const [what, current, flags, expected] of table) {
    it(what, () => {
      const next = nextFaults(flags, current.map(spec));
      assert.deepEqual(next.map(spec), expected.map(spec));
    });
  }

  it('--clear goes back to the latency nodes.json gives the node, not to none', () => {
    const configured = [{ type: 'latency' as const, latencyMs: 50, jitterMs: 0 }];
    const current = [spec({ type: 'latency', latencyMs: 500 }), spec({ type: 'hang' })];
    assert.deepEqual(nextFaults({ clear: true }, current, configured).map(spec), configured.map(spec));
    assert.deepEqual(nextFaults({ clear: ['hang'] }, current, configured).map(spec), [
      spec({ type: 'latency', latencyMs: 500 }),
    ]);
    assert.deepEqual(nextFaults({ clear: true, latencyMs: 900 }, current, configured).map(spec), [
      spec({ type: 'latency', latencyMs: 900 }),
    ]);
  });

  it('sends a kept fault back exactly as the node listed it, so that its expiry goes on', () => {
    const kept = spec({ type: 'down', forSeconds: 30, toxicity: 0.5 });
    const [first] = nextFaults({ latencyMs: 5 }, [kept]);
    assert.deepEqual(first, kept);
  });
});

describe('parseClearTypes', () => {
  it('reads a comma-separated list of types', () =>
    assert.deepEqual(parseClearTypes('hang, down'), ['hang', 'down']));
  it('refuses an unknown type', () => assert.equal(parseClearTypes('hang,slow'), undefined));
});
