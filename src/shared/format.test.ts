import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, printable } from './format.js';
import { seededRng } from './random.js';

describe('formatBytes', () => {
  const table: Array<[number, string]> = [
    [0, '0 B'],
    [512, '512 B'],
    [1024, '1.0 KB'],
    [1048576, '1.0 MB'],
    [1536000, '1.5 MB'],
    [5 * 2 ** 30, '5.0 GB'],
  ];
  for (const [n, s] of table) it(`${n} → ${s}`, () => assert.equal(formatBytes(n), s));
});

describe('seededRng', () => {
  it('replays the same sequence for the same seed and stays in [0, 1)', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, seededRng(43)));
  });
});

describe('printable', () => {
  it('escapes control characters and shortens', () => {
    assert.equal(printable('/a\r\nb'), '/a\\x0d\\x0ab');
    assert.equal(printable('abcdef', 3), 'abc…');
  });
});
