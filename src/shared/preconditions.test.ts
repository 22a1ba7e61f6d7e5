import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEtagList, strongEtag, weakEtag } from './etag.js';
import { type ConditionalHeaders, evaluatePreconditions, rangeApplies } from './preconditions.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const date = (ms: number) => new Date(ms).toUTCString();
const strong = { etag: '"x"', lastModifiedMs: T };
const weak = { etag: 'W/"x"', lastModifiedMs: T };

describe('evaluatePreconditions', () => {
  const table: Array<[string, string, ConditionalHeaders, typeof strong, string]> = [
    ['no conditions', 'GET', {}, strong, 'proceed'],
    ['If-Match matching', 'GET', { ifMatch: '"x"' }, strong, 'proceed'],
    ['If-Match in a list', 'GET', { ifMatch: '"a", "x"' }, strong, 'proceed'],
    ['If-Match other', 'GET', { ifMatch: '"y"' }, strong, 'precondition-failed'],
    ['If-Match weak tag', 'GET', { ifMatch: 'W/"x"' }, strong, 'precondition-failed'],
    ['If-Match against a weak current tag', 'GET', { ifMatch: '"x"' }, weak, 'precondition-failed'],
    ['If-Match *', 'GET', { ifMatch: '*' }, strong, 'proceed'],
    ['If-None-Match matching', 'GET', { ifNoneMatch: '"x"' }, strong, 'not-modified'],
    ['If-None-Match weak compare', 'HEAD', { ifNoneMatch: 'W/"x"' }, strong, 'not-modified'],
    ['If-None-Match *', 'GET', { ifNoneMatch: '*' }, strong, 'not-modified'],
    ['If-None-Match on PUT', 'PUT', { ifNoneMatch: '*' }, strong, 'precondition-failed'],
    ['If-None-Match other', 'GET', { ifNoneMatch: '"y"' }, strong, 'proceed'],
    ['INM wins over IMS', 'GET', { ifNoneMatch: '"y"', ifModifiedSince: date(T) }, strong, 'proceed'],
    ['If-Modified-Since equal', 'GET', { ifModifiedSince: date(T) }, strong, 'not-modified'],
    ['If-Modified-Since later', 'GET', { ifModifiedSince: date(T + 5000) }, strong, 'not-modified'],
    ['If-Modified-Since earlier', 'GET', { ifModifiedSince: date(T - 1000) }, strong, 'proceed'],
    ['If-Modified-Since invalid', 'GET', { ifModifiedSince: 'yesterday' }, strong, 'proceed'],
    [
      'If-Unmodified-Since earlier',
      'GET',
      { ifUnmodifiedSince: date(T - 1000) },
      strong,
      'precondition-failed',
    ],
    ['If-Unmodified-Since equal', 'GET', { ifUnmodifiedSince: date(T) }, strong, 'proceed'],
    [
      'IUS ignored with If-Match',
      'GET',
      { ifMatch: '"x"', ifUnmodifiedSince: date(T - 1000) },
      strong,
      'proceed',
    ],
  ];
  for (const [name, method, headers, v, expected] of table) {
    it(`${name} → ${expected}`, () => assert.equal(evaluatePreconditions(method, headers, v), expected));
  }
});

describe('rangeApplies', () => {
  it('applies without If-Range', () => assert.equal(rangeApplies(undefined, strong), true));
  it('applies when the strong ETag matches', () => assert.equal(rangeApplies('"x"', strong), true));
  it('does not apply for another ETag', () => assert.equal(rangeApplies('"y"', strong), false));
  it('never applies with a weak ETag', () => {
    assert.equal(rangeApplies('W/"x"', strong), false);
    assert.equal(rangeApplies('"x"', weak), false);
  });
  it('applies for the exact Last-Modified date only', () => {
    assert.equal(rangeApplies(date(T), strong), true);
    assert.equal(rangeApplies(date(T + 1000), strong), false);
  });
  it('does not apply for garbage', () => assert.equal(rangeApplies('garbage', strong), false));
});

describe('etags', () => {
  it('makes strong tags from the content hash and weak ones from size and mtime', () => {
    assert.equal(strongEtag('ab'.repeat(32)), `"sha256-${'ab'.repeat(32)}"`);
    assert.equal(weakEtag(1234, 1700000000123.4), 'W/"4d2-18bcfe5687b"');
  });
  it('parses lists', () => {
    assert.deepEqual(parseEtagList('"a", W/"b",  "c"'), [
      { weak: false, tag: 'a' },
      { weak: true, tag: 'b' },
      { weak: false, tag: 'c' },
    ]);
    assert.equal(parseEtagList(' * '), '*');
  });
});
