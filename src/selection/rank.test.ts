import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileStat } from '../client/node-client.js';
import {
  byRoundTrip,
  median,
  medianLowerBound,
  type NodeObservation,
  type PickDecision,
  rank,
} from './rank.js';

const OPTS = { samples: 3, silenceFloorMs: 100 };

/** A copy of the file at `version`; each version has its own bytes. */
const has = (version: number): FileStat => ({
  present: true,
  version,
  etag: `"sha256-v${version}"`,
  size: 10,
});
const lacks = (version = 0): FileStat => ({ present: false, version });

/** A node with all three samples answered and its HEAD answered. */
const done = (name: string, rtt: number, file: FileStat): NodeObservation => ({
  name,
  rttsMs: [rtt, rtt, rtt],
  file,
});
const refused = (name: string): NodeObservation => ({
  name,
  rttsMs: [],
  failure: { kind: 'refused', detail: 'ECONNREFUSED' },
});

const chosen = (node: string, extra: Partial<Extract<PickDecision, { kind: 'chosen' }>['reason']> = {}) =>
  ({
    kind: 'chosen',
    node,
    reason: { version: 1, medianMs: 50, skipped: [], notWaitedFor: [], ...extra },
  }) satisfies PickDecision;

describe('rank', () => {
  const table: Array<[string, NodeObservation[], PickDecision]> = [
    ['the lowest median wins', [done('b', 150, has(1)), done('a', 50, has(1))], chosen('a')],
    [
      'equal medians go to the name that sorts first',
      [done('b', 80, has(1)), done('a', 80, has(1))],
      chosen('a', { medianMs: 80 }),
    ],
    [
      'the median, not the mean: one slow sample does not sink a node',
      [
        { name: 'a', rttsMs: [50, 900, 52], file: has(1) },
        { name: 'b', rttsMs: [60, 60, 60], file: has(1) },
      ],
      chosen('a', { medianMs: 52 }),
    ],
    [
      'a node whose version is unknown is waited for up to (n + 1) × the best median',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 150, fileWaitMs: 150 }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'exactly at the bound it is still waited for',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 200, fileWaitMs: 200 }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'past the bound it is not waited for (a hung node costs nothing)',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 201, fileWaitMs: 201 }],
      chosen('a', { notWaitedFor: ['b'] }),
    ],
    [
      'the floor applies when the best is very fast',
      [done('a', 2, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 99, fileWaitMs: 99 }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'past the floor a silent node is not waited for',
      [done('a', 2, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 101, fileWaitMs: 101 }],
      chosen('a', { medianMs: 2, notWaitedFor: ['b'] }),
    ],
    [
      'a holder still sampling that answered faster can win: wait',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [40], healthWaitMs: 10, file: has(1) }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'a holder still sampling whose fastest answer is slower cannot win',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [150], healthWaitMs: 5, file: has(1) }],
      chosen('a'),
    ],
    [
      'a holder silent on its first sample for longer than the best median cannot win',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 60, file: has(1) }],
      chosen('a'),
    ],
    [
      'a holder silent on its first sample for less than the best median can still win',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 40, file: has(1) }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'at exactly the best median it can win only with a name that sorts first',
      [done('b', 50, has(1)), { name: 'a', rttsMs: [], healthWaitMs: 50, file: has(1) }],
      { kind: 'undecided', waitingFor: ['a'] },
    ],
    [
      '… and with a name that sorts after, it cannot',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 50, file: has(1) }],
      chosen('a'),
    ],
    [
      'two fast answers already fix the median: a slow third does not matter, wait for it',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [40, 40], healthWaitMs: 500, file: has(1) }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'a faster node with an older version is skipped',
      [done('a', 50, has(1)), done('b', 150, has(2))],
      chosen('b', {
        version: 2,
        medianMs: 150,
        skipped: [{ node: 'a', why: 'stale', version: 1, medianMs: 50 }],
      }),
    ],
    [
      'a faster node with the same bytes under an older version is as good as the newest',
      [
        done('a', 50, { present: true, version: 1, etag: '"sha256-ab"', size: 10 }),
        done('b', 150, { present: true, version: 2, etag: '"sha256-ab"', size: 10 }),
      ],
      chosen('a', { version: 2 }),
    ],
    [
      'weak ETags say nothing about the bytes: the older version is stale',
      [
        done('a', 50, { present: true, version: 1, etag: 'W/"a-1"', size: 10 }),
        done('b', 150, { present: true, version: 2, etag: 'W/"a-1"', size: 10 }),
      ],
      chosen('b', {
        version: 2,
        medianMs: 150,
        skipped: [{ node: 'a', why: 'stale', version: 1, medianMs: 50 }],
      }),
    ],
    [
      'different bytes under an older version are stale',
      [
        done('a', 50, { present: true, version: 1, etag: '"sha256-cd"', size: 10 }),
        done('b', 150, { present: true, version: 2, etag: '"sha256-ab"', size: 10 }),
      ],
      chosen('b', {
        version: 2,
        medianMs: 150,
        skipped: [{ node: 'a', why: 'stale', version: 1, medianMs: 50 }],
      }),
    ],
    [
      'a faster node without the file is skipped',
      [done('a', 50, lacks()), done('b', 150, has(0))],
      chosen('b', {
        version: 0,
        medianMs: 150,
        skipped: [{ node: 'a', why: 'lacks-file', version: 0, medianMs: 50 }],
      }),
    ],
    [
      'slower nodes without the file are not "skipped"',
      [done('a', 50, has(1)), done('b', 150, lacks())],
      chosen('a'),
    ],
    [
      'a stale node is waited for no longer than any other',
      [done('a', 50, has(1)), { name: 'b', rttsMs: [], healthWaitMs: 30, file: has(0) }],
      chosen('a'),
    ],
    [
      'the only holder still sampling: wait for it',
      [{ name: 'a', rttsMs: [50], healthWaitMs: 10, file: has(1) }, refused('b')],
      { kind: 'undecided', waitingFor: ['a'] },
    ],
    [
      'no holder known yet and no node with all samples: no bound on the wait',
      [
        { name: 'a', rttsMs: [50], healthWaitMs: 10, file: lacks() },
        { name: 'b', rttsMs: [], fileWaitMs: 1500 },
      ],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    ['every node down', [refused('a'), refused('b')], { kind: 'none', reason: { why: 'all-down' } }],
    [
      'no live node has the file',
      [done('a', 50, lacks()), done('b', 150, lacks()), refused('c')],
      { kind: 'none', reason: { why: 'not-found' } },
    ],
    [
      'with no holder yet, a silent node is waited for: it may be the only one with the file',
      [done('a', 2, lacks()), { name: 'b', rttsMs: [], healthWaitMs: 1500, fileWaitMs: 1500 }],
      { kind: 'undecided', waitingFor: ['b'] },
    ],
    [
      'the newest version is a deletion',
      [done('a', 50, has(1)), done('b', 150, lacks(2))],
      { kind: 'none', reason: { why: 'deleted', version: 2, node: 'b' } },
    ],
    [
      'an older deletion does not hide a newer file',
      [done('a', 50, lacks(1)), done('b', 150, has(2))],
      chosen('b', {
        version: 2,
        medianMs: 150,
        skipped: [{ node: 'a', why: 'lacks-file', version: 1, medianMs: 50 }],
      }),
    ],
    [
      "a down node's version does not count",
      [
        done('a', 50, has(1)),
        { name: 'b', rttsMs: [150], file: has(2), failure: { kind: 'timeout', detail: 'no answer in time' } },
      ],
      chosen('a'),
    ],
  ];
  for (const [title, observations, expected] of table) {
    it(title, () => assert.deepEqual(rank(observations, OPTS), expected));
  }

  it('never stays undecided once nothing is in flight', () => {
    // Every combination of two nodes with finished probes must decide.
    const states: NodeObservation[] = [
      done('x', 50, has(1)),
      done('x', 150, has(2)),
      done('x', 50, lacks()),
      done('x', 50, lacks(3)),
      refused('x'),
      { name: 'x', rttsMs: [50], file: has(1), failure: { kind: 'error', detail: 'HTTP 500' } },
    ];
    for (const a of states) {
      for (const b of states) {
        const d = rank(
          [
            { ...a, name: 'a' },
            { ...b, name: 'b' },
          ],
          OPTS,
        );
        assert.notEqual(d.kind, 'undecided', JSON.stringify([a, b]));
      }
    }
  });
});

