import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatClock, formatMs, formatRate, formatVersion, latestRtt } from './format.js';

describe('format', () => {
  it('bytes in powers of 1000, one decimal below 10', () => {
    const table: Array<[number, string]> = [
      [0, '0 B'],
      [950, '950 B'],
      [1000, '1.0 KB'],
      [1234, '1.2 KB'],
      [3_900_000, '3.9 MB'],
      [12_400_000, '12 MB'],
      [-5, '0 B'],
    ];
    for (const [n, text] of table) assert.equal(formatBytes(n), text, String(n));
    assert.equal(formatRate(200_000), '200 KB/s');
  });

  it('round trips as whole ms, a dash when there is none', () => {
    assert.equal(formatMs(153.4), '153 ms');
    assert.equal(formatMs(null), '–');
    assert.equal(formatMs(undefined), '–');
  });

  it('clock time in the given offset', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.equal(formatClock(at), '03:04:05');
    // getTimezoneOffset() is +180 in Brazil (UTC-3).
    assert.equal(formatClock(at, 180), '00:04:05');
  });

  it('the latest round trip is the newest sample, null when the node did not answer it', () => {
    assert.equal(latestRtt([10, null, 20]), 20);
    assert.equal(latestRtt([10, 20, null]), null);
    assert.equal(latestRtt([]), null);
  });

  it('versions as the time they were written, as the CLI shows them', () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.equal(formatVersion(at * 1024 + 1023), 'v03:04:05');
  });
});
