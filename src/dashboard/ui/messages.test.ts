import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseLang, MESSAGE_KEYS, t } from './messages.js';

describe('messages', () => {
  it('every text exists in both languages, with the same parameters', () => {
    for (const key of MESSAGE_KEYS) {
      const en = t('en', key);
      const pt = t('pt-BR', key);
      assert.ok(en.length > 0 && pt.length > 0, key);
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(params(pt), params(en), key);
    }
  });

  it('fills parameters and leaves unknown ones visible', () => {
    assert.equal(t('en', 'servedBy', { node: 'node2' }), 'served by node2');
    assert.equal(t('pt-BR', 'servedBy', { node: 'node2' }), 'servido por node2');
    assert.equal(t('en', 'servedBy'), 'served by {node}');
  });

  it('language: the stored choice, else the cluster, else English', () => {
    assert.equal(chooseLang('pt-BR', 'en'), 'pt-BR');
    assert.equal(chooseLang(null, 'pt-BR'), 'pt-BR');
    assert.equal(chooseLang('fr', 'xx'), 'en');
  });
});
