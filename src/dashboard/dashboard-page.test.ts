import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ASSET_PATH, renderIndex } from './dashboard-page.js';
import { cookieName, cookieValue } from './dashboard-routes.js';

describe('renderIndex', () => {
  const html = '<head><meta name="dsm-token" content=""><meta name="dsm-lang" content="en"></head>';
  it('fills the token and the language', () =>
    assert.equal(
      renderIndex(html, { token: 'abc', lang: 'pt-BR' }),
      '<head><meta name="dsm-token" content="abc"><meta name="dsm-lang" content="pt-BR"></head>',
    ));
  it('leaves the token empty for a read-only page, and escapes what it writes', () => {
    assert.match(renderIndex(html, { token: undefined, lang: 'en' }), /name="dsm-token" content=""/);
    assert.match(
      renderIndex(html, { token: '"><script>', lang: 'en' }),
      /content="&quot;&gt;&lt;script&gt;"/,
    );
  });
});

describe('ASSET_PATH', () => {
  const cases: Array<[string, boolean]> = [
    ['/assets/index-Ab12.js', true],
    ['/assets/index-Ab12.css', true],
    ['/favicon.svg', true],
    ['/assets/../nodes.json', false],
    ['/assets/.hidden.js', false],
    ['/index.html', false],
    ['/assets/a/b.js', false],
    ['/dashboard-routes.js', false],
    ['/assets/index-Ab12.js.map', false],
  ];
  for (const [p, want] of cases) it(`${p} → ${want}`, () => assert.equal(ASSET_PATH.test(p), want));
});

describe('the page cookie', () => {
  it('is named after the port of the Host header', () => {
    assert.equal(cookieName('192.168.1.5:8000'), 'dsm_token_8000');
    assert.equal(cookieName('[::1]:8123'), 'dsm_token_8123');
    assert.equal(cookieName('example.org'), 'dsm_token_80');
  });
  const cases: Array<[string | undefined, string, string | undefined]> = [
    ['a=1; dsm_token_8000=xyz', 'dsm_token_8000', 'xyz'],
    ['dsm_token_8001=xyz', 'dsm_token_8000', undefined],
    [undefined, 'dsm_token_8000', undefined],
  ];
  for (const [header, name, want] of cases)
    it(`${header} → ${want}`, () => assert.equal(cookieValue(header, name), want));
});
