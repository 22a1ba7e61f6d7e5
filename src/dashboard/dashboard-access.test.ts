import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardAccess, hostName } from './dashboard-access.js';

const TOKEN = 'secret-token-123';

describe('dashboardAccess', () => {
  const cases: Array<[string, string | undefined, string | undefined, 'granted' | 'denied']> = [
    ['127.0.0.1', '127.0.0.1:8000', undefined, 'granted'],
    ['127.0.0.1', 'localhost:8000', undefined, 'granted'],
    ['::1', '[::1]:8000', undefined, 'granted'],
    ['127.0.0.1', 'evil.example:8000', undefined, 'denied'],
    ['127.0.0.1', undefined, undefined, 'denied'],
    ['0.0.0.0', '192.168.1.5:8000', undefined, 'denied'],
    ['0.0.0.0', '127.0.0.1:8000', undefined, 'denied'],
    ['0.0.0.0', '192.168.1.5:8000', TOKEN, 'granted'],
    ['0.0.0.0', '192.168.1.5:8000', 'wrong', 'denied'],
    ['127.0.0.1', 'evil.example', TOKEN, 'granted'],
  ];
  for (const [boundHost, hostHeader, givenToken, want] of cases) {
    it(`bound ${boundHost}, Host ${hostHeader}, token ${givenToken ? 'given' : 'none'} → ${want}`, () =>
      assert.equal(dashboardAccess({ boundHost, hostHeader, givenToken, token: TOKEN }), want));
  }
});

describe('hostName', () => {
  const cases: Array<[string, string]> = [
    ['[::1]:8000', '[::1]'],
    ['A.b:80', 'a.b'],
    ['localhost', 'localhost'],
  ];
  for (const [h, want] of cases) it(`${h} → ${want}`, () => assert.equal(hostName(h), want));
});