describe('medianLowerBound', () => {
  const table: Array<[number[], number | undefined, number]> = [
    [[], 60, 60],
    [[], undefined, 0],
    [[150], 5, 150],
    [[40, 40], 500, 40],
    [[40, 90], 10, 40],
    [[40, 90], 100, 90],
    [[50, 50, 50], undefined, 50],
  ];
  for (const [rtts, wait, expected] of table) {
    it(`[${rtts}] waiting ${wait} → ${expected}`, () =>
      assert.equal(medianLowerBound({ name: 'a', rttsMs: rtts, healthWaitMs: wait }, 3), expected));
  }
});

describe('median', () => {
  const table: Array<[number[], number]> = [
    [[5], 5],
    [[3, 1, 2], 2],
    [[1, 2, 3, 100], 2.5],
    [[50, 900, 52], 52],
  ];
  for (const [values, expected] of table) {
    it(`[${values}] → ${expected}`, () => assert.equal(median(values), expected));
  }
});

describe('byRoundTrip', () => {
  it('orders by median, a node never measured last, then by name', () => {
    const nodes: NodeObservation[] = [
      refused('a'),
      { name: 'd', rttsMs: [300] },
      { name: 'c', rttsMs: [50, 60, 55] },
      { name: 'b', rttsMs: [] },
      { name: 'e', rttsMs: [55] },
    ];
    assert.deepEqual(
      [...nodes].sort(byRoundTrip).map((n) => n.name),
      ['c', 'e', 'd', 'a', 'b'],
    );
  });
});
