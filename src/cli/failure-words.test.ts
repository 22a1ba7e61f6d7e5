import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureWords } from './failure-words.js';

describe('failureWords', () => {
  const table: Array<[Parameters<typeof failureWords>, string]> = [
    [['refused', 'node3', 'ECONNREFUSED', 'en'], 'connection refused: is node3 running?'],
    [['refused', 'node3', 'ECONNREFUSED', 'pt-BR'], 'conexão recusada: o node3 está rodando?'],
    [['error', 'node3', 'ECONNRESET', 'en'], 'connection lost: did node3 stop? (ECONNRESET)'],
    [['unauthorized', 'node1', '', 'en'], 'token rejected: check DSM_TOKEN or .dsm/token'],
    [['timeout', 'node2', 'took no data for 10 s', 'en'], 'timeout: took no data for 10 s'],
    [['http', 'node2', 'HTTP 500', 'en'], 'HTTP 500'],
  ];
  for (const [args, expected] of table) {
    it(`${args.slice(0, 3).join(' ')} (${args[3]}) → ${expected}`, () =>
      assert.equal(failureWords(...args), expected));
  }
});
