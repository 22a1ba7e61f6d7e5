import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DsmError, ERRORS, errorBody } from './errors.js';
import { pickLang } from './i18n.js';

describe('DsmError', () => {
  it('carries code, status and a one-line message in both languages', () => {
    const err = new DsmError('DSM_PORT_IN_USE', { port: 8001, name: 'node1' });
    assert.equal(err.status, 400);
    assert.equal(err.message, 'port 8001 is already in use: is node1 already running?');
    assert.equal(err.localized('pt-BR'), 'a porta 8001 já está em uso: node1 já está rodando?');
    assert.deepEqual(JSON.parse(errorBody(err)), {
      error: { code: 'DSM_PORT_IN_USE', message: err.message },
    });
  });
  it('has no multi-line message anywhere in the catalog', () => {
    const params = new Proxy({}, { get: () => 'x' });
    for (const [code, s] of Object.entries(ERRORS)) {
      assert.ok(!s.en(params).includes('\n'), code);
      assert.ok(!s['pt-BR'](params).includes('\n'), code);
    }
  });
});

describe('pickLang', () => {
  const table: Array<[string | undefined, string | undefined, string]> = [
    ['pt-BR', undefined, 'pt-BR'],
    ['en', 'pt_BR.UTF-8', 'en'],
    [undefined, 'pt_BR.UTF-8', 'pt-BR'],
    [undefined, 'C.UTF-8', 'en'],
    [undefined, undefined, 'en'],
  ];
  for (const [flag, env, expected] of table) {
    it(`${flag}/${env} → ${expected}`, () => assert.equal(pickLang(flag, env), expected));
  }
});
