import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textTable } from './text-table.js';

describe('textTable', () => {
  it('pads columns, right-aligns the ones asked, trims line ends', () => {
    const out = textTable(
      ['node', 'median', 'file'],
      [
        ['node1', '51 ms', 'yes'],
        ['node22', '-', ''],
      ],
      new Set([1]),
    );
    assert.equal(
      out,
      ['node    median  file', '------  ------  ----', 'node1    51 ms  yes', 'node22       -'].join('\n'),
    );
  });

  it('a header alone gives the header and its rule', () => {
    assert.equal(textTable(['a', 'bb'], []), 'a  bb\n-  --');
  });
});
