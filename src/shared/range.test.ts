import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentRange, parseRange, type RangeDecision } from './range.js';

describe('parseRange', () => {
  const size = 10;
  const table: Array<[string | undefined, RangeDecision]> = [
    [undefined, { kind: 'none' }],
    ['bytes=0-4', { kind: 'ranges', ranges: [{ start: 0, end: 4 }] }],
    ['bytes=5-', { kind: 'ranges', ranges: [{ start: 5, end: 9 }] }],
    ['bytes=-3', { kind: 'ranges', ranges: [{ start: 7, end: 9 }] }],
    ['bytes=-50', { kind: 'ranges', ranges: [{ start: 0, end: 9 }] }],
    ['bytes=-10', { kind: 'ranges', ranges: [{ start: 0, end: 9 }] }],
    ['bytes=8-100', { kind: 'ranges', ranges: [{ start: 8, end: 9 }] }],
    ['bytes=9-9', { kind: 'ranges', ranges: [{ start: 9, end: 9 }] }],
    ['BYTES=0-0', { kind: 'ranges', ranges: [{ start: 0, end: 0 }] }],
    [
      'bytes= 0-1 , 4-5 ',
      {
        kind: 'ranges',
        ranges: [
          { start: 0, end: 1 },
          { start: 4, end: 5 },
        ],
      },
    ],
    [
      'bytes=0-1,,4-5',
      {
        kind: 'ranges',
        ranges: [
          { start: 0, end: 1 },
          { start: 4, end: 5 },
        ],
      },
    ],
    [
      'bytes=6-7,0-1',
      {
        kind: 'ranges',
        ranges: [
          { start: 6, end: 7 },
          { start: 0, end: 1 },
        ],
      },
    ],
    ['bytes=0-1,10-12', { kind: 'ranges', ranges: [{ start: 0, end: 1 }] }],
    ['bytes=10-', { kind: 'unsatisfiable' }],
    ['bytes=10-20', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=10-11,12-', { kind: 'unsatisfiable' }],
    ['bytes=5-2', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=abc', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=1', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=-', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=+1-2', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=0x1-2', { kind: 'ignored', reason: 'malformed' }],
    ['bytes=1.5-2', { kind: 'ignored', reason: 'malformed' }],
    ['bytes 0-1', { kind: 'ignored', reason: 'malformed' }],
    ['items=0-1', { kind: 'ignored', reason: 'unit' }],
    ['bytes=0-5,3-8', { kind: 'ignored', reason: 'overlap' }],
    ['bytes=0-1,1-2', { kind: 'ignored', reason: 'overlap' }],
    ['bytes=-5,0-4,5-', { kind: 'ignored', reason: 'overlap' }],
  ];
  for (const [header, expected] of table) {
    it(`${JSON.stringify(header)} of a 10-byte file → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseRange(header, size, 32), expected);
    });
  }

  it('ignores more ranges than the cap (Apache Killer defence)', () => {
    const many = `bytes=${Array.from({ length: 33 }, (_, i) => `${i * 2}-${i * 2}`).join(',')}`;
    assert.deepEqual(parseRange(many, 1000, 32), { kind: 'ignored', reason: 'too-many' });
    const ok = `bytes=${Array.from({ length: 32 }, (_, i) => `${i * 2}-${i * 2}`).join(',')}`;
    assert.equal(parseRange(ok, 1000, 32).kind, 'ranges');
  });

  it('ignores a set whose total is larger than the file', () => {
    // Not overlapping, but clamped so the sum is still ≤ size: accepted.
    assert.equal(parseRange('bytes=0-4,5-9', 10, 32).kind, 'ranges');
  });

  it('treats every range of an empty file as unsatisfiable', () => {
    assert.deepEqual(parseRange('bytes=0-', 0, 32), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=-5', 0, 32), { kind: 'unsatisfiable' });
  });

  it('decides `bytes=A-B` and `bytes=A-` (the one-match path) as the general parser does', () => {
    // A space after "=" is valid list syntax (OWS) and skips the one-match path.
    for (const size of [0, 1, 10]) {
      for (const a of ['0', '1', '5', '9', '10', '11', '007', '99999999999999999999']) {
        for (const b of ['', '0', '4', '5', '9', '10', '12', '99999999999999999999']) {
          const quick = parseRange(`bytes=${a}-${b}`, size, 32);
          const general = parseRange(`bytes= ${a}-${b}`, size, 32);
          assert.deepEqual(quick, general, `bytes=${a}-${b} of ${size} bytes`);
        }
      }
    }
  });

  it('handles positions beyond 2^32', () => {
    const big = 5 * 2 ** 32;
    assert.deepEqual(parseRange(`bytes=${2 ** 32}-`, big, 32), {
      kind: 'ranges',
      ranges: [{ start: 2 ** 32, end: big - 1 }],
    });
  });
});

describe('contentRange', () => {
  it('formats start-end/size', () => {
    assert.equal(contentRange({ start: 0, end: 1048575 }, 5_000_000), 'bytes 0-1048575/5000000');
  });
});
