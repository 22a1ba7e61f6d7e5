import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colourFor, PALETTE, prefixLine } from './log-prefix.js';

describe('prefixLine', () => {
  it("puts the name and a bar before the line, dropping the child's own name prefix", () => {
    assert.equal(prefixLine('node1  GET / 200', { name: 'node1', width: 7 }), 'node1   │ GET / 200');
  });

  it('keeps lines that do not start with the name as they are', () => {
    assert.equal(
      prefixLine('dsm: port 8001 is already in use', { name: 'node1', width: 5 }),
      'node1 │ dsm: port 8001 is already in use',
    );
  });

  it('colours the name only, so that padding stays outside the escape codes', () => {
    assert.equal(prefixLine('x', { name: 'n2', width: 4, colour: 35 }), '\x1b[35mn2\x1b[0m   │ x');
  });
});

describe('colourFor', () => {
  it('cycles through the palette', () => {
    assert.equal(colourFor(0), PALETTE[0]);
    assert.equal(colourFor(PALETTE.length), PALETTE[0]);
    assert.notEqual(colourFor(0), colourFor(1));
  });
});
