import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileUrl, nodeUrl } from './node-url.js';

describe('nodeUrl', () => {
  const table: Array<[string, number, string]> = [
    ['127.0.0.1', 8001, 'http://127.0.0.1:8001'],
    ['0.0.0.0', 8001, 'http://127.0.0.1:8001'],
    ['::', 8001, 'http://[::1]:8001'],
    ['fe80::1', 8001, 'http://[fe80::1]:8001'],
    ['[::1]', 8001, 'http://[::1]:8001'],
    ['lab-pc.local', 80, 'http://lab-pc.local:80'],
  ];
  for (const [host, port, expected] of table) {
    it(`${host}:${port} → ${expected}`, () => assert.equal(nodeUrl({ host, port }), expected));
  }
});

describe('fileUrl', () => {
  const table: Array<[string, string]> = [
    ['demo.mp4', 'http://h:1/demo.mp4'],
    ['films/a b#1.mp4', 'http://h:1/films/a%20b%231.mp4'],
    ['50%?.mp4', 'http://h:1/50%25%3F.mp4'],
    ['vídeo.mp4', 'http://h:1/v%C3%ADdeo.mp4'],
  ];
  for (const [name, expected] of table) {
    it(`${name} → ${expected}`, () => assert.equal(fileUrl('http://h:1', name), expected));
  }
});
