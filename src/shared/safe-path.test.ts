import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseTargetPath,
  type StorableName,
  storableName,
  storableNameOf,
  type TargetPath,
  urlPathOf,
} from './safe-path.js';

describe('parseTargetPath', () => {
  const table: Array<[string, TargetPath]> = [
    ['/demo.mp4', { kind: 'ok', segments: ['demo.mp4'] }],
    ['/films/a%20b.mp4?x=1', { kind: 'ok', segments: ['films', 'a b.mp4'] }],
    ['/films/', { kind: 'ok', segments: ['films'] }],
    ['/', { kind: 'ok', segments: [] }],
    ['/%252e%252e', { kind: 'ok', segments: ['%2e%2e'] }],
    ['/caf%C3%A9.mp4', { kind: 'ok', segments: ['café.mp4'] }],
    ['/../etc/passwd', { kind: 'bad', reason: 'traversal' }],
    ['/a/..', { kind: 'bad', reason: 'traversal' }],
    ['/a/%2e%2e/b', { kind: 'bad', reason: 'traversal' }],
    ['/%2E%2E/x', { kind: 'bad', reason: 'traversal' }],
    ['/./x', { kind: 'bad', reason: 'traversal' }],
    ['/a%2f..%2fb', { kind: 'bad', reason: 'traversal' }],
    ['/a%5c..%5cb', { kind: 'bad', reason: 'backslash' }],
    ['/a\\b', { kind: 'bad', reason: 'backslash' }],
    ['/..\\..\\x', { kind: 'bad', reason: 'backslash' }],
    ['/a%00.mp4', { kind: 'bad', reason: 'control-char' }],
    ['/a%0d%0aSet-Cookie:x', { kind: 'bad', reason: 'control-char' }],
    ['/C:/Windows/win.ini', { kind: 'bad', reason: 'colon' }],
    ['/c%3a%5cwindows', { kind: 'bad', reason: 'backslash' }],
    ['/demo.mp4:stream', { kind: 'bad', reason: 'colon' }],
    ['//etc/passwd', { kind: 'bad', reason: 'empty-segment' }],
    ['/a//b', { kind: 'bad', reason: 'empty-segment' }],
    ['/%zz', { kind: 'bad', reason: 'encoding' }],
    ['/%c0%ae%c0%ae/x', { kind: 'bad', reason: 'encoding' }],
    ['http://h/x', { kind: 'bad', reason: 'not-origin-form' }],
    ['*', { kind: 'bad', reason: 'not-origin-form' }],
    ['/CON', { kind: 'bad', reason: 'reserved-name' }],
    ['/aux.mp4', { kind: 'bad', reason: 'reserved-name' }],
    ['/demo.mp4.', { kind: 'bad', reason: 'trailing-dot-or-space' }],
    ['/demo.mp4%20', { kind: 'bad', reason: 'trailing-dot-or-space' }],
    ['/.env', { kind: 'hidden', segments: ['.env'] }],
    ['/a/.dsm/index.json', { kind: 'hidden', segments: ['a', '.dsm', 'index.json'] }],
  ];
  for (const [target, expected] of table) {
    it(`${target} → ${JSON.stringify(expected)}`, () => assert.deepEqual(parseTargetPath(target), expected));
  }
});

describe('urlPathOf', () => {
  it('encodes each segment', () => assert.equal(urlPathOf('films/a b#1.mp4'), '/films/a%20b%231.mp4'));
});

describe('storableName', () => {
  const table: Array<[string, StorableName]> = [
    ['/demo.mp4', { kind: 'ok', name: 'demo.mp4', segments: ['demo.mp4'] }],
    ['/films/a%20b.mp4', { kind: 'ok', name: 'films/a b.mp4', segments: ['films', 'a b.mp4'] }],
    ['/', { kind: 'bad', reason: 'a name is needed' }],
    ['/health', { kind: 'bad', reason: '"health" is reserved' }],
    ['/_dsm/files', { kind: 'bad', reason: '"_dsm" is reserved' }],
    ['/.env', { kind: 'bad', reason: 'names starting with "." are hidden' }],
    ['/a/.dsm/manifest.json', { kind: 'bad', reason: 'names starting with "." are hidden' }],
    ['/../x', { kind: 'bad', reason: '"." and ".." cannot be parts of a name' }],
    ['/films/', { kind: 'bad', reason: 'a name cannot end with "/": that names a folder' }],
    ['/a%5Cb', { kind: 'bad', reason: 'a backslash cannot be part of a name: use "/" between folders' }],
    [`/${'a'.repeat(256)}`, { kind: 'bad', reason: 'a part is longer than 255 bytes' }],
  ];
  for (const [target, expected] of table) {
    it(`${target.slice(0, 40)} → ${JSON.stringify(expected).slice(0, 80)}`, () =>
      assert.deepEqual(storableName(target), expected));
  }
});

describe('storableNameOf (a name as typed)', () => {
  const table: Array<[string, StorableName['kind'], string?]> = [
    ['films/a b#1.mp4', 'ok', 'films/a b#1.mp4'],
    ['../etc/passwd', 'bad', '"." and ".." cannot be parts of a name'],
    ['/abs.mp4', 'bad', 'a name cannot start with "/" or hold "//"'],
    ['films/', 'bad', 'a name cannot end with "/": that names a folder'],
    ['a\\b', 'bad', 'a backslash cannot be part of a name: use "/" between folders'],
    ['C:x.mp4', 'bad', '":" cannot be part of a name (Windows drive letters and streams)'],
    ['health', 'bad', '"health" is reserved'],
    ['', 'bad', 'a name is needed'],
  ];
  for (const [name, kind, detail] of table) {
    it(`${JSON.stringify(name)} → ${kind} ${detail ?? ''}`, () => {
      const r = storableNameOf(name);
      assert.equal(r.kind, kind);
      assert.equal(r.kind === 'ok' ? r.name : r.reason, detail);
    });
  }
});
