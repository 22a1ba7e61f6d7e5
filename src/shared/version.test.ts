import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newVersion, parseVersion, versionFromMtime, versionTime } from './version.js';

describe('versions', () => {
  it('grow with time and break ties at random', () => {
    assert.equal(
      newVersion(1700000000000, () => 0),
      1740800000000000,
    );
    assert.equal(
      newVersion(1700000000000, () => 0.999),
      1740800000001022,
    );
    assert.ok(newVersion(1700000000001, () => 0) > newVersion(1700000000000, () => 0.999));
    assert.equal(versionFromMtime(1700000000000.7), 1740800000000000);
    assert.equal(versionTime(1740800000001022).getTime(), 1700000000000);
    assert.ok(Number.isSafeInteger(newVersion(Date.UTC(2200, 0, 1), () => 0.999)));
  });
  const table: Array<[string | undefined, number | undefined]> = [
    ['1740800000000000', 1740800000000000],
    [' 42 ', 42],
    ['0', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    ['', undefined],
    [undefined, undefined],
    ['99999999999999999', undefined],
  ];
  for (const [input, expected] of table) {
    it(`parseVersion(${JSON.stringify(input)}) → ${expected}`, () =>
      assert.equal(parseVersion(input), expected));
  }
});
